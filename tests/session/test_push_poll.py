"""Live values without relying on unverified pushes (issue 9 point 8).

A heater that sent no unprompted status for ``push_silence`` seconds while
connected is polled every ``silent_poll_interval`` seconds until one arrives.
Replies to our own requests do not count as pushes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from custom_components.navien_nwp500.navilink.session.push_watch import PushWatch
from tests.session import MAC, eventually, fast, open_session

if TYPE_CHECKING:
    from navilink_sim.simulator import NaviLinkSimulator

STATUS_REQUEST = 16777219


def status_requests(sim: NaviLinkSimulator) -> int:
    """Count the status requests the heater received."""
    return sum(
        1
        for m in sim.heaters[MAC].received
        if m["request"]["command"] == STATUS_REQUEST
    )


@pytest.mark.simulator(push_interval=None)
async def test_a_heater_that_pushes_nothing_is_polled_until_it_pushes(
    simulator: NaviLinkSimulator,
) -> None:
    config = fast(push_silence=1.0, silent_poll_interval=0.2)
    async with open_session(simulator, config=config) as h:

        def heater() -> dict[str, object]:
            [stats] = [s for s in h.stats()["heaters"] if s["mac"] == MAC]
            return stats

        await eventually(lambda: bool(h.recorder.statuses), 30.0, "first status")
        assert heater()["mode"] == "push"
        await eventually(lambda: heater()["mode"] == "poll", 30.0, "poll mode")
        await eventually(lambda: status_requests(simulator) >= 4, 30.0, "3 polls")
        assert heater()["unprompted_status"] == 0
        await eventually(lambda: heater()["reply_status"] >= 4, 30.0, "poll replies")
        await simulator.push_status()
        await eventually(lambda: heater()["unprompted_status"] == 1, 30.0, "push")
        assert heater()["mode"] == "push"


def test_push_watch_polls_only_silent_heaters_while_connected() -> None:
    now = [0.0]
    watch = PushWatch(["a", "b"], silence=600.0, interval=60.0, clock=lambda: now[0])
    assert watch.due() == ([], 600.0)
    watch.connected()
    now[0] = 300.0
    watch.note_status("a", unprompted=True)
    watch.note_status("b", unprompted=False)  # a reply: not a push
    now[0] = 600.0
    assert watch.due() == (["b"], 60.0)
    assert [s["mode"] for s in watch.as_list()] == ["push", "poll"]
    now[0] = 630.0
    assert watch.due() == ([], 30.0)
    now[0] = 900.0
    assert watch.due() == (["a", "b"], 60.0)
    watch.note_status("b", unprompted=True)
    assert watch.due() == ([], 60.0)
    watch.disconnected()
    now[0] = 5000.0
    assert not watch.polling("a")
    assert watch.as_list()[0] == {
        "mac": "a",
        "unprompted_status": 1,
        "reply_status": 0,
        "polls": 1,
        "mode": "push",
    }
