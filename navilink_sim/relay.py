"""
One relay of the front door: MQTT bytes between a client's WebSocket and the broker.

The front door (`navilink_sim.frontdoor`) accepts and authenticates the upgrade,
then hands both sides to a `Relay`, which pumps binary frames to the broker's TCP
connection and back, labelling itself with the client ID of the MQTT CONNECT.
"""

import asyncio
import contextlib
import time
from typing import override

from aiohttp import WSMsgType, web

READ_CHUNK = 65536
CLOSE_GRACE = 0.05  # seconds to wait for the client's close frame


def parse_mqtt_connect(data: bytes) -> tuple[str, int] | None:
    """
    Return (client_id, keep_alive) from an MQTT 3.1.1 CONNECT packet, if it is one.

    Best effort: used only to label relays, never to decide anything.
    """
    if len(data) < 2 or data[0] != 0x10:
        return None
    pos, multiplier, length = 1, 1, 0
    while True:
        if pos >= len(data) or pos > 4:
            return None
        byte = data[pos]
        length += (byte & 0x7F) * multiplier
        multiplier *= 128
        pos += 1
        if not byte & 0x80:
            break
    body = data[pos : pos + length]
    if len(body) < 10:
        return None
    name_len = int.from_bytes(body[0:2])
    idx = 2 + name_len + 2  # protocol name, level, flags
    if len(body) < idx + 4:
        return None
    keep_alive = int.from_bytes(body[idx : idx + 2])
    cid_len = int.from_bytes(body[idx + 2 : idx + 4])
    cid = body[idx + 4 : idx + 4 + cid_len]
    if len(cid) != cid_len:
        return None
    return cid.decode("utf-8", "replace"), keep_alive


class Relay:
    """One accepted client connection and its TCP link to the broker."""

    def __init__(
        self,
        relay_id: int,
        *,
        peer: str,
        access_key_id: str,
        ws: web.WebSocketResponse,
        client_transport: asyncio.Transport | None,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> None:
        """Wrap the two sides of a relay."""
        self.id = relay_id
        self.peer = peer
        self.access_key_id = access_key_id
        self.client_id: str | None = None
        self.keep_alive: int | None = None
        self.opened_at = time.monotonic()
        self.bytes_up = 0  # client -> broker
        self.bytes_down = 0  # broker -> client
        self.ws = ws
        self._client_transport = client_transport
        self._reader = reader
        self._writer = writer
        self.aborted = False

    def abort(self) -> None:
        """Cut both sides at once: no WebSocket close frame, no TLS close_notify."""
        self.aborted = True
        if self._client_transport is not None:
            self._client_transport.abort()
        self._writer.transport.abort()

    @override
    def __repr__(self) -> str:
        """Identify the relay for logs."""
        return (
            f"<Relay #{self.id} {self.peer} client_id={self.client_id!r} "
            f"up={self.bytes_up} down={self.bytes_down}>"
        )

    async def pump(self, flowing: asyncio.Event) -> None:
        """Relay bytes both ways until either side ends; hold them while `flowing` is clear."""
        up = asyncio.create_task(self._client_to_broker(flowing))
        down = asyncio.create_task(self._broker_to_client(flowing))
        try:
            await asyncio.wait({up, down}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (up, down):
                task.cancel()
            await asyncio.gather(up, down, return_exceptions=True)

    async def _client_to_broker(self, flowing: asyncio.Event) -> None:
        while True:
            msg = await self.ws.receive()
            if msg.type is WSMsgType.BINARY:
                data: bytes = msg.data
            elif msg.type is WSMsgType.TEXT:
                data = msg.data.encode()
            else:  # CLOSE, CLOSING, CLOSED, ERROR
                return
            await flowing.wait()
            if self.client_id is None and (parsed := parse_mqtt_connect(data)):
                self.client_id, self.keep_alive = parsed
            self.bytes_up += len(data)
            self._writer.write(data)
            await self._writer.drain()

    async def _broker_to_client(self, flowing: asyncio.Event) -> None:
        while True:
            data = await self._reader.read(READ_CHUNK)
            if not data:
                return
            await flowing.wait()
            self.bytes_down += len(data)
            await self.ws.send_bytes(data)


async def hang_up(
    ws: web.WebSocketResponse,
    transport: asyncio.Transport | None,
    code: int,
) -> None:
    """
    Send a close frame, then cut the connection without waiting long.

    awscrt does not answer a close frame (measured): it reacts only when the
    socket closes, so the door closes it right away, as the gateway does.
    """
    if not ws.closed:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(ws.close(code=code), CLOSE_GRACE * 2)
    if transport is not None:
        transport.abort()
