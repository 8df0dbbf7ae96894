"""The only module that imports awscrt: one MQTT-over-WebSocket link per generation.

A ``Link`` wraps one ``awscrt.mqtt.Connection`` built with static credentials
on the session's one ``awscrt.mqtt.Client`` (its TLS context, with the CA
bundle loaded, is built once per session in an executor by ``build_client``)
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

import asyncio
from collections.abc import Callable
import contextlib
from dataclasses import dataclass
import logging
import threading
from typing import TYPE_CHECKING, Any
import weakref

import awscrt
import awscrt.auth
import awscrt.exceptions
import awscrt.io
import awscrt.mqtt
import awscrt.websocket

from ..cloud import CannotConnectError

if TYPE_CHECKING:
    import concurrent.futures

    from ..cloud import AwsCredentials

_LOGGER = logging.getLogger(__name__)

UPGRADE_FAILURE = "AWS_ERROR_HTTP_WEBSOCKET_UPGRADE_FAILURE"
WS_PATH = "/mqtt"
HTTPS_PORT = 443
SIGNING_SERVICE = "iotdevicegateway"
# The SDK retries an interrupted connection after this long; the session always
# disconnects such a link long before (immediately), which cancels the retry.
_SDK_RETRY_DELAY_S = 3600

type MqttClient = awscrt.mqtt.Client
KEY_REFUSALS = frozenset({401, 403})  # upgrade answers that mean "renew the keys"

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


def build_client(settings: LinkSettings) -> MqttClient:
    """Build the MQTT client and its TLS context for every link of a session.

    Blocking (it loads the CA bundle): run it in an executor, once per session.
    """
    options = awscrt.io.TlsContextOptions()
    if settings.ca_file:
        options.override_default_trust_store_from_path(None, settings.ca_file)
    if settings.port == HTTPS_PORT and awscrt.io.is_alpn_available():
        options.alpn_list = ["http/1.1"]
    client: MqttClient = awscrt.mqtt.Client(None, awscrt.io.ClientTlsContext(options))
    return client


def _signing_config(
    settings: LinkSettings, credentials: AwsCredentials
) -> awscrt.auth.AwsSigningConfig:
    """SigV4 in the query string, as AWS IoT wants its WebSocket upgrades signed."""
    return awscrt.auth.AwsSigningConfig(
        algorithm=awscrt.auth.AwsSigningAlgorithm.V4,
        signature_type=awscrt.auth.AwsSignatureType.HTTP_REQUEST_QUERY_PARAMS,
        credentials_provider=awscrt.auth.AwsCredentialsProvider.new_static(
            credentials.access_key_id,
            credentials.secret_key,
            credentials.session_token,
        ),
        region=settings.region,
        service=SIGNING_SERVICE,
        omit_session_token=True,  # AWS IoT adds the token after signing
    )


async def probe_upgrade(
    settings: LinkSettings, credentials: AwsCredentials, *, client: MqttClient
) -> int | None:
    """Ask the gateway for one WebSocket upgrade with ``credentials``.

    awscrt reports every refused upgrade as the same error; the HTTP status of
    this probe tells a key refusal (401/403) from a gateway in trouble (5xx).
    Returns None when no answer came within the operation timeout.
    """
    loop = asyncio.get_running_loop()
    status: asyncio.Future[int | None] = loop.create_future()

    def settle(value: int | None) -> None:
        if not status.done():
            status.set_result(value)

    def on_setup(data: awscrt.websocket.OnConnectionSetupData) -> None:
        if data.websocket is not None:
            data.websocket.close()
        with contextlib.suppress(RuntimeError):  # the loop is already closed
            loop.call_soon_threadsafe(settle, data.handshake_response_status)

    request = awscrt.websocket.create_handshake_request(
        host=settings.host, path=WS_PATH
    )
    request.headers.add("Sec-WebSocket-Protocol", "mqtt")
    options = client.tls_ctx.new_connection_options() if client.tls_ctx else None
    if options is not None:
        options.set_server_name(settings.host)
    try:
        signed = awscrt.auth.aws_sign_request(
            request, _signing_config(settings, credentials)
        )
        await asyncio.wait_for(
            asyncio.wrap_future(signed, loop=loop), settings.operation_timeout
        )
        awscrt.websocket.connect(
            host=settings.host,
            port=settings.port,
            handshake_request=request,
            socket_options=_socket_options(settings),
            tls_connection_options=options,
            on_connection_setup=on_setup,
        )
        return await asyncio.wait_for(status, settings.operation_timeout)
    except (TimeoutError, awscrt.exceptions.AwsCrtError) as err:
        _LOGGER.debug("Upgrade probe failed: %r", err)
        return None


def _socket_options(settings: LinkSettings) -> awscrt.io.SocketOptions:
    options = awscrt.io.SocketOptions()
    options.connect_timeout_ms = int(settings.operation_timeout * 1000)
    return options


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
        client: MqttClient,
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
        self._signing = _signing_config(settings, credentials)
        try:
            self._mqtt: awscrt.mqtt.Connection = awscrt.mqtt.Connection(
                client=client,
                host_name=settings.host,
                port=settings.port,
                client_id=settings.client_id,
                clean_session=True,
                keep_alive_secs=settings.keep_alive_s,
                ping_timeout_ms=settings.ping_timeout_ms,
                protocol_operation_timeout_ms=int(settings.operation_timeout * 1000),
                socket_options=_socket_options(settings),
                reconnect_min_timeout_secs=_SDK_RETRY_DELAY_S,
                reconnect_max_timeout_secs=_SDK_RETRY_DELAY_S,
                use_websockets=True,
                websocket_handshake_transform=self._sign_handshake,
                on_connection_interrupted=self._sdk_interrupted,
                on_connection_resumed=self._sdk_resumed,
                on_connection_closed=self._sdk_closed,
                on_connection_success=self._sdk_success,
                disable_metrics=True,
            )
        except Exception as err:
            raise _error("building the connection failed", err) from err
        self._mqtt.on_message(_MessageRelay(self))

    # --- SDK threads: hop to the loop and nothing else -------------------------

    def _call_in_loop(self, handler: Callable[..., None], *args: Any) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is already closed
            self._loop.call_soon_threadsafe(handler, self.generation, *args)

    def _sign_handshake(self, transform_args: Any, **kwargs: Any) -> None:
        # The SDK calls this with a keyword; it fails the connect if we raise.
        signing = awscrt.auth.aws_sign_request(
            transform_args.http_request, self._signing
        )
        signing.add_done_callback(
            lambda done: transform_args.set_done(done.exception())
        )

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
        self._call_in_loop(self._on_lost, f"interrupted ({name})")

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
        self._call_in_loop(self._on_lost, "resumed by the SDK")

    def _sdk_closed(self, connection: Any, **kwargs: Any) -> None:
        self._call_in_loop(self._on_lost, "closed")

    def relay_message(self, topic: str, payload: bytes) -> None:
        """Hand a message from an SDK thread to the event loop."""
        self._call_in_loop(self._on_message, topic, bytes(payload))

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
            self._closing = closing
        return self._closing


class _MessageRelay:
    """The message callback the SDK keeps; it holds its link only weakly.

    The SDK keeps this callback natively, where the garbage collector cannot
    see it, and lets go of it only when the connection is freed: a strong
    reference to the link would keep link and connection alive forever.
    """

    __slots__ = ("_link",)

    def __init__(self, link: Link) -> None:
        self._link = weakref.ref(link)

    def __call__(self, topic: str, payload: bytes, **kwargs: Any) -> None:
        link = self._link()
        if link is not None:
            link.relay_message(topic, payload)


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


async def keys_refused(
    err: Exception,
    settings: LinkSettings,
    credentials: AwsCredentials,
    client: MqttClient,
) -> bool:
    """Whether a failed connect means the gateway refuses ``credentials``.

    awscrt names every refused upgrade alike: a probe tells a key refusal
    (401/403) from a gateway in trouble (5xx), which new keys do not cure.
    """
    if not isinstance(err, LinkError) or not err.upgrade_refused:
        return False
    status = await probe_upgrade(settings, credentials, client=client)
    _LOGGER.debug("The gateway answers an upgrade with HTTP %s", status)
    return status in KEY_REFUSALS
