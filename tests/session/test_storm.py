"""Reconnection storms (lessons §1): stale, duplicate and self-inflicted reports.

Interrupt reports are injected exactly where the SDK delivers them: by calling
the link's SDK callbacks from foreign threads.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import TYPE_CHECKING

from awscrt.exceptions import AwsCrtError

from custom_components.navien_nwp500.navilink.session import SessionState
from tests.session import eventually, open_session, session_tasks

if TYPE_CHECKING:
    from custom_components.navien_nwp500.navilink.session.transport import Link
    from navilink_sim.simulator import NaviLinkSimulator
    from tests.session import Harness

HANGUP = AwsCrtError(
    code=5134, name="AWS_ERROR_MQTT_UNEXPECTED_HANGUP", message="injected"
)


def current_link(h: Harness) -> Link:
    """Return the session's live link."""
    link = h.session._connection._link
    assert link is not None
    return link


async def wait_generation(h: Harness, generation: int) -> None:
    """Wait until the session is connected on ``generation``."""
    await eventually(
        lambda: (
            h.session.state is SessionState.CONNECTED
            and h.stats()["generation"] == generation
        ),
        30.0,
        f"connected on generation {generation}",
    )


async def reports_handled() -> None:
    """Return once every report hopped to the loop so far has been handled.

    SDK callbacks reach the loop with ``call_soon_threadsafe``, first in first
    out: a marker queued the same way runs after all of them.
    """
    loop = asyncio.get_running_loop()
    handled = loop.create_future()
    loop.call_soon_threadsafe(handled.set_result, None)
    await handled


async def check_single_connection(h: Harness, generation: int) -> None:
    """Once every report is handled, the live link of ``generation`` is intact.

    A report wrongly taken for the live link would have marked it lost at once
    (the reconnect follows only a backoff slot later), and a second loop would
    be a second session task: both are visible right away, no waiting needed.
    """
    await reports_handled()
    watch = h.session._connection._watch
    assert watch is not None
    assert (watch.generation, watch.reason) == (generation, "")
    assert h.stats()["generation"] == generation
    assert h.session.state is SessionState.CONNECTED
    assert len(session_tasks()) == 1


async def test_stale_interrupts_after_resume_create_no_connection(
    simulator: NaviLinkSimulator,
) -> None:
    async with open_session(simulator) as h:
        old = current_link(h)
        stop = threading.Event()

        def fire_old_reports() -> None:
            # Keeps reporting for the old generation before, during and after
            # the reconnect: reports queued behind the resume.
            while not stop.is_set():
                old._sdk_interrupted(None, HANGUP)
                time.sleep(0.001)

        simulator.faults.drop_all()
        thread = threading.Thread(target=fire_old_reports)
        thread.start()
        try:
            await wait_generation(h, 2)
            stale = h.stats()["stale_reports"]
            await eventually(
                lambda: h.stats()["stale_reports"] >= stale + 50,
                30.0,
                "reports for the old link after the resume",
            )
        finally:
            stop.set()
            thread.join()
        for _ in range(50):
            old._sdk_interrupted(None, HANGUP)
            old._sdk_resumed(None, return_code=0, session_present=False)
        await check_single_connection(h, 2)
        assert h.stats()["stale_reports"] >= 100
        assert simulator.front_door.stats.accepted == 2
        assert h.recorder.count(SessionState.CONNECTED) == 2


async def test_closing_old_link_during_reconnect_starts_no_loop(
    simulator: NaviLinkSimulator,
) -> None:
    async with open_session(simulator) as h:
        old = current_link(h)
        fired = threading.Event()

        def report_old_closed(state: SessionState, _error: object) -> None:
            # While the new link connects, the old one reports its own close
            # (and, like awscrt on a deliberate close, an interruption).
            if state is SessionState.CONNECTING and not fired.is_set():
                fired.set()
                threading.Thread(
                    target=lambda: (
                        old._sdk_closed(None, callback_data=None),
                        old._sdk_interrupted(None, HANGUP),
                    )
                ).start()

        h.session.add_state_listener(report_old_closed)
        simulator.faults.drop_all()
        await wait_generation(h, 2)
        await eventually(lambda: h.stats()["closing_links"] == 0, 30.0, "old close")
        await eventually(
            lambda: h.stats()["stale_reports"] >= 2, 30.0, "the old link's reports"
        )
        await check_single_connection(h, 2)
        assert fired.is_set()
        assert h.recorder.count(SessionState.CONNECTING) == 2  # first + one retry


async def test_hundred_interrupts_from_eight_threads_give_one_reconnect(
    simulator: NaviLinkSimulator,
) -> None:
    async with open_session(simulator) as h:
        link = current_link(h)
        barrier = threading.Barrier(8)

        def burst(count: int) -> None:
            barrier.wait()
            for _ in range(count):
                link._sdk_interrupted(None, HANGUP)

        threads = [
            threading.Thread(target=burst, args=(13 if i < 4 else 12,))
            for i in range(8)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        await wait_generation(h, 2)
        await check_single_connection(h, 2)
        stats = h.stats()
        # One report won; the other 99 were repeats or (once the new link was
        # up) stale. The abandoned link's own close report is stale too.
        assert stats["repeated_reports"] + stats["stale_reports"] >= 99
        assert stats["connects"] == 2
        assert simulator.front_door.stats.accepted == 2
