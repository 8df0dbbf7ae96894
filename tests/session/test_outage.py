"""Outages (lessons §1 c, §4, §5): broker death, stalls, expired keys, bad passwords."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from typing import TYPE_CHECKING

from custom_components.navien_nwp500.navilink.codec import commands
from custom_components.navien_nwp500.navilink.codec.enums import DhwOperationSetting
from custom_components.navien_nwp500.navilink.session.queue import CommandOutcome
from custom_components.navien_nwp500.navilink.session.session import (
    AuthFailedError,
    RequestTimeoutError,
    SendOutcome,
    SessionState,
)
from tests.session import DEVICE, eventually, fast, open_session, received

if TYPE_CHECKING:
    from navilink_sim.simulator import NaviLinkSimulator
    from tests.session import Harness

DHW_MODE = 33554437
OUTAGE = fast(backoff_min=0.05, backoff_max=0.5, stable_after=1.0)


def connected(h: Harness) -> bool:
    """Whether the session is connected."""
    return h.session.state is SessionState.CONNECTED


def offline(h: Harness) -> bool:
    """Whether the session noticed the loss."""
    return h.session.state is not SessionState.CONNECTED


async def test_outage_one_attempt_per_slot_and_prompt_recovery(
    simulator: NaviLinkSimulator,
) -> None:
    async with open_session(simulator, config=OUTAGE) as h:
        await asyncio.sleep(1.2)  # stable: the outage starts a fresh count
        marker = len(h.recorder.states)
        t_kill = time.monotonic()
        simulator.faults.kill_broker()
        noticed = await eventually(lambda: offline(h), 2.0, "loss noticed")
        await asyncio.sleep(3.0)
        await simulator.faults.start_broker()
        t_ready = time.monotonic()
        await eventually(lambda: connected(h), 3.0, "recovery")
        t_conn = time.monotonic()

    states = h.recorder.states[marker:]
    attempts = [a for _t, s, _e, a in states if s is SessionState.CONNECTING]
    assert attempts == list(range(1, len(attempts) + 1))  # monotonic, no resets
    upgrades = [e.at for e in simulator.front_door.stats.events if t_kill <= e.at]
    upgrades = [at for at in upgrades if at <= t_conn]
    assert len(upgrades) <= len(attempts)  # at most one attempt per slot
    gaps = [b - a for a, b in itertools.pairwise(upgrades)]
    assert min(gaps) >= OUTAGE.backoff_min * 0.8
    assert noticed < 0.5
    assert t_conn - t_ready <= OUTAGE.backoff_max + 1.0
    assert len(attempts) >= 5  # it kept trying through the 3 s outage


async def test_broker_restart_and_kill_recover(simulator: NaviLinkSimulator) -> None:
    async with open_session(simulator, config=OUTAGE) as h:
        await simulator.faults.restart_broker()
        await eventually(lambda: h.stats()["connects"] == 2, 5.0, "after restart")
        simulator.faults.kill_broker()
        await eventually(lambda: offline(h), 2.0)
        await simulator.faults.start_broker()
        await eventually(lambda: h.stats()["connects"] == 3, 5.0, "after kill")
        # The simulated heater reconnects to the broker on its own schedule.
        for _ in range(20):
            with contextlib.suppress(RequestTimeoutError):
                reply = await h.session.query(
                    commands.status_request(DEVICE), timeout=0.5
                )
                break
        assert "status" in reply


async def test_stalled_path_detected_and_recovered(
    simulator: NaviLinkSimulator,
) -> None:
    config = fast(keep_alive_s=2, ping_timeout_ms=1000, first_connect_timeout=3.0)
    async with open_session(simulator, config=config) as h:
        await asyncio.sleep(0.5)
        simulator.faults.stall()
        t_stall = time.monotonic()
        command = commands.set_dhw_mode(DEVICE, None, DhwOperationSetting.HEAT_PUMP)
        outcome = await h.session.send(command)  # published into the stall
        assert outcome is SendOutcome.QUEUED
        await eventually(lambda: offline(h), 5.0, "stall detected")
        detected = time.monotonic() - t_stall
        assert detected <= config.keep_alive_s + config.ping_timeout_ms / 1000 + 1.0
        await asyncio.sleep(1.0)
        simulator.faults.unstall()
        await eventually(lambda: connected(h), 6.0, "recovery after the stall")
        await eventually(lambda: len(h.recorder.outcomes) == 1, 3.0, "outcome")
        assert h.recorder.outcomes == [(command, CommandOutcome.DELIVERED)]
        await asyncio.sleep(0.5)
        modes = received(simulator, {DHW_MODE})
        # The command reached the device; if the stalled path delivered its
        # held copy late, that copy is the only duplicate.
        assert 1 <= len(modes) <= 2


async def test_expired_keys_renewed_once_then_reconnect(
    simulator: NaviLinkSimulator,
) -> None:
    async with open_session(simulator, config=OUTAGE) as h:
        await asyncio.sleep(1.2)
        renewals = (
            simulator.accounts.session_refresh_count + simulator.accounts.sign_in_count
        )
        marker = len(h.recorder.states)
        simulator.faults.expire_credentials()
        simulator.faults.drop_all()
        await eventually(lambda: h.stats()["connects"] == 2, 5.0, "reconnect")
        door = simulator.front_door.stats
        # One 403 for the attempt and one for the probe that told it was the
        # keys (the simulator counts an expired key as unknown or expired).
        assert door.refused_total == 2
        attempts = [
            a
            for _t, s, _e, a in h.recorder.states[marker:]
            if s is SessionState.CONNECTING
        ]
        assert attempts == [1, 2]  # refused with the old keys, then renewed
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
            lambda: h.session.state is SessionState.AUTH_FAILED, 5.0, "auth failure"
        )
        _t, state, error, _a = h.recorder.states[-1]
        assert state is SessionState.AUTH_FAILED
        assert isinstance(error, AuthFailedError)
        upgrades = simulator.front_door.stats.upgrade_attempts
        await asyncio.sleep(1.0)
        assert simulator.front_door.stats.upgrade_attempts == upgrades  # stopped
        assert h.session._task is not None
        assert h.session._task.done()
