"""Session tests: the real session, real awscrt and mosquitto, through the simulator.

Helpers shared by the test modules live here (this package has no conftest).
Timings are compressed: backoff in tens of milliseconds, keep-alive in seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field, replace
import time
from typing import TYPE_CHECKING, Any

import aiohttp

from custom_components.navien_nwp500.navilink.cloud.auth import NaviLinkAuth
from custom_components.navien_nwp500.navilink.cloud.endpoints import Endpoints
from custom_components.navien_nwp500.navilink.codec.models import (
    Device,
    DeviceFeature,
    DeviceStatus,
)
from custom_components.navien_nwp500.navilink.session.session import (
    NaviLinkSession,
    SessionConfig,
    SessionState,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    from custom_components.navien_nwp500.navilink.codec import Command
    from custom_components.navien_nwp500.navilink.session.queue import CommandOutcome
    from custom_components.navien_nwp500.navilink.session.session_types import (
        SessionError,
    )
    from navilink_sim.simulator import NaviLinkSimulator

MAC = "aabbccddeeff"
EMAIL = "demo@example.com"
PASSWORD = "demo-password"
DEVICE = Device(mac=MAC, additional_value="1234", device_type=52, name="NWP500")

FAST = SessionConfig(
    first_connect_timeout=5.0,
    keep_alive_s=5,
    ping_timeout_ms=2000,
    backoff_min=0.05,
    backoff_max=0.4,
    stable_after=1.0,
    request_timeout=3.0,
    control_spacing=0.05,
    control_confirm_timeout=1.0,
    control_patience=2.0,
    status_poll_interval=0.3,
    flap_window=10.0,
    flap_limit=3,
)


def fast(**changes: Any) -> SessionConfig:
    """Return the compressed configuration with some fields changed."""
    return replace(FAST, **changes)


@dataclass
class Recorder:
    """Everything a session reported to its listeners, in order."""

    states: list[tuple[float, SessionState, SessionError | None, int]] = field(
        default_factory=list
    )
    statuses: list[DeviceStatus] = field(default_factory=list)
    features: list[DeviceFeature] = field(default_factory=list)
    outcomes: list[tuple[Command, CommandOutcome]] = field(default_factory=list)
    ctrl_fails: list[int] = field(default_factory=list)

    def attach(self, session: NaviLinkSession) -> None:
        """Register on every listener list of ``session``."""

        def on_state(state: SessionState, error: SessionError | None) -> None:
            attempt = session.statistics()["attempt"]
            self.states.append((time.monotonic(), state, error, attempt))

        session.add_state_listener(on_state)
        session.add_status_listener(lambda _d, status: self.statuses.append(status))
        session.add_feature_listener(lambda _d, feat: self.features.append(feat))
        session.add_command_listener(
            lambda command, outcome: self.outcomes.append((command, outcome))
        )
        session.add_control_failed_listener(
            lambda _d, code: self.ctrl_fails.append(code)
        )

    def count(self, state: SessionState) -> int:
        """How often the session entered ``state``."""
        return sum(1 for _t, s, _e, _a in self.states if s is state)

    def attempts(self) -> list[int]:
        """Return the attempt number of every CONNECTING transition, in order."""
        return [a for _t, s, _e, a in self.states if s is SessionState.CONNECTING]


@dataclass
class Harness:
    """A session under test and what it needs."""

    sim: NaviLinkSimulator
    auth: NaviLinkAuth
    session: NaviLinkSession
    recorder: Recorder

    def stats(self) -> dict[str, Any]:
        """Return the session's statistics."""
        return self.session.statistics()


def record_details(h: Harness) -> list[tuple[CommandOutcome, str]]:
    """Collect every outcome of ``h``'s session with its detail code."""
    details: list[tuple[CommandOutcome, str]] = []
    h.session.add_command_detail_listener(lambda _c, o, d: details.append((o, d)))
    return details


def session_tasks() -> list[asyncio.Task[object]]:
    """Return the running session loops (their task names start with "navilink ")."""
    return [t for t in asyncio.all_tasks() if t.get_name().startswith("navilink ")]


def make_auth(
    http: aiohttp.ClientSession, sim: NaviLinkSimulator, password: str = PASSWORD
) -> NaviLinkAuth:
    """Build an auth object for the demo account of ``sim``."""
    return NaviLinkAuth(
        http, EMAIL, password, endpoints=Endpoints(**sim.endpoints_kwargs)
    )


@contextlib.asynccontextmanager
async def open_session(
    sim: NaviLinkSimulator,
    *,
    config: SessionConfig = FAST,
    client_id: str | None = None,
    start: bool = True,
    devices: list[Device] | None = None,
) -> AsyncIterator[Harness]:
    """Yield a started session on the demo account; always close it afterwards."""
    async with aiohttp.ClientSession() as http:
        auth = make_auth(http, sim)
        session = NaviLinkSession(
            auth,
            devices or [DEVICE],
            endpoints=Endpoints(**sim.endpoints_kwargs),
            config=config,
            client_id=client_id,
        )
        recorder = Recorder()
        recorder.attach(session)
        try:
            if start:
                await session.start()
            yield Harness(sim, auth, session, recorder)
        finally:
            await session.close()


async def eventually(
    predicate: Callable[[], bool],
    timeout: float = 5.0,  # noqa: ASYNC109 (a polling helper)
    what: str = "condition",
) -> float:
    """Wait until ``predicate()`` holds; return how long that took."""
    started = time.monotonic()
    while not predicate():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.01)
    return time.monotonic() - started


def received(sim: NaviLinkSimulator, kind_filter: set[int] | None = None) -> list[Any]:
    """Return the requests the simulated heater saw (``request`` objects), in order."""
    requests = [message["request"] for message in sim.heaters[MAC].received]
    if kind_filter is None:
        return requests
    return [r for r in requests if r.get("command") in kind_filter]
