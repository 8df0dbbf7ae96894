"""aiomqtt clients that a cancellation while connecting cannot leave half open."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

import aiomqtt

if TYPE_CHECKING:
    from collections.abc import AsyncIterator


@contextlib.asynccontextmanager
async def connected_client(
    host: str, port: int, identifier: str
) -> AsyncIterator[aiomqtt.Client]:
    """Connect an aiomqtt client and disconnect it on leaving, even when cancelled.

    aiomqtt (2.5) cancelled while waiting for CONNACK keeps its socket, and when
    that socket later closes it raises CancelledError from its own callbacks. So
    the connect runs shielded: on cancellation it is let finish (aiomqtt bounds
    it) and the client leaves cleanly before the cancellation goes on.
    """
    client = aiomqtt.Client(host, port, identifier=identifier)
    entering = asyncio.ensure_future(client.__aenter__())
    try:
        await asyncio.shield(entering)
    except asyncio.CancelledError:
        with contextlib.suppress(aiomqtt.MqttError):
            await entering
            await client.__aexit__(None, None, None)
        raise
    try:
        yield client
    finally:
        await client.__aexit__(None, None, None)
