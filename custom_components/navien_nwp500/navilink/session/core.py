"""The session's state machine and the one task that connects, serves and reconnects.

A single asyncio task (``_run``) is the only code that connects, reconnects and
closes links. Each attempt builds a new ``transport.Link`` with a new
generation number and fresh credentials. SDK callbacks, publish failures and
``close()`` only *report* to that task, tagged with the generation they
concern; reports about any other generation are counted and ignored, so a
stale "interrupted" can never start a second loop and closing an old link can
never look like an outage. While connected, the same task subscribes (before
anything else), asks every device for its info and status, then runs the
per-heater delivery lanes of the command queue (``sender``).
"""

from __future__ import annotations

import asyncio
from collections import Counter
import logging
import time
from typing import TYPE_CHECKING, Any

from ..cloud import (  # noqa: TID252
    CannotConnectError,
    InvalidCredentialsError,
)
from ..codec import (  # noqa: TID252
    Device,
    DeviceFeature,
    DeviceStatus,
    Inbound,
    InboundDecoder,
    InboundKind,
    NaviLinkError,
    commands,
    parse_feature,
    parse_status,
    topics,
)
from .backoff import Backoff, BackoffPlan
from .context_guard import ContextGuard
from .flap_watch import FlapWatch
from .link_watch import LinkLostError, LinkWatch
from .listeners import Listeners
from .push_watch import PushWatch
from .queue import CommandOutcome, CommandQueue, QueueEntry
from .replies import ReplyRouter
from .sender import CommandSender
from .transport import (
    KEY_REFUSALS,
    Link,
    LinkError,
    LinkSettings,
    MqttClient,
    probe_upgrade,
)
from .types import (
    AuthFailedError,
    SendOutcome,
    SessionClosedError,
    SessionConfig,
    SessionError,
    SessionState,
    UnstableConnectionError,
    WrongContextError,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..cloud import (  # noqa: TID252
        AwsCredentials,
        Endpoints,
        NaviLinkAuth,
    )
    from ..codec import Command  # noqa: TID252

_LOGGER = logging.getLogger(__name__)
_S = SessionState
_TRANSITIONS: dict[SessionState, frozenset[SessionState]] = {
    _S.IDLE: frozenset({_S.CONNECTING, _S.CLOSED}),
    _S.CONNECTING: frozenset(
        {_S.CONNECTED, _S.BACKING_OFF, _S.AUTH_FAILED, _S.IDLE, _S.CLOSED}
    ),
    # CONNECTED -> CONNECTED re-reports the state when an unstable-connection
    # report ends.
    _S.CONNECTED: frozenset({_S.CONNECTED, _S.BACKING_OFF, _S.IDLE, _S.CLOSED}),
    _S.BACKING_OFF: frozenset({_S.CONNECTING, _S.IDLE, _S.CLOSED}),
    _S.AUTH_FAILED: frozenset({_S.CLOSED}),
    _S.CLOSED: frozenset(),
}
_LOOP_STATES = frozenset({_S.CONNECTING, _S.CONNECTED, _S.BACKING_OFF})
COUNTERS = (
    "attempts_total",  # connection attempts since creation
    "connects",  # links that reached CONNECTED
    "losses",  # connected links that were lost
    "stale_reports",  # SDK reports about an older generation (ignored)
    "repeated_reports",  # further reports about an already lost link (ignored)
    "stale_messages",  # messages that arrived on an older generation (ignored)
    "foreign_messages",  # messages about devices this session does not serve
    "confirm_timeouts",  # controls that got neither ack nor ctrl-fail
    "unconfirmed",  # commands that may have arrived without an answer
    "resent",  # controls sent again after a status showed them not applied
)


class SessionCore:
    """Shared state, the state machine and the connection task of a session."""

    def __init__(
        self,
        auth: NaviLinkAuth,
        devices: Sequence[Device],
        *,
        endpoints: Endpoints,
        config: SessionConfig,
        client_id: str,
    ) -> None:
        """Prepare everything; nothing connects before ``_run`` is started."""
        self._guard = ContextGuard()
        self._auth = auth
        self._devices = {device.mac: device for device in devices}
        self._config = config
        self.client_id = client_id
        self._settings = LinkSettings(
            host=endpoints.iot_host,
            port=endpoints.iot_port,
            region=endpoints.region,
            ca_file=endpoints.ca_file,
            client_id=client_id,
            keep_alive_s=config.keep_alive_s,
            ping_timeout_ms=config.ping_timeout_ms,
            operation_timeout=min(config.request_timeout, config.first_connect_timeout),
        )
        self._state = SessionState.IDLE
        self._error: SessionError | None = None
        self._last_failure: NaviLinkError | None = None
        self._generation = 0
        self._link: Link | None = None
        self._watch: LinkWatch | None = None
        self._closing: set[asyncio.Future[Any]] = set()
        self._task: asyncio.Task[None] | None = None
        self._first: asyncio.Future[None] | None = None
        self._client: MqttClient | None = None  # built by start(), in an executor
        self._credentials: AwsCredentials | None = None  # of the latest attempt
        self._backoff = Backoff(backoff_plan(config))
        self._last_delay: float | None = None
        self._flaps = FlapWatch(
            short=config.stable_after,
            window=config.flap_window,
            limit=config.flap_limit,
        )
        self._unstable: UnstableConnectionError | None = None  # reported, lasting
        self._attempt = 0
        self._counters: Counter[str] = Counter()
        self._decoder = InboundDecoder()
        self._replies = ReplyRouter(client_id)
        self._push_watch = PushWatch(
            self._devices,
            silence=config.push_silence,
            interval=config.silent_poll_interval,
        )
        self._queue: CommandQueue[Command] = CommandQueue(
            max_size=config.queue_max_size,
            max_age=config.queue_max_age,
            on_outcome=self._on_outcome,
        )
        self._accepted: dict[QueueEntry[Command], asyncio.Future[SendOutcome]] = {}
        self._sender = CommandSender(
            self._queue,
            self._replies,
            config,
            build=self._message,
            status_request=lambda mac: commands.status_request(self._device(mac)),
            accepted=self._settle_accepted,
            counters=self._counters,
        )
        self._status_listeners: Listeners[Device, DeviceStatus] = Listeners("status")
        self._feature_listeners: Listeners[Device, DeviceFeature] = Listeners("feature")
        self._state_listeners: Listeners[SessionState, SessionError | None] = Listeners(
            "state"
        )
        self._ctrl_fail_listeners: Listeners[Device, int] = Listeners("ctrl-fail")
        self._command_listeners: Listeners[Command, CommandOutcome] = Listeners(
            "command"
        )

    # ------------------------------------------------------------ the task

    async def _run(self) -> None:
        """Connect, serve, back off; until cancelled or the password is refused."""
        renewed = False  # keys were force-renewed once already in this outage
        force_renew = False
        try:
            while True:
                self._attempt += 1
                self._counters["attempts_total"] += 1
                self._set_state(SessionState.CONNECTING)
                try:
                    link, watch = await self._open(force_renew=force_renew)
                except InvalidCredentialsError as err:
                    self._last_failure = err
                    failed = AuthFailedError("the account password was refused")
                    failed.__cause__ = err
                    self._set_state(SessionState.AUTH_FAILED, failed)
                    return
                except Exception as err:  # any other failure is one failed attempt
                    if not isinstance(err, NaviLinkError):
                        _LOGGER.exception("Unexpected error while connecting")
                        err = CannotConnectError(f"unexpected error: {err!r}")
                    self._last_failure = err
                    _LOGGER.debug("Attempt %d failed: %s", self._attempt, err)
                    # Keys the gateway refuses are renewed (once per outage).
                    force_renew = not renewed and await self._keys_refused(err)
                    renewed = renewed or force_renew
                    await self._back_off()
                    continue
                force_renew = renewed = False
                await self._serve(link, watch)
                await self._back_off()
        finally:
            if self._link is not None:
                self._abandon(self._link)

    async def _keys_refused(self, err: NaviLinkError) -> bool:
        """Whether a failed attempt means the gateway refuses our AWS keys.

        awscrt names every refused upgrade alike: a probe tells a key refusal
        (401/403) from a gateway in trouble (5xx), which new keys do not cure.
        """
        client, credentials = self._client, self._credentials
        if not isinstance(err, LinkError) or not err.upgrade_refused:
            return False
        if client is None or credentials is None:
            return False
        status = await probe_upgrade(self._settings, credentials, client=client)
        _LOGGER.debug("The gateway answers an upgrade with HTTP %s", status)
        return status in KEY_REFUSALS

    async def _open(self, *, force_renew: bool) -> tuple[Link, LinkWatch]:
        """Build, connect and subscribe a new generation; raise on failure."""
        if self._client is None:
            raise CannotConnectError("the session was not started")
        budget = self._config.key_renewal_timeout
        try:
            credentials = await asyncio.wait_for(
                self._auth.async_aws_credentials(force_renew=force_renew), budget
            )
        except TimeoutError as err:
            raise CannotConnectError(
                f"renewing the AWS keys took longer than {budget:g} s"
            ) from err
        self._credentials = credentials
        self._generation += 1
        watch = self._watch = LinkWatch(self._generation)
        link = self._link = Link(
            self._generation,
            self._settings,
            credentials,
            client=self._client,
            loop=asyncio.get_running_loop(),
            on_lost=self._link_lost,
            on_message=self._link_message,
        )
        try:
            await watch.race(link.connect())
            for topic in self._subscriptions():
                await watch.race(link.subscribe(topic))
        except LinkLostError as err:
            self._abandon(link)
            raise LinkError(f"lost while connecting: {err}") from None
        except BaseException:
            self._abandon(link)
            raise
        return link, watch

    def _subscriptions(self) -> list[str]:
        devices = self._devices.values()
        return [
            *(topics.device_subscription(d.device_type, d.mac) for d in devices),
            *(
                topics.client_subscription(device_type, self.client_id)
                for device_type in sorted({d.device_type for d in devices})
            ),
            *(
                topics.home_subscription(device_type, home_seq, self.client_id)
                for device_type, home_seq in sorted(
                    {
                        (d.device_type, d.home_seq)
                        for d in devices
                        if d.home_seq is not None
                    }
                )
            ),
        ]

    async def _serve(self, link: Link, watch: LinkWatch) -> None:
        """Run one subscribed link until it is lost, then abandon it."""
        connected_at = time.monotonic()
        stable = asyncio.get_running_loop().call_later(
            self._config.stable_after, self._mark_stable, link.generation
        )
        self._counters["connects"] += 1
        self._last_failure = None
        self._set_state(SessionState.CONNECTED)
        poller: asyncio.Task[None] | None = None
        try:
            for device in self._devices.values():
                for build in (commands.device_info_request, commands.status_request):
                    await watch.race(link.publish(*self._request(build(device))))
            self._push_watch.connected()
            poller = asyncio.create_task(self._poll_silent(link, watch))
            await self._sender.run(link, watch)
        except LinkLostError:
            pass
        except LinkError as err:
            watch.report_lost(str(err))
        except Exception:  # a bug must cost one reconnect, never the loop
            _LOGGER.exception("Unexpected error on link %d", link.generation)
            watch.report_lost("unexpected error")
        finally:
            stable.cancel()
            self._push_watch.disconnected()
            if poller is not None:
                poller.cancel()
        self._abandon(link)
        for waiting in list(self._accepted):
            self._settle_accepted(waiting, SendOutcome.QUEUED)
        self._counters["losses"] += 1
        _LOGGER.info("Connection lost (%s); reconnecting", watch.reason)
        if not self._config.queue_enabled:  # unconfirmed ones wait for a status
            self._queue.clear(CommandOutcome.NOT_CONNECTED, in_flight=False)
        if self._flaps.connection_ended(time.monotonic() - connected_at):
            _LOGGER.info(
                "The connection keeps dropping right after it is made; "
                "retrying every %g-%g s until one stays up",
                self._config.flap_backoff_min,
                self._config.flap_backoff_max,
            )

    async def _back_off(self) -> None:
        flapping = self._flaps.flapping
        lasting = self._config.flap_report_after
        if self._unstable is None and self._flaps.lasted(lasting):
            self._unstable = UnstableConnectionError(
                "the connection keeps dropping right after it is made "
                f"(for {lasting / 60:g} min or more)"
            )
            _LOGGER.warning(
                "The connection to the NaviLink cloud keeps dropping right after "
                "it is made (for %g min or more); still retrying",
                lasting / 60,
            )
        delay = self._last_delay = self._backoff.next_delay(flapping=flapping)
        self._set_state(SessionState.BACKING_OFF)
        _LOGGER.debug("Next attempt (%d) in %.2f s", self._attempt + 1, delay)
        await asyncio.sleep(delay)

    def _mark_stable(self, generation: int) -> None:
        """End the outage (and any flapping) once a link lived ``stable_after``."""
        if generation == self._generation and self._state is SessionState.CONNECTED:
            self._attempt = 0
            self._backoff.reset()
            self._flaps.reset()
            if self._unstable is not None:
                self._unstable = None
                _LOGGER.info("The connection to the NaviLink cloud is stable again")
                self._set_state(SessionState.CONNECTED)

    def _abandon(self, link: Link) -> None:
        """Close ``link`` in the background; nothing on the reconnect path waits."""
        if self._link is link:
            self._link = None
        closing = link.abandon()
        if not closing.done():
            self._closing.add(closing)
            closing.add_done_callback(self._closing.discard)

    async def _poll_silent(self, link: Link, watch: LinkWatch) -> None:
        """Ask heaters that push nothing for their status (see ``PushWatch``)."""
        try:
            while True:
                due, wait = self._push_watch.due()
                for mac in due:
                    _LOGGER.debug("%s pushes no status; polling it", mac)
                    command = commands.status_request(self._device(mac))
                    await watch.race(link.publish(*self._request(command)))
                await asyncio.sleep(wait)
        except LinkLostError:
            pass
        except LinkError as err:
            watch.report_lost(str(err))

    def _request(self, command: Command) -> tuple[str, bytes]:
        """Topic and payload of ``command`` with a fresh session ID."""
        return self._message(command, self._replies.new_session_id(command.mac))

    def _message(self, command: Command, session_id: str) -> tuple[str, bytes]:
        """Topic and payload of ``command`` sent with ``session_id``."""
        device = self._device(command.mac)
        topic = topics.device_topic(
            device.device_type, command.mac, command.topic_suffix
        )
        payload = topics.envelope(
            command,
            client_id=self.client_id,
            session_id=session_id,
            device_type=device.device_type,
        )
        return topic, payload

    def _device(self, mac: str) -> Device:
        try:
            return self._devices[mac]
        except KeyError:
            raise ValueError(f"{mac} is not a device of this session") from None

    # ------------------------------------------------------------ reports

    def _link_lost(self, generation: int, reason: str) -> None:
        """Take a report (SDK callback or failed operation) about ``generation``."""
        watch = self._watch
        if watch is None or generation != watch.generation:
            self._counters["stale_reports"] += 1
        elif watch.report_lost(reason):
            _LOGGER.debug("Link %d lost: %s", generation, reason)
        else:
            self._counters["repeated_reports"] += 1

    def _link_message(self, generation: int, topic: str, payload: bytes) -> None:
        if generation != self._generation:
            self._counters["stale_messages"] += 1
            return
        inbound = self._decoder.decode(topic, payload)
        if inbound is None:
            return
        self._replies.route(inbound)
        device = self._devices.get(inbound.mac or "")
        if device is None:
            self._counters["foreign_messages"] += 1
            return
        self._dispatch(device, inbound)

    def _dispatch(self, device: Device, inbound: Inbound) -> None:
        ours = self._replies.answers_us(inbound)
        if inbound.kind is InboundKind.STATUS and inbound.payload is not None:
            self._push_watch.note_status(device.mac, unprompted=not ours)
            status = parse_status(inbound.payload)
            self._status_listeners.emit(device, status)
            self._sender.on_status(device.mac, status)
        elif inbound.kind is InboundKind.FEATURE and inbound.payload is not None:
            self._feature_listeners.emit(device, parse_feature(inbound.payload))
        elif inbound.kind is InboundKind.CTRL_FAIL:
            code = inbound.response.get("failCode")
            if not ours:  # another client's control (the official app)
                _LOGGER.debug("%s refused another client's control", device.mac)
                return
            _LOGGER.debug("%s refused a control (failCode %s)", device.mac, code)
            self._ctrl_fail_listeners.emit(
                device, code if isinstance(code, int) else -1
            )

    def _on_outcome(self, entry: QueueEntry[Command], outcome: CommandOutcome) -> None:
        if outcome is CommandOutcome.CLOSED:
            future = self._accepted.get(entry)
            if future is not None and not future.done():
                future.set_exception(SessionClosedError("the session was closed"))
        else:
            self._settle_accepted(entry, SendOutcome.QUEUED)
        self._command_listeners.emit(entry.command, outcome)

    def _settle_accepted(
        self, entry: QueueEntry[Command], outcome: SendOutcome
    ) -> None:
        future = self._accepted.get(entry)
        if future is not None and not future.done():
            future.set_result(outcome)

    # ------------------------------------------------------------ state

    def _set_state(self, new: SessionState, error: SessionError | None = None) -> None:
        """Change the state (only ever here): log it and tell the listeners.

        Without an ``error`` of its own, a state of the connection loop carries
        the lasting unstable-connection report, so that report does not flicker
        with every attempt.
        """
        old = self._state
        if new not in _TRANSITIONS[old]:
            _LOGGER.debug("Ignoring state change %s -> %s", old.value, new.value)
            return
        if error is None and new in _LOOP_STATES:
            error = self._unstable
        self._state, self._error = new, error
        _LOGGER.debug(
            "Session %s: %s -> %s (generation %d, attempt %d)%s",
            self.client_id,
            old.value,
            new.value,
            self._generation,
            self._attempt,
            f": {error}" if error else "",
        )
        first = self._first
        if first is not None and not first.done():
            if new is SessionState.CONNECTED:
                first.set_result(None)
            elif new is SessionState.AUTH_FAILED:
                cause = error.__cause__ if error else None
                first.set_exception(
                    cause
                    if isinstance(cause, InvalidCredentialsError)
                    else InvalidCredentialsError("password refused")
                )
        self._state_listeners.emit(new, error)

    def _check(self) -> None:
        """Refuse callers from another process or event loop."""
        problem = self._guard.problem()
        if problem is not None:
            raise WrongContextError(problem)


def backoff_plan(config: SessionConfig) -> BackoffPlan:
    """Shape the reconnect slots of ``config``, each within its floor and cap."""
    low, high = config.backoff_min, config.backoff_max

    def bounded(start: float, end: float) -> tuple[float, float]:
        start = min(max(start, low), high)
        return start, min(max(end, start), high)

    return BackoffPlan(
        first=bounded(low, config.backoff_first_max),
        quick=bounded(config.backoff_quick_min, config.backoff_quick_max),
        quick_for=config.backoff_quick_for,
        cap=high,
        flapping=bounded(config.flap_backoff_min, config.flap_backoff_max),
    )
