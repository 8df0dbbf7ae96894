"""
The front door's TLS accept: plain TCP first, then a handshake the door runs itself.

The door (``navilink_sim.frontdoor``) accepts plain TCP and runs ``start_tls`` on
each connection, then hands the TLS connection to aiohttp. A client that fails or
aborts the handshake is thus counted instead of reaching the event loop's
exception handler, which would fail any Home Assistant test.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, override

if TYPE_CHECKING:
    from collections.abc import Callable
    import ssl

_LOGGER = logging.getLogger(__name__)

TLS_HANDSHAKE_TIMEOUT = 10.0

type ProtocolFactory = Callable[[], asyncio.Protocol]


class _HandshakeBuffer(asyncio.Protocol):
    """Holds what arrives right after the TLS handshake, until aiohttp takes over."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.eof = False
        self.lost = False

    @override
    def data_received(self, data: bytes) -> None:
        self.data += data

    @override
    def eof_received(self) -> bool:
        self.eof = True
        return True

    @override
    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True


class AcceptProtocol(asyncio.Protocol):
    """Plain TCP accept: pause reading and hand the transport to ``on_accept``."""

    def __init__(self, on_accept: Callable[[asyncio.Transport], None]) -> None:
        """Call ``on_accept`` with each accepted connection, its reading paused."""
        self._on_accept = on_accept

    @override
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        transport.pause_reading()  # the ClientHello must wait for start_tls
        self._on_accept(transport)


async def serve_after_handshake(
    transport: asyncio.Transport,
    ssl_context: ssl.SSLContext,
    protocol: Callable[[], ProtocolFactory | None],
) -> bool:
    """
    Run the server side of the TLS handshake, then serve with a ``protocol()``.

    Returns False when the handshake failed or timed out (the caller counts
    it); a connection lost during the handshake, or a ``protocol`` that answers
    None (the server is stopping), is closed quietly and returns True.
    """
    loop = asyncio.get_running_loop()
    buffer = _HandshakeBuffer()
    try:
        tls = await loop.start_tls(
            transport,
            buffer,
            ssl_context,
            server_side=True,
            ssl_handshake_timeout=TLS_HANDSHAKE_TIMEOUT,
        )
    except asyncio.CancelledError:
        transport.abort()
        raise
    except (OSError, TimeoutError) as err:
        _LOGGER.debug("TLS handshake failed: %r", err)
        transport.abort()
        return False
    factory = None if tls is None or buffer.lost else protocol()
    if tls is None or factory is None:
        transport.abort()
        return True
    handler = factory()
    tls.set_protocol(handler)
    handler.connection_made(tls)
    if buffer.data:
        handler.data_received(bytes(buffer.data))
    if buffer.eof:
        handler.eof_received()
    return True
