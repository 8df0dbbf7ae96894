"""The only module that imports awscrt: one MQTT-over-WebSocket link per generation.

A ``Link`` wraps one ``awscrt.mqtt.Connection`` built with static credentials
and is used for exactly one connection: once it is interrupted, the session
abandons it and builds a new one with fresh credentials. The SDK's own
reconnect never runs: the interrupted callback itself calls ``disconnect()``
(measured: the close then completes within milliseconds and no retry is made),
and as a second guard the SDK's first retry would only be scheduled an hour
later. So the SDK never reconnects beside the session's loop, never with stale
keys.

SDK callbacks run on SDK threads; each one only hops to the event loop with
``call_soon_threadsafe``, carrying the link's generation. Payloads cross as raw
bytes. Every SDK future is wrapped with ``asyncio.wrap_future`` and bounded.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
from dataclasses import dataclass
import logging
import threading
from typing import TYPE_CHECKING, Any

import awscrt
import awscrt.auth
import awscrt.exceptions
import awscrt.mqtt
from awsiot import mqtt_connection_builder

from .errors import CannotConnectError

if TYPE_CHECKING:
    import concurrent.futures

    from .auth import AwsCredentials

_LOGGER = logging.getLogger(__name__)

UPGRADE_FAILURE = "AWS_ERROR_HTTP_WEBSOCKET_UPGRADE_FAILURE"
# The SDK retries an interrupted connection after this long; the session always
# disconnects such a link long before (immediately), which cancels the retry.
_SDK_RETRY_DELAY_S = 3600

type LostHandler = Callable[[int, str], None]
type MessageHandler = Callable[[int, str, bytes], None]


class LinkError(CannotConnectError):
    """A link operation failed; ``crt_name`` is the awscrt error name, if any."""

    def __init__(self, message: str, *, crt_name: str | None = None) -> None:
        """Keep the awscrt error name so the session can tell refusals apart."""
        super().__init__(message)
        self.crt_name = crt_name

    @property
    def upgrade_refused(self) -> bool:
        """The WebSocket upgrade was refused (bad or expired keys, or a 5xx)."""
        return self.crt_name == UPGRADE_FAILURE


@dataclass(frozen=True, slots=True)
class LinkSettings:
    """Where and how to connect; the same for every generation of a session."""

    host: str
    port: int
    region: str
    ca_file: str | None
    client_id: str
    keep_alive_s: int
    ping_timeout_ms: int
    operation_timeout: float
    ca_bytes: bytes | None = None
    """The CA file's content, read off the event loop before the first connect."""


def _error(what: str, err: BaseException) -> LinkError:
    if isinstance(err, awscrt.exceptions.AwsCrtError):
        return LinkError(f"{what}: {err.name}", crt_name=err.name)
    if isinstance(err, TimeoutError):
        return LinkError(f"{what}: timed out")
    return LinkError(f"{what}: {type(err).__name__}: {err}")


class Link:
    """One awscrt MQTT connection, used once, identified by its generation."""

    def __init__(
        self,
        generation: int,
        settings: LinkSettings,
        credentials: AwsCredentials,
        *,
        loop: asyncio.AbstractEventLoop,
        on_lost: LostHandler,
        on_message: MessageHandler,
    ) -> None:
        """Build (not open) the connection; raise LinkError if the SDK refuses."""
        self.generation = generation
        self._settings = settings
        self._loop = loop
        self._on_lost = on_lost
        self._on_message = on_message
        self._closing: asyncio.Future[Any] | None = None
        self._disconnect_lock = threading.Lock()
        self._disconnecting: concurrent.futures.Future[Any] | None = None
        provider = awscrt.auth.AwsCredentialsProvider.new_static(
            credentials.access_key_id,
            credentials.secret_key,
            credentials.session_token,
        )
        extra: dict[str, Any] = {}
        if settings.ca_bytes:
            extra["ca_bytes"] = settings.ca_bytes
        try:
            self._mqtt: awscrt.mqtt.Connection = (
                mqtt_connection_builder.websockets_with_default_aws_signing(
                    region=settings.region,
                    credentials_provider=provider,
                    endpoint=settings.host,
                    port=settings.port,
                    client_id=settings.client_id,
                    clean_session=True,
                    keep_alive_secs=settings.keep_alive_s,
                    ping_timeout_ms=settings.ping_timeout_ms,
                    protocol_operation_timeout_ms=int(
                        settings.operation_timeout * 1000
                    ),
                    tcp_connect_timeout_ms=int(settings.operation_timeout * 1000),
                    reconnect_min_timeout_secs=_SDK_RETRY_DELAY_S,
                    reconnect_max_timeout_secs=_SDK_RETRY_DELAY_S,
                    enable_metrics_collection=False,
                    on_connection_interrupted=self._sdk_interrupted,
                    on_connection_resumed=self._sdk_resumed,
                    on_connection_closed=self._sdk_closed,
                    on_connection_success=self._sdk_success,
                    **extra,
                )
            )
        except Exception as err:
            raise _error("building the connection failed", err) from err
        self._mqtt.on_message(self._sdk_message)

    # --- SDK threads: hop to the loop and nothing else -------------------------

    def _hop(self, handler: Callable[..., None], *args: Any) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is already closed
            self._loop.call_soon_threadsafe(handler, self.generation, *args)

    def _disconnect_once(self) -> concurrent.futures.Future[Any]:
        """Ask the SDK to close this link (any thread; only the first call acts)."""
        with self._disconnect_lock:
            if self._disconnecting is None:
                self._disconnecting = self._mqtt.disconnect()
            return self._disconnecting

    def _sdk_interrupted(self, connection: Any, error: Any, **kwargs: Any) -> None:
        # Close here, on the SDK thread, before its own retry can be scheduled.
        self._disconnect_once()
        name = getattr(error, "name", type(error).__name__)
        self._hop(self._on_lost, f"interrupted ({name})")

    def _sdk_success(self, connection: Any, **kwargs: Any) -> None:
        # A connect the session gave up on (it refused an early disconnect)
        # may still succeed later: close it at once, or it would take our
        # client ID back from the link that replaced it.
        with self._disconnect_lock:
            given_up = self._disconnecting is not None
        if given_up:
            self._mqtt.disconnect()

    def _sdk_resumed(self, connection: Any, **kwargs: Any) -> None:
        # Only the SDK's own retry resumes a link, and the session has already
        # abandoned any link that was interrupted: report it as lost so that a
        # resume can never revive an abandoned generation.
        self._hop(self._on_lost, "resumed by the SDK")

    def _sdk_closed(self, connection: Any, **kwargs: Any) -> None:
        self._hop(self._on_lost, "closed")

    def _sdk_message(self, topic: str, payload: bytes, **kwargs: Any) -> None:
        self._hop(self._on_message, topic, bytes(payload))

    # --- the event loop -------------------------------------------------------

    async def _wait(self, what: str, future: concurrent.futures.Future[Any]) -> Any:
        # Shielded: giving up must not cancel the SDK's future, which the SDK
        # completes later from its own thread; its late outcome is swallowed.
        wrapped = asyncio.wrap_future(future, loop=self._loop)
        wrapped.add_done_callback(_swallow)
        try:
            return await asyncio.wait_for(
                asyncio.shield(wrapped), self._settings.operation_timeout
            )
        except Exception as err:  # CancelledError is no Exception: it propagates
            raise _error(what, err) from err

    async def connect(self) -> None:
        """Open the connection (bounded); raise LinkError on failure."""
        await self._wait("connect", self._mqtt.connect())

    async def subscribe(self, topic: str) -> None:
        """Subscribe at QoS 1 and wait for the SUBACK (bounded)."""
        future, _packet = self._mqtt.subscribe(topic, _qos())
        await self._wait(f"subscribe {topic}", future)

    async def publish(self, topic: str, payload: bytes) -> None:
        """Publish at QoS 1 and wait for the PUBACK (bounded)."""
        future, _packet = self._mqtt.publish(topic, payload, _qos())
        await self._wait(f"publish {topic}", future)

    def abandon(self) -> asyncio.Future[Any]:
        """Start closing in the background (idempotent) and return the close future.

        The reconnect path never awaits it: a close through a dead path can take
        seconds. Callbacks of this generation are ignored by the session anyway.
        """
        if self._closing is None:
            # The SDK reports its own refusals through the future, never raises.
            closing = asyncio.wrap_future(self._disconnect_once(), loop=self._loop)
            # A close failure only means there was nothing left to close.
            closing.add_done_callback(_swallow)
            closing.add_done_callback(self._release)
            self._closing = closing
        return self._closing

    def _release(self, _closed: asyncio.Future[Any]) -> None:
        # The SDK holds the message callback natively, a reference cycle the
        # garbage collector cannot see: drop it once closed, or every
        # abandoned link stays in memory.
        try:
            self._mqtt.on_message(None)
        except RuntimeError as err:
            _LOGGER.debug("Link %d kept its message callback: %s", self.generation, err)


def _qos() -> Any:
    """QoS 1 from the awscrt.mqtt module the SDK builder uses right now.

    Looked up at call time, like the builder does: a tool that re-imports
    modules (coverage does while resolving ``--cov=<package>``) can leave an
    older awscrt.mqtt bound here at import time, whose QoS the SDK's
    ``isinstance`` check refuses.
    """
    return awscrt.mqtt.QoS.AT_LEAST_ONCE


def _swallow(future: asyncio.Future[Any]) -> None:
    if not future.cancelled() and future.exception() is not None:
        _LOGGER.debug("Link operation ended with %r", future.exception())
