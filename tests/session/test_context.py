"""A session used from a forked child or another event loop (lessons §3)."""

from __future__ import annotations

import asyncio
import os
from typing import TYPE_CHECKING
import warnings

import pytest

from custom_components.navien_nwp500.navilink.codec import commands
from custom_components.navien_nwp500.navilink.session.session import (
    SessionState,
    WrongContextError,
)
from tests.session import DEVICE, open_session

if TYPE_CHECKING:
    from custom_components.navien_nwp500.navilink.session.session import NaviLinkSession
    from navilink_sim.simulator import NaviLinkSimulator


def _child(session: NaviLinkSession) -> int:
    """Use the inherited session in a forked child; 0 = refused as it must be."""

    async def use_it() -> int:
        try:
            await session.send(commands.status_request(DEVICE))
        except WrongContextError:
            return 0
        return 10

    code = asyncio.run(use_it())
    try:
        session.statistics()
    except WrongContextError:
        return code
    return 11


async def test_forked_child_gets_a_clear_error(simulator: NaviLinkSimulator) -> None:
    async with open_session(simulator) as h:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # multi-threaded fork
            pid = os.fork()
        if pid == 0:  # pragma: no cover (the child leaves through os._exit)
            code = 12
            try:
                code = _child(h.session)
            finally:
                os._exit(code)
        _pid, status = await asyncio.to_thread(os.waitpid, pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        # The parent's session is untouched by the child's attempt.
        assert h.session.state is SessionState.CONNECTED
        reply = await h.session.query(commands.status_request(DEVICE))
        assert "status" in reply


async def test_foreign_event_loop_gets_a_clear_error(
    simulator: NaviLinkSimulator,
) -> None:
    async with open_session(simulator) as h:

        def from_another_loop() -> None:
            asyncio.run(h.session.request_status(DEVICE))

        with pytest.raises(WrongContextError):
            await asyncio.to_thread(from_another_loop)
        with pytest.raises(WrongContextError):
            await asyncio.to_thread(lambda: asyncio.run(h.session.close()))
        assert h.session.state is SessionState.CONNECTED
