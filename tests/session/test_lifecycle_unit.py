"""The session's lifecycle parts on their own: backoff, flapping, races, redaction."""

from __future__ import annotations

import asyncio
import logging
import random
from typing import TYPE_CHECKING

import pytest

from custom_components.navien_nwp500.navilink.cloud.endpoints import Endpoints
from custom_components.navien_nwp500.navilink.session.backoff import (
    Backoff,
    BackoffPlan,
    backoff_plan,
)
from custom_components.navien_nwp500.navilink.session.flap_watch import FlapWatch
from custom_components.navien_nwp500.navilink.session.link_watch import (
    LinkLostError,
    LinkWatch,
)
from custom_components.navien_nwp500.navilink.session.redact import REDACTED, redact
from custom_components.navien_nwp500.navilink.session.session import (
    NaviLinkSession,
    SessionConfig,
)
from tests.session import DEVICE, FAST

if TYPE_CHECKING:
    from custom_components.navien_nwp500.navilink.cloud.auth import NaviLinkAuth


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        """Start at zero."""
        self.now = 0.0

    def __call__(self) -> float:
        """Return the current time."""
        return self.now


def test_backoff_is_quick_for_two_minutes_then_grows_to_the_cap() -> None:
    clock = Clock()
    backoff = Backoff(BackoffPlan(), rng=random.Random(7), clock=clock)
    first = backoff.next_delay()
    assert 0.5 <= first <= 2.0
    quick = []
    while clock.now < 119.0:
        clock.now += 1.0
        quick.append(backoff.next_delay())
    assert all(5.0 <= d <= 10.0 for d in quick)
    clock.now = 121.0
    later = [backoff.next_delay() for _ in range(30)]
    assert all(10.0 <= d <= 120.0 for d in later)
    assert max(later) == 120.0 or max(later) > 90.0  # it reaches the cap region
    assert backoff.attempt == 1 + len(quick) + len(later)
    flapping = [backoff.next_delay(flapping=True) for _ in range(50)]
    assert all(15.0 <= d <= 30.0 for d in flapping)
    backoff.reset()
    assert backoff.attempt == 0
    assert 0.5 <= backoff.next_delay() <= 2.0  # a new outage, a new first slot


def test_backoff_first_slot_is_jittered() -> None:
    rng = random.Random(3)
    firsts = {Backoff(BackoffPlan(), rng=rng).next_delay() for _ in range(20)}
    assert len(firsts) == 20


def test_backoff_plan_refuses_empty_ranges() -> None:
    with pytest.raises(ValueError, match="low <= high"):
        BackoffPlan(first=(0.0, 1.0))
    with pytest.raises(ValueError, match="low <= high"):
        BackoffPlan(quick=(10.0, 5.0))


def test_every_slot_of_a_config_stays_within_its_floor_and_cap() -> None:
    plan = backoff_plan(FAST)  # backoff 0.05 .. 0.4 s
    assert plan.first == (0.05, 0.4)
    assert plan.quick == (0.4, 0.4)
    assert plan.flapping == (0.4, 0.4)
    assert plan.cap == 0.4
    default = backoff_plan(SessionConfig())
    assert default == BackoffPlan()


def test_flapping_needs_repeated_short_connections_and_knows_since_when() -> None:
    clock = Clock()
    watch = FlapWatch(short=5.0, window=60.0, limit=3, clock=clock)
    assert not watch.connection_ended(1.0)
    clock.now = 10.0
    assert not watch.connection_ended(1.0)
    clock.now = 100.0  # the first two fell out of the window
    assert not watch.connection_ended(1.0)
    clock.now = 101.0
    assert not watch.connection_ended(1.0)
    clock.now = 102.0
    assert watch.connection_ended(1.0)  # flapping starts with this one
    assert watch.flapping
    assert watch.since == 100.0
    assert watch.detections == 1
    clock.now = 103.0
    assert not watch.connection_ended(1.0)  # still flapping, not a new start
    assert not watch.lasted(900.0)
    clock.now = 1000.0
    assert watch.lasted(900.0)
    assert not watch.connection_ended(30.0)  # a stable one ends it
    assert not watch.flapping
    assert not watch.lasted(0.0)


async def test_link_watch_race() -> None:
    watch = LinkWatch(1)
    assert await watch.unless_lost(asyncio.sleep(0, result=5)) == 5
    assert watch.report_lost("gone")
    assert not watch.report_lost("again")
    with pytest.raises(LinkLostError, match="gone"):
        await watch.unless_lost(asyncio.sleep(10))


async def test_close_while_a_lost_link_race_settles_is_not_swallowed() -> None:
    """A cancel arriving while unless_lost() waits for its cancelled work propagates."""
    watch = LinkWatch(1)
    work_cancelled = asyncio.Event()
    release = asyncio.Event()

    async def slow_to_cancel() -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            work_cancelled.set()
            await release.wait()  # the SDK takes a while to give up
            raise

    async def loop_body() -> str:
        try:
            await watch.unless_lost(slow_to_cancel())
        except LinkLostError:
            return "backed off and reconnected"
        return "served"

    runner = asyncio.create_task(loop_body())
    await asyncio.sleep(0)
    watch.report_lost("interrupted")  # the link is lost ...
    await work_cancelled.wait()  # ... unless_lost() now waits for the cancelled work
    runner.cancel()  # close() arrives in that window
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await runner
    assert runner.cancelled()


async def test_lost_link_race_without_close_still_reports_the_loss() -> None:
    watch = LinkWatch(1)
    release = asyncio.Event()

    async def slow_to_cancel() -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            await release.wait()
            raise

    racing = asyncio.create_task(watch.unless_lost(slow_to_cancel()))
    await asyncio.sleep(0)
    watch.report_lost("interrupted")
    await asyncio.sleep(0)
    release.set()
    with pytest.raises(LinkLostError, match="interrupted"):
        await racing


async def test_a_session_task_that_will_not_stop_is_logged(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "custom_components.navien_nwp500.navilink.session.connection._CLOSE_TIMEOUT",
        0.05,
    )
    endpoints = Endpoints()
    auth: NaviLinkAuth = object()  # type: ignore[assignment]  # never used
    session = NaviLinkSession(auth, [DEVICE], endpoints=endpoints, config=FAST)
    stubborn_release = asyncio.Event()

    async def stubborn() -> None:
        while not stubborn_release.is_set():
            try:
                await stubborn_release.wait()
            except asyncio.CancelledError:
                continue

    session._connection._task = asyncio.create_task(stubborn())
    await asyncio.sleep(0)  # the task is inside its loop
    with caplog.at_level(logging.ERROR):
        await session.close()
    assert "did not stop within" in caplog.text
    stubborn_release.set()


@pytest.mark.parametrize(
    "secret",
    [
        "wss://a.iot.us-east-1.amazonaws.com/mqtt?X-Amz-Algorithm=AWS4&X-Amz-Signature=abc",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl",
        "ASIAABCDEFGHIJKLMNOP",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY0123",
    ],
)
def test_redact_removes_urls_tokens_and_keys(secret: str) -> None:
    text = redact(f"connect failed ({secret}) after 3 s")
    assert secret not in text
    assert REDACTED in text
    assert text.startswith("connect failed (")
    assert text.endswith(") after 3 s")


def test_redact_keeps_ordinary_errors() -> None:
    text = "connect: AWS_ERROR_HTTP_WEBSOCKET_UPGRADE_FAILURE"
    assert redact(text) == text
