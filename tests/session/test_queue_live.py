"""The command queue end to end (lessons §2): order, bounds, age, supersede, close."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest

from custom_components.navien_nwp500.navilink.codec import commands
from custom_components.navien_nwp500.navilink.codec.enums import DhwOperationSetting
from custom_components.navien_nwp500.navilink.session.queue import CommandOutcome
from custom_components.navien_nwp500.navilink.session.session_types import (
    NotConnectedError,
    SendOutcome,
    SessionClosedError,
    SessionState,
)
from tests.session import DEVICE, eventually, fast, open_session, received

if TYPE_CHECKING:
    from custom_components.navien_nwp500.navilink.codec import Command
    from navilink_sim.simulator import NaviLinkSimulator
    from tests.session import Harness

DHW_MODE = 33554437
DHW_TEMPERATURE = 33554464
STATUS_REQUEST = 16777219
MODES = [
    DhwOperationSetting.HEAT_PUMP,
    DhwOperationSetting.ELECTRIC,
    DhwOperationSetting.ENERGY_SAVER,
    DhwOperationSetting.HIGH_DEMAND,
]


def modes(count: int) -> list[Command]:
    """``count`` DHW mode controls cycling through the four modes."""
    return [commands.set_dhw_mode(DEVICE, None, MODES[i % 4]) for i in range(count)]


def mode_params(sim: NaviLinkSimulator) -> list[int]:
    """Return the DHW modes the device received, in order."""
    return [r["param"][0] for r in received(sim, {DHW_MODE})]


async def go_offline(h: Harness) -> None:
    """Cut the client side only (the heaters stay online) and wait for the loss."""
    h.sim.faults.refuse_for(60.0)
    h.sim.faults.drop_all()
    await eventually(lambda: h.session.state is not SessionState.CONNECTED, 30.0)


async def come_back(h: Harness) -> None:
    """Let clients in again and wait for the session."""
    h.sim.faults.stop_refusing()
    await eventually(lambda: h.session.state is SessionState.CONNECTED, 30.0)


async def test_twenty_commands_from_an_outage_arrive_in_order(
    simulator: NaviLinkSimulator,
) -> None:
    async with open_session(simulator) as h:
        await go_offline(h)
        sent = modes(20)
        for command in sent:
            assert await h.session.send(command) is SendOutcome.QUEUED
        before = len(received(simulator))
        await come_back(h)
        await eventually(lambda: len(h.recorder.outcomes) == 20, 30.0, "20 outcomes")
        assert h.recorder.outcomes == [(c, CommandOutcome.DELIVERED) for c in sent]
        assert mode_params(simulator) == [int(c.request["param"][0]) for c in sent]
        after = [r["command"] for r in received(simulator)[before:]]
        # Subscriptions first (every control got its ack), then the status ask.
        assert after[1] == STATUS_REQUEST
        assert after.index(DHW_MODE) == 2
        assert h.stats()["confirm_timeouts"] == 0
        assert h.stats()["queue"]["sent"] == 20


async def test_overflow_drops_the_oldest(simulator: NaviLinkSimulator) -> None:
    async with open_session(simulator, config=fast(queue_max_size=5)) as h:
        await go_offline(h)
        sent = modes(8)
        for command in sent:
            await h.session.send(command)
        assert h.session.queue_full
        assert h.recorder.outcomes == [(c, CommandOutcome.OVERFLOW) for c in sent[:3]]
        await come_back(h)
        await eventually(lambda: len(h.recorder.outcomes) == 8, 30.0)
        assert mode_params(simulator) == [int(c.request["param"][0]) for c in sent[3:]]
        assert h.stats()["queue"]["dropped"] == {"overflow": 3}


class SkewedClock:
    """The monotonic clock plus an offset the test moves forward."""

    def __init__(self) -> None:
        """Start in step with ``time.monotonic``."""
        self.skew = 0.0

    def __call__(self) -> float:
        """Return the monotonic reading plus the skew."""
        return time.monotonic() + self.skew


async def test_too_old_commands_are_dropped_at_flush(
    simulator: NaviLinkSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    max_age = 60.0
    async with open_session(simulator, config=fast(queue_max_age=max_age)) as h:
        clock = SkewedClock()
        monkeypatch.setattr(h.session._queue, "_clock", clock)
        await go_offline(h)
        stale = modes(3)
        for command in stale:
            await h.session.send(command)
        clock.skew += max_age + 1.0  # the stale ones age past the limit at once
        fresh = modes(1)[0]
        await h.session.send(fresh)
        await come_back(h)
        await eventually(lambda: len(h.recorder.outcomes) == 4, 30.0)
        assert h.recorder.outcomes == [
            *((c, CommandOutcome.TOO_OLD) for c in stale),
            (fresh, CommandOutcome.DELIVERED),
        ]
        assert len(mode_params(simulator)) == 1


async def test_queued_commands_expire_at_their_deadline_while_still_offline(
    simulator: NaviLinkSimulator,
) -> None:
    """Issue 15 §3.2: the session's own timer, not the next reconnect, ends them."""
    async with open_session(simulator, config=fast(queue_max_age=0.5)) as h:
        await go_offline(h)
        stale = modes(2)
        for command in stale:
            await h.session.send(command)
        await eventually(lambda: len(h.recorder.outcomes) == 2, 30.0, "2 outcomes")
        assert h.session.state is not SessionState.CONNECTED  # still refused
        assert h.recorder.outcomes == [(c, CommandOutcome.TOO_OLD) for c in stale]
        assert h.stats()["queue"]["pending"] == 0


@pytest.mark.simulator(profile="ideal")  # counts set-points sent: a slow one is resent
async def test_superseded_set_points_are_coalesced(
    simulator: NaviLinkSimulator,
) -> None:
    async with open_session(simulator) as h:
        await go_offline(h)
        points = [commands.set_dhw_temperature(DEVICE, None, t) for t in (48, 50, 52)]
        mode = modes(1)[0]
        await h.session.send(points[0])
        await h.session.send(mode)
        await h.session.send(points[1])
        await h.session.send(points[2])
        await come_back(h)
        await eventually(lambda: len(h.recorder.outcomes) == 4, 30.0)
        assert h.recorder.outcomes == [
            (points[0], CommandOutcome.SUPERSEDED),
            (points[1], CommandOutcome.SUPERSEDED),
            (mode, CommandOutcome.DELIVERED),
            (points[2], CommandOutcome.DELIVERED),
        ]
        controls = received(simulator, {DHW_MODE, DHW_TEMPERATURE})
        assert [r["command"] for r in controls] == [DHW_MODE, DHW_TEMPERATURE]
        assert controls[1]["param"] == [104]  # 52 °C in half degrees
        assert h.stats()["queue"]["superseded"] == 2


async def test_failure_mid_flush_keeps_order(simulator: NaviLinkSimulator) -> None:
    async with open_session(simulator, config=fast(control_spacing=0.15)) as h:
        await go_offline(h)
        sent = modes(12)
        for command in sent:
            await h.session.send(command)
        await come_back(h)
        await eventually(lambda: len(h.recorder.outcomes) >= 3, 30.0)
        simulator.faults.drop_all()  # the flush breaks off in the middle
        await eventually(lambda: len(h.recorder.outcomes) == 12, 30.0)
        assert [c for c, _o in h.recorder.outcomes] == sent
        # The one in flight at the drop, applied while the link was gone with its
        # ack, cannot be told from another client's same change: unconfirmed.
        outcomes = [o for _c, o in h.recorder.outcomes]
        assert outcomes.count(CommandOutcome.DELIVERED) >= len(sent) - 1
        assert set(outcomes) <= {CommandOutcome.DELIVERED, CommandOutcome.UNCONFIRMED}
        seen = mode_params(simulator)
        collapsed = [m for i, m in enumerate(seen) if i == 0 or seen[i - 1] != m]
        # In order; at most the command in flight at the drop arrives twice.
        assert collapsed == [int(c.request["param"][0]) for c in sent]
        assert len(seen) - len(collapsed) <= 1


async def test_a_refusal_after_the_budget_is_final(
    simulator_factory: object,
) -> None:
    """Answered later than the budget allows a resend: refused, never sent again."""
    sim = await simulator_factory(min_control_interval=60.0)  # type: ignore[operator]
    config = fast(control_spacing=0.05, control_refusal_budget=0.2)
    async with open_session(sim, config=config) as h:
        first, second = modes(2)
        await h.session.send(first)
        await eventually(lambda: bool(h.recorder.outcomes), 30.0, "first outcome")
        sim.faults.reply_delay(0.5)  # the refusal comes after the budget
        await h.session.send(second)
        await eventually(lambda: len(h.recorder.outcomes) == 2, 30.0, "2 outcomes")
        assert h.recorder.outcomes[1] == (second, CommandOutcome.REFUSED)
        assert h.recorder.ctrl_fails == [2]  # one refusal though five are allowed
        assert len(received(sim, {DHW_MODE})) == 2


async def test_ctrl_fail_is_resent_later_not_success(
    simulator_factory: object,
) -> None:
    # The next control reaches the heater well inside its 1 s interval even on
    # a loaded machine (so it is refused); the doubling resend waits (0.1, 0.2,
    # 0.4, 0.8 s) outlast the interval before the fifth refusal would drop it.
    sim = await simulator_factory(min_control_interval=1.0)  # type: ignore[operator]
    async with open_session(sim, config=fast(control_spacing=0.1)) as h:
        sent = modes(3)
        for command in sent:
            await h.session.send(command)
        await eventually(lambda: len(h.recorder.outcomes) == 3, 30.0, "3 outcomes")
        assert h.recorder.outcomes == [(c, CommandOutcome.DELIVERED) for c in sent]
        assert h.recorder.ctrl_fails
        assert set(h.recorder.ctrl_fails) == {2}
        applied = [s.command for s in h.recorder.statuses if s.command == DHW_MODE]
        assert len(applied) == 3  # each one acknowledged exactly once


async def test_close_clears_the_queue(simulator: NaviLinkSimulator) -> None:
    async with open_session(simulator) as h:
        await go_offline(h)
        sent = modes(5)
        for command in sent:
            await h.session.send(command)
        await h.session.close()
        assert h.recorder.outcomes == [(c, CommandOutcome.CLOSED) for c in sent]
        assert h.stats()["queue"]["dropped"] == {"closed": 5}
        with pytest.raises(SessionClosedError):
            await h.session.send(sent[0])


async def test_disabled_queue_refuses_while_offline(
    simulator: NaviLinkSimulator,
) -> None:
    async with open_session(simulator, config=fast(queue_enabled=False)) as h:
        assert await h.session.send(modes(1)[0]) is SendOutcome.SENT
        await go_offline(h)
        with pytest.raises(NotConnectedError):
            await h.session.send(modes(1)[0])
        with pytest.raises(NotConnectedError):
            await h.session.request_status(DEVICE)


async def test_control_refused_too_often_is_dropped_as_refused(
    simulator_factory: object,
) -> None:
    sim = await simulator_factory(min_control_interval=60.0)  # type: ignore[operator]
    config = fast(control_spacing=0.05, control_refusal_limit=2)
    async with open_session(sim, config=config) as h:
        first, second = modes(2)
        await h.session.send(first)
        await h.session.send(second)
        await eventually(lambda: len(h.recorder.outcomes) == 2, 30.0)
        assert h.recorder.outcomes == [
            (first, CommandOutcome.DELIVERED),
            (second, CommandOutcome.REFUSED),
        ]
        assert h.recorder.ctrl_fails == [2, 2]
        assert h.stats()["queue"]["dropped"] == {"refused": 1}
