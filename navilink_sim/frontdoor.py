"""
The AWS IoT "front door": a TLS WebSocket endpoint in front of mosquitto.

A client (awscrt with ``websockets_with_default_aws_signing``) opens
``wss://127.0.0.1:<port>/mqtt?X-Amz-...``. The front door checks the SigV4
presigned query against the issued AWS keys (``sigv4.authenticate``), refuses bad or
expired keys with HTTP 403 (awscrt reports
``AWS_ERROR_HTTP_WEBSOCKET_UPGRADE_FAILURE``, like the real gateway), and
otherwise upgrades (echoing the ``mqtt`` subprotocol) and relays MQTT bytes
between the WebSocket and a TCP connection to the broker (``relay.Relay``).

Fault hooks (used through ``navilink_sim.faults.Faults``): drop every relay
abruptly, refuse upgrades for a while, and stall all relays (bytes are held,
not lost, until unstalled, like a congested path).

The door runs the TLS handshake itself (plain TCP accept, then ``start_tls``;
``navilink_sim.frontdoor_tls``) so that handshake failures are counted instead
of reaching the event loop's exception handler, which would fail any Home
Assistant test.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
import itertools
import logging
import time
from typing import TYPE_CHECKING

from aiohttp import web

from . import sigv4
from .frontdoor_tls import AcceptProtocol, ProtocolFactory, serve_after_handshake
from .relay import CLOSE_GRACE, Relay, hang_up

if TYPE_CHECKING:
    from collections.abc import Callable
    import ssl

_LOGGER = logging.getLogger(__name__)

WS_PATH = "/mqtt"
BROKER_CONNECT_TIMEOUT = 5.0

# Refusal reasons of the door itself (keys of FrontDoorStats.refused); the
# authentication ones are in `navilink_sim.sigv4`.
REASON_REFUSING = "refusing"
REASON_BROKER_DOWN = "broker_unavailable"
REASON_NOT_WEBSOCKET = "not_websocket"


@dataclass(slots=True)
class UpgradeEvent:
    """One WebSocket upgrade attempt, in arrival order."""

    at: float  # time.monotonic()
    access_key_id: str | None
    outcome: str  # "accepted" or "refused"
    reason: str | None = None
    status: int | None = None


@dataclass(slots=True)
class FrontDoorStats:
    """Counters tests use to count connection attempts and their outcomes."""

    tcp_connections: int = 0  # TCP accepts, before TLS
    tls_failures: int = 0  # handshakes that failed or were aborted
    upgrade_attempts: int = 0
    accepted: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    dropped: int = 0  # relays closed by drop_all()
    events: list[UpgradeEvent] = field(default_factory=list)

    @property
    def refused_total(self) -> int:
        """All refusals, whatever the reason."""
        return sum(self.refused.values())

    def refuse(
        self, reason: str, key_id: str | None, status: int | None = None
    ) -> None:
        """Count a refused upgrade and log its event."""
        self.refused[reason] += 1
        self.events.append(
            UpgradeEvent(time.monotonic(), key_id, "refused", reason, status)
        )


class FrontDoor:
    """TLS WebSocket server that authenticates like AWS IoT and relays to mosquitto."""

    def __init__(
        self,
        *,
        lookup_aws: sigv4.KeyLookup,
        broker_host: str,
        broker_port: int,
        ssl_context: ssl.SSLContext,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Callable[[], float] = time.time,
        region: str = sigv4.REGION,
    ) -> None:
        """Prepare the server; ``port`` 0 picks a free port at start."""
        self._lookup_aws = lookup_aws
        self.broker_host = broker_host
        self.broker_port = broker_port
        self._ssl = ssl_context
        self.host = host
        self._port = port
        self._clock = clock
        self._region = region
        self.stats = FrontDoorStats()
        self._relays: set[Relay] = set()
        self._ids = itertools.count(1)
        self._flowing = asyncio.Event()
        self._flowing.set()
        self._refuse_until = 0.0
        self._refuse_status: int | None = 503
        self._runner: web.AppRunner | None = None
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[object]] = set()
        self._handshakes: set[asyncio.Task[None]] = set()

    # ------------------------------------------------------------------ lifecycle
    @property
    def port(self) -> int:
        """The listening port (known after start)."""
        return self._port

    @property
    def url(self) -> str:
        """The WebSocket URL (without the signature)."""
        return f"wss://{self.host}:{self._port}{WS_PATH}"

    async def start(self) -> None:
        """
        Start listening.

        The door accepts plain TCP and runs the TLS handshake itself (then hands
        the connection to aiohttp), so a client that fails or aborts the
        handshake is counted in ``stats.tls_failures`` instead of reaching the
        event loop's exception handler (which fails Home Assistant tests).
        """
        app = web.Application()
        app.router.add_get(WS_PATH, self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: AcceptProtocol(self._accepted_tcp),
            self.host,
            self._port,
            reuse_address=True,
        )
        if self._port == 0:
            self._port = int(self._server.sockets[0].getsockname()[1])
        _LOGGER.debug("front door on %s", self.url)

    def _accepted_tcp(self, transport: asyncio.Transport) -> None:
        self.stats.tcp_connections += 1
        task = asyncio.create_task(self._tls_handshake(transport))
        self._handshakes.add(task)
        task.add_done_callback(self._handshakes.discard)

    async def _tls_handshake(self, transport: asyncio.Transport) -> None:
        if not await serve_after_handshake(transport, self._ssl, self._http_protocol):
            self.stats.tls_failures += 1

    def _http_protocol(self) -> ProtocolFactory | None:
        """Aiohttp's protocol factory; None once the door has stopped."""
        if self._runner is None:
            return None
        server = self._runner.server
        assert server is not None
        return server

    async def stop(self) -> None:
        """Drop every relay and stop listening."""
        self._flowing.set()
        self.drop_all(count=False)
        if self._server is not None:
            self._server.close()
        handshakes = list(self._handshakes)
        for handshake in handshakes:
            handshake.cancel()
        if handshakes:
            await asyncio.gather(*handshakes, return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        handlers = list(self._handlers)
        for task in handlers:
            task.cancel()
        if handlers:
            await asyncio.gather(*handlers, return_exceptions=True)
        if self._server is not None:
            self._server.abort_clients()
            await self._server.wait_closed()
            self._server = None

    # ------------------------------------------------------------------ faults
    @property
    def relays(self) -> list[Relay]:
        """Live relays, oldest first."""
        return sorted(self._relays, key=lambda r: r.id)

    @property
    def live_connections(self) -> int:
        """Number of live relays."""
        return len(self._relays)

    def drop_all(self, *, count: bool = True) -> int:
        """Abort every live relay abruptly; return how many were cut."""
        relays = list(self._relays)
        for relay in relays:
            relay.abort()
        if count:
            self.stats.dropped += len(relays)
        return len(relays)

    def refuse_for(self, seconds: float, *, status: int | None = 503) -> None:
        """
        Refuse new upgrades for ``seconds``; live relays are left alone.

        ``status`` is the HTTP status of the refusal (awscrt reports an upgrade
        failure); None cuts the TLS connection without any HTTP answer instead.
        """
        self._refuse_until = time.monotonic() + seconds
        self._refuse_status = status

    def stop_refusing(self) -> None:
        """End a refuse_for() window early."""
        self._refuse_until = 0.0

    @property
    def refusing(self) -> bool:
        """Whether upgrades are being refused right now."""
        return time.monotonic() < self._refuse_until

    def stall(self) -> None:
        """Stop relaying bytes both ways; sockets stay open and data is held."""
        self._flowing.clear()

    def unstall(self) -> None:
        """Resume relaying; held bytes flow again."""
        self._flowing.set()

    @property
    def stalled(self) -> bool:
        """Whether relays are stalled."""
        return not self._flowing.is_set()

    # ------------------------------------------------------------------ handler
    def _refuse(
        self, reason: str, key_id: str | None, status: int = 403, text: str = ""
    ) -> web.Response:
        self.stats.refuse(reason, key_id, status)
        _LOGGER.debug("upgrade refused (%s, key %s): %s", reason, key_id, text)
        return web.Response(status=status, text=text or reason)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        task = asyncio.current_task()
        if task is not None:
            self._handlers.add(task)
        try:
            return await self._upgrade_and_relay(request)
        finally:
            if task is not None:
                self._handlers.discard(task)

    async def _upgrade_and_relay(self, request: web.Request) -> web.StreamResponse:
        self.stats.upgrade_attempts += 1
        if self.refusing:
            if self._refuse_status is None:
                self.stats.refuse(REASON_REFUSING, None)
                if request.transport is not None:
                    request.transport.abort()
                return web.Response(status=503)
            return self._refuse(REASON_REFUSING, None, self._refuse_status)
        if request.headers.get("Upgrade", "").lower() != "websocket":
            return self._refuse(REASON_NOT_WEBSOCKET, None, 400)
        key_id, reason = sigv4.authenticate(
            method=request.method,
            path=request.path,
            query=list(request.rel_url.query.items()),
            headers=request.headers,
            lookup=self._lookup_aws,
            now=self._clock(),
            region=self._region,
        )
        if reason is not None:
            return self._refuse(reason, key_id, 403)
        assert key_id is not None
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(self.broker_host, self.broker_port),
                BROKER_CONNECT_TIMEOUT,
            )
        except (OSError, TimeoutError) as err:
            # AWS keeps its gateway up when a broker node fails: the upgrade
            # succeeds and the connection then closes, so the client sees a
            # network error rather than an authentication refusal.
            self.stats.refuse(REASON_BROKER_DOWN, key_id)
            _LOGGER.debug("broker unreachable: %s", err)
            transport = request.transport
            ws = web.WebSocketResponse(
                protocols=("mqtt",), heartbeat=None, timeout=CLOSE_GRACE
            )
            await ws.prepare(request)
            await hang_up(ws, transport, 1011)
            return ws

        ws = web.WebSocketResponse(
            protocols=("mqtt",),
            heartbeat=None,
            max_msg_size=0,
            compress=False,
            timeout=CLOSE_GRACE,
        )
        client_transport = request.transport
        try:
            await ws.prepare(request)
        except BaseException:
            writer.transport.abort()
            raise
        self.stats.accepted += 1
        self.stats.events.append(UpgradeEvent(time.monotonic(), key_id, "accepted"))
        peer = request.remote or "?"
        relay = Relay(
            next(self._ids),
            peer=peer,
            access_key_id=key_id,
            ws=ws,
            client_transport=client_transport,
            reader=reader,
            writer=writer,
        )
        self._relays.add(relay)
        try:
            await relay.pump(self._flowing)
        finally:
            self._relays.discard(relay)
            writer.transport.abort()
            if not relay.aborted:
                await hang_up(ws, client_transport, 1000)
        return ws
