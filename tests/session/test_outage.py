"""Outages (lessons §1 c, §4, §5): broker death, stalls, expired keys, bad passwords."""

from __future__ import annotations

import itertools
import time
from typing import TYPE_CHECKING

from custom_components.navien_nwp500.navilink.codec import commands
from custom_components.navien_nwp500.navilink.codec.enums import DhwOperationSetting
from custom_components.navien_nwp500.navilink.session.queue import CommandOutcome
from custom_components.navien_nwp500.navilink.session.session_types import (
    AuthFailedError,
    SendOutcome,
    SessionState,
)
from tests.session import DEVICE, eventually, fast, open_session, received

if TYPE_CHECKING:
    from navilink_sim.simulator import NaviLinkSimulator
    from tests.session import Harness

DHW_MODE = 33554437
# A long keep-alive: a loss noticed quickly was noticed by the interruption.
OUTAGE = fast(keep_alive_s=30, backoff_min=0.05, backoff_max=0.5, stable_after=1.0)


def connected(h: Harness) -> bool:
    """Whether the session is connected."""
    return h.session.state is SessionState.CONNECTED


def offline(h: Harness) -> bool:
    """Whether the session noticed the loss."""
    return h.session.state is not SessionState.CONNECTED


def stable(h: Harness) -> bool:
    """Whether the connection lived ``stable_after`` (the outage count restarts)."""
    return connected(h) and h.stats()["attempt"] == 0


def attempts_since(h: Harness, marker: int) -> list[int]:
    """Return the attempt numbers of the CONNECTING transitions after ``marker``."""
    return [
        a for _t, s, _e, a in h.recorder.states[marker:] if s is SessionState.CONNECTING
    ]


async def test_outage_one_attempt_per_slot_and_prompt_recovery(
    simulator: NaviLinkSimulator,
) -> None:
    async with open_session(simulator, config=OUTAGE) as h:
        await eventually(lambda: stable(h), 20.0, "a stable connection")
        marker = len(h.recorder.states)
        t_kill = time.monotonic()
        simulator.faults.kill_broker()
        # Noticed from the interruption, long before a keep-alive could notice it.
        await eventually(lambda: offline(h), OUTAGE.keep_alive_s / 2, "loss noticed")
        await eventually(
            lambda: len(attempts_since(h, marker)) >= 5, 30.0, "retries in the outage"
        )
        await simulator.faults.start_broker()
        back = len(h.recorder.states)
        await eventually(lambda: connected(h), 20.0, "recovery")
        t_conn = time.monotonic()

    attempts = attempts_since(h, marker)
    assert attempts == list(range(1, len(attempts) + 1))  # monotonic, no resets
    upgrades = [e.at for e in simulator.front_door.stats.events if t_kill <= e.at]
    upgrades = [at for at in upgrades if at <= t_conn]
    assert len(upgrades) <= len(attempts)  # at most one attempt per slot
    gaps = [b - a for a, b in itertools.pairwise(upgrades)]
    assert min(gaps) >= OUTAGE.backoff_min * 0.8
    # Prompt recovery: the first attempt that starts after the broker is back
    # connects (the one in flight when it came back may still have failed).
    assert len(attempts_since(h, back)) <= 1


async def test_broker_restart_and_kill_recover(simulator: NaviLinkSimulator) -> None:
    heater = simulator.device_links[DEVICE.mac]
    async with open_session(simulator, config=OUTAGE) as h:
        await simulator.faults.restart_broker()
        await eventually(lambda: h.stats()["connects"] == 2, 20.0, "after restart")
        simulator.faults.kill_broker()
        await eventually(lambda: offline(h), 30.0, "loss noticed")
        heater_connects = heater.connect_count
        await simulator.faults.start_broker()
        await eventually(lambda: h.stats()["connects"] == 3, 20.0, "after kill")
        # The simulated heater reconnects to the broker on its own schedule.
        await eventually(
            lambda: heater.connected and heater.connect_count > heater_connects,
            20.0,
            "the heater back on the broker",
        )
        reply = await h.session.query(commands.status_request(DEVICE), timeout=20.0)
        assert "status" in reply


async def test_stalled_path_detected_and_recovered(
    simulator: NaviLinkSimulator,
) -> None:
    config = fast(keep_alive_s=2, ping_timeout_ms=1000, first_connect_timeout=3.0)
    async with open_session(simulator, config=config) as h:
        await eventually(lambda: bool(h.recorder.statuses), 20.0, "the first status")
        simulator.faults.stall()
        command = commands.set_dhw_mode(DEVICE, None, DhwOperationSetting.HEAT_PUMP)
        outcome = await h.session.send(command)  # published into the stall
        assert outcome is SendOutcome.QUEUED
        # Only the keep-alive can notice a stall; the bound leaves room for a
        # loaded machine but not for the 1200 s SDK default.
        noticed = 5 * (config.keep_alive_s + config.ping_timeout_ms / 1000)
        await eventually(lambda: offline(h), noticed, "stall detected")
        marker = len(h.recorder.states)
        await eventually(
            lambda: bool(attempts_since(h, marker)), 20.0, "an attempt into the stall"
        )
        simulator.faults.unstall()
        await eventually(lambda: connected(h), 20.0, "recovery after the stall")
        await eventually(lambda: len(h.recorder.outcomes) == 1, 20.0, "outcome")
        assert h.recorder.outcomes == [(command, CommandOutcome.DELIVERED)]
        # The held bytes were let go at unstall, before this round trip began.
        await h.session.query(commands.status_request(DEVICE), timeout=20.0)
        modes = received(simulator, {DHW_MODE})
        # The command reached the device; if the stalled path delivered its
        # held copy late, that copy is the only duplicate.
        assert 1 <= len(modes) <= 2


async def test_expired_keys_renewed_once_then_reconnect(
    simulator: NaviLinkSimulator,
) -> None:
    async with open_session(simulator, config=OUTAGE) as h:
        await eventually(lambda: stable(h), 20.0, "a stable connection")
        renewals = (
            simulator.accounts.session_refresh_count + simulator.accounts.sign_in_count
        )
        marker = len(h.recorder.states)
        attempts = h.stats()["attempts_total"]
        simulator.faults.expire_credentials()
        simulator.faults.drop_all()
        await eventually(lambda: h.stats()["connects"] == 2, 20.0, "reconnect")
        door = simulator.front_door.stats
        # One 403 for the attempt and one for the probe that told it was the
        # keys (the simulator counts an expired key as unknown or expired).
        assert door.refused_total == 2
        # Refused with the old keys, then at once (still CONNECTING) renewed.
        assert h.stats()["attempts_total"] == attempts + 2
        assert attempts_since(h, marker) == [1]
        assert (
            simulator.accounts.session_refresh_count + simulator.accounts.sign_in_count
            == renewals + 1
        )


async def test_wrong_password_after_outage_reports_auth_failure(
    simulator: NaviLinkSimulator,
) -> None:
    async with open_session(simulator, config=OUTAGE) as h:
        simulator.faults.reject_passwords = True
        simulator.faults.expire_credentials()
        simulator.faults.expire_tokens()
        simulator.accounts.revoke_refresh_tokens()
        simulator.faults.drop_all()
        await eventually(
            lambda: h.session.state is SessionState.AUTH_FAILED, 20.0, "auth failure"
        )
        _t, state, error, _a = h.recorder.states[-1]
        assert state is SessionState.AUTH_FAILED
        assert isinstance(error, AuthFailedError)
        # It stopped: the connection loop itself has ended, so no attempt follows.
        task = h.session._connection._task
        assert task is not None
        await eventually(task.done, 20.0, "the connection loop ends")
        assert h.session.state is SessionState.AUTH_FAILED
