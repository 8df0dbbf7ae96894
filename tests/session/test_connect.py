"""Connecting: first connect, subscriptions before anything, status, close."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import TYPE_CHECKING

import aiohttp
import pytest

from custom_components.navien_nwp500.navilink.cloud.endpoints import Endpoints
from custom_components.navien_nwp500.navilink.cloud.errors import (
    CannotConnectError,
    InvalidCredentialsError,
)
from custom_components.navien_nwp500.navilink.codec import commands
from custom_components.navien_nwp500.navilink.session import (
    NaviLinkSession,
    RequestTimeoutError,
    SessionState,
)
from tests.session import (
    DEVICE,
    FAST,
    eventually,
    fast,
    make_auth,
    open_session,
    received,
    session_tasks,
)

if TYPE_CHECKING:
    from navilink_sim.simulator import NaviLinkSimulator

STATUS_REQUEST = 16777219
DEVICE_INFO_REQUEST = 16777217


async def test_connects_subscribes_and_asks_for_status(
    simulator: NaviLinkSimulator,
) -> None:
    async with open_session(simulator) as h:
        assert h.session.state is SessionState.CONNECTED
        await eventually(lambda: bool(h.recorder.statuses and h.recorder.features))
        seen = [r["command"] for r in received(simulator)]
        assert seen[:2] == [DEVICE_INFO_REQUEST, STATUS_REQUEST]
        assert h.session.client_id.startswith("navien-ha-")
        reply = await h.session.query(commands.status_request(DEVICE))
        assert reply["macAddress"] == DEVICE.mac
        assert "status" in reply
    assert h.session.state is SessionState.CLOSED
    await eventually(lambda: simulator.front_door.live_connections == 0, 30.0)


async def test_wrong_password_at_start_fails_fast_without_a_task(
    simulator: NaviLinkSimulator,
) -> None:
    async with aiohttp.ClientSession() as http:
        session = NaviLinkSession(
            make_auth(http, simulator, password="wrong"),
            [DEVICE],
            endpoints=Endpoints(**simulator.endpoints_kwargs),
            config=FAST,
        )
        with pytest.raises(InvalidCredentialsError):
            await session.start()
        assert session.state is SessionState.AUTH_FAILED
        assert session_tasks() == []
        await session.close()


async def test_unreachable_cloud_fails_start_in_time_then_start_again(
    simulator: NaviLinkSimulator,
) -> None:
    config = fast(first_connect_timeout=3.0)
    simulator.faults.refuse_for(600.0)
    async with open_session(simulator, config=config, start=False) as h:
        # Far less than the refusal: start() gave up on its own bound.
        async with asyncio.timeout(60.0):
            with pytest.raises(CannotConnectError):
                await h.session.start()
        assert h.stats()["attempts_total"] >= 2  # it retried inside the window
        assert session_tasks() == []
        assert h.session.state is SessionState.IDLE
        simulator.faults.stop_refusing()
        await h.session.start()
        assert h.session.state is SessionState.CONNECTED


async def test_query_without_reply_times_out(simulator: NaviLinkSimulator) -> None:
    async with open_session(simulator) as h:
        simulator.faults.drop_replies(True)
        with pytest.raises(RequestTimeoutError):
            await h.session.query(commands.status_request(DEVICE), timeout=0.3)
        assert h.session.state is SessionState.CONNECTED
        with pytest.raises(ValueError, match="not a device"):
            await h.session.send(replace(commands.status_request(DEVICE), mac="x"))
