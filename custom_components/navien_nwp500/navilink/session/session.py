"""NaviLinkSession: one self-healing MQTT session for every heater of an account.

The session owns the connection's life cycle. A single asyncio task (``_run``)
is the only code that connects, reconnects and closes links. Each attempt
builds a new ``transport.Link`` with a new generation number and fresh
credentials. SDK callbacks, publish failures and ``close()`` only *report* to
that task, tagged with the generation they concern; reports about any other
generation are counted and ignored, so a stale "interrupted" can never start a
second loop and closing an old link can never look like an outage. While
connected, the same task subscribes (before anything else), asks every device
for its info and status, then runs the per-heater delivery lanes (``sender``).
Everything else is a collaborator's job: addressing, message dispatch, the
command intake, the state machine, reply matching, backoff, flap and push
watching.

This module is longer than 400 lines on purpose: it is one class, the public
contract of the session (whose docstrings are its API documentation) and the
one task that owns the connection; splitting it again would spread one class
over two files.
"""

import asyncio
from collections import Counter
import logging
import secrets
import time
from typing import TYPE_CHECKING, Any

from ..cloud import CannotConnectError, InvalidCredentialsError
from ..codec import NaviLinkError, commands, topics
from .addressing import Addressing
from .backoff import Backoff, backoff_plan
from .context_guard import ContextGuard
from .dispatch import MessageDispatch
from .expiry import ExpiryTimer
from .flap_watch import FlapWatch
from .intake import CommandIntake
from .key_probe import KeyProbe
from .link_watch import LinkLostError, LinkWatch
from .push_watch import PushWatch
from .queue import CommandOutcome
from .redact import redact
from .replies import ReplyRouter
from .sender import CommandSender
from .session_types import (
    AuthFailedError,
    NotConnectedError,
    RequestTimeoutError,
    SendOutcome,
    SessionClosedError,
    SessionConfig,
    SessionError,
    SessionState,
    UnstableConnectionError,
    WrongContextError,
)
from .state import StateMachine
from .transport import Link, LinkError, LinkSettings, MqttClient, build_client

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from ..cloud import AwsCredentials, Endpoints, NaviLinkAuth
    from ..codec import Command, Device, DeviceFeature, DeviceStatus

_LOGGER = logging.getLogger(__name__)
_CLOSE_TIMEOUT = 5.0
DEFAULT_CONFIG = SessionConfig()
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


class NaviLinkSession:
    """A self-healing MQTT session for every heater of one account.

    Create it inside the event loop that will use it; calls from another loop
    or a forked child raise WrongContextError.
    """

    def __init__(
        self,
        auth: NaviLinkAuth,
        devices: Sequence[Device],
        *,
        endpoints: Endpoints,
        config: SessionConfig = DEFAULT_CONFIG,
        client_id: str | None = None,
    ) -> None:
        """Prepare (not connect) a session; the client ID is unique unless given."""
        self._guard = ContextGuard()
        self._auth = auth
        self._config = config
        self.client_id = client_id or f"navien-ha-{secrets.token_hex(4)}"
        self._settings = LinkSettings(
            host=endpoints.iot_host,
            port=endpoints.iot_port,
            region=endpoints.region,
            ca_file=endpoints.ca_file,
            client_id=self.client_id,
            keep_alive_s=config.keep_alive_s,
            ping_timeout_ms=config.ping_timeout_ms,
            operation_timeout=min(config.request_timeout, config.first_connect_timeout),
        )
        self._states = StateMachine(self.client_id)
        self._last_failure: NaviLinkError | None = None
        self._generation = 0
        self._link: Link | None = None
        self._watch: LinkWatch | None = None
        self._closing: set[asyncio.Future[Any]] = set()
        self._task: asyncio.Task[None] | None = None
        self._first_connect: asyncio.Future[None] | None = None
        self._client: MqttClient | None = None  # built by start(), in an executor
        self._credentials: AwsCredentials | None = None  # of the latest attempt
        self._backoff = Backoff(backoff_plan(config))
        self._key_probe = KeyProbe(config.backoff_quick_for)
        self._last_delay: float | None = None
        self._flaps = FlapWatch(
            short=config.stable_after,
            window=config.flap_window,
            limit=config.flap_limit,
        )
        self._attempt = 0
        self._counters: Counter[str] = Counter()
        self._replies = ReplyRouter(self.client_id)
        self._addressing = Addressing(devices, self.client_id, self._replies)
        self._push_watch = PushWatch(
            self._addressing.devices,
            silence=config.push_silence,
            interval=config.silent_poll_interval,
        )
        self._intake = CommandIntake(config)
        self._queue = self._intake.queue
        self._expiry = ExpiryTimer(self._queue)
        self._queue.on_waiting = self._expiry.poke
        self._sender = CommandSender(
            self._queue,
            self._replies,
            config,
            build=self._addressing.message,
            status_request=self._addressing.status_request,
            accepted=self._intake.settle,
            counters=self._counters,
            deadlines_changed=self._expiry.poke,
        )
        self._expiry.watch(self._sender.unconfirmed_controls)
        self._dispatch = MessageDispatch(
            self._addressing.devices,
            replies=self._replies,
            push_watch=self._push_watch,
            sender=self._sender,
            counters=self._counters,
        )

    # ------------------------------------------------------------ view

    @property
    def state(self) -> SessionState:
        """Where the connection loop is."""
        return self._states.state

    @property
    def queue_full(self) -> bool:
        """Whether the next queued command drops the oldest one."""
        return self._queue.full

    def set_queue_max_age(self, seconds: float) -> None:
        """Change how long a queued command may wait; commands already queued follow it."""
        self._check()
        self._queue.max_age = seconds
        self._expiry.poke()

    def statistics(self) -> dict[str, Any]:
        """Counters for diagnostics and tests (plain data)."""
        self._check()
        return {
            "state": self._states.state.value,
            "client_id": self.client_id,
            "generation": self._generation,
            "attempt": self._attempt,
            "flapping": self._flaps.flapping,
            "flap_runs": self._flaps.detections,
            "unstable_reported": self._states.unstable is not None,
            "last_backoff_s": self._last_delay,
            "closing_links": len(self._closing),
            "last_error": redact(str(self._last_failure))
            if self._last_failure
            else None,
            "queue": self._queue.stats.as_dict()
            | {"pending": len(self._queue), "unconfirmed": self._sender.unconfirmed()},
            "messages": dict(self._dispatch.decoder.counters),
            "heaters": self._push_watch.as_list(),
            **{key: self._counters[key] for key in COUNTERS},
        }

    # ------------------------------------------------------------ listeners

    def add_status_listener(
        self, callback: Callable[[Device, DeviceStatus], None]
    ) -> Callable[[], None]:
        """Hear every status snapshot; returns the function that unregisters."""
        self._check()
        return self._dispatch.status_listeners.add(callback)

    def add_feature_listener(
        self, callback: Callable[[Device, DeviceFeature], None]
    ) -> Callable[[], None]:
        """Hear every feature (device info) message."""
        self._check()
        return self._dispatch.feature_listeners.add(callback)

    def add_state_listener(
        self, callback: Callable[[SessionState, SessionError | None], None]
    ) -> Callable[[], None]:
        """Hear state changes with the error behind them.

        The error is AuthFailedError with AUTH_FAILED, and
        UnstableConnectionError while the connection has kept dropping right
        after it is made for ``flap_report_after``; otherwise None.
        """
        self._check()
        return self._states.listeners.add(callback)

    def add_control_failed_listener(
        self, callback: Callable[[Device, int], None]
    ) -> Callable[[], None]:
        """Hear ``ctrl-fail`` answers (device, failCode); the control is resent."""
        self._check()
        return self._dispatch.ctrl_fail_listeners.add(callback)

    def add_command_listener(
        self, callback: Callable[[Command, CommandOutcome], None]
    ) -> Callable[[], None]:
        """Hear the single final outcome of every command given to ``send()``."""
        self._check()
        return self._intake.listeners.add(callback)

    def add_command_detail_listener(
        self, callback: Callable[[Command, CommandOutcome, str], None]
    ) -> Callable[[], None]:
        """Hear every final outcome with its detail code (``OutcomeDetail``)."""
        self._check()
        return self._intake.detail_listeners.add(callback)

    # ------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Connect, retrying with backoff for at most ``first_connect_timeout``.

        Raises CannotConnectError (no connection in time) or
        InvalidCredentialsError (also when called again after the loop ended
        because the password was refused); either way no task is left behind.
        Once started, the session keeps itself connected until ``close()``.
        """
        self._check()
        if self._states.state is SessionState.CLOSED:
            raise SessionClosedError("the session is closed")
        if self._states.state is SessionState.AUTH_FAILED:
            cause = self._last_failure
            if isinstance(cause, InvalidCredentialsError):
                raise cause
            raise InvalidCredentialsError("the account password was refused")
        if self._task is not None:
            return
        loop = asyncio.get_running_loop()
        if self._client is None:
            # Loading the CA bundle into a TLS context blocks: once, off the loop.
            try:
                self._client = await loop.run_in_executor(
                    None, build_client, self._settings
                )
            except Exception as err:  # awscrt refused the CA bundle or options
                raise CannotConnectError(f"cannot set up TLS: {err!r}") from err
        self._attempt = 0
        self._backoff.reset()
        first = self._first_connect = loop.create_future()
        self._task = loop.create_task(self._run(), name=f"navilink {self.client_id}")
        try:
            await asyncio.wait_for(
                asyncio.shield(first), self._config.first_connect_timeout
            )
        except TimeoutError:
            await self._stop_task()
            self._set_state(SessionState.IDLE)
            failure = redact(str(self._last_failure or "no attempt finished"))
            raise CannotConnectError(
                f"no connection within {self._config.first_connect_timeout:g} s"
                f" ({failure})"
            ) from self._last_failure
        except BaseException:
            await self._stop_task()
            raise
        finally:
            self._first_connect = None

    async def close(self) -> None:
        """Stop for good: cancel the task, drop queued commands, close the link."""
        self._check()
        if self._states.state is SessionState.CLOSED:
            return
        self._set_state(SessionState.CLOSED)
        first = self._first_connect
        if first is not None and not first.done():
            first.set_exception(SessionClosedError("closed while starting"))
        await self._stop_task()
        self._expiry.stop()
        self._queue.clear(CommandOutcome.CLOSED)
        self._replies.fail_all(SessionClosedError("the session was closed"))
        if self._closing:
            await asyncio.wait(set(self._closing), timeout=_CLOSE_TIMEOUT)

    async def _stop_task(self) -> None:
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            done, _pending = await asyncio.wait({task}, timeout=_CLOSE_TIMEOUT)
            if not done:
                _LOGGER.error(
                    "The connection task of session %s did not stop within %g s",
                    self.client_id,
                    _CLOSE_TIMEOUT,
                )
        if self._link is not None:
            self._abandon(self._link)

    # ------------------------------------------------------------ commands

    def set_device_reachable(self, mac: str, reachable: bool) -> None:
        """Hold (False) or release (True) the queued commands of one heater.

        While a heater is unreachable its commands stay queued instead of being
        sent into the void (the maximum age still applies: TOO_OLD); the other
        heaters' commands flow as usual. Raises ValueError for a MAC address
        this session does not serve.
        """
        self._check()
        self._addressing.device(mac)
        self._sender.set_reachable(mac, reachable)

    async def add_device(self, device: Device) -> None:
        """Serve one more heater from now on (one that joined the account).

        While connected this subscribes to its topics and asks it for its
        feature and status at once; every later link subscribes to it too.
        """
        self._check()
        if device.mac in self._addressing.devices:
            return
        subscribed = set(self._addressing.subscriptions())
        self._addressing.devices[device.mac] = device
        self._push_watch.add(device.mac)
        link, watch = self._link, self._watch
        if self._states.state is not SessionState.CONNECTED or not (link and watch):
            return
        try:
            for topic in self._addressing.subscriptions():
                if topic not in subscribed:
                    await watch.unless_lost(link.subscribe(topic))
            for build in (commands.device_info_request, commands.status_request):
                message = self._addressing.request(build(device))
                await watch.unless_lost(link.publish(*message))
        except LinkLostError:
            pass  # the next link subscribes to it and asks it
        except LinkError as err:
            watch.report_lost(str(err))

    def remove_device(self, mac: str) -> None:
        """Stop serving a heater (removed by the user); its messages are ignored."""
        self._check()
        self._addressing.devices.pop(mac, None)
        self._push_watch.remove(mac)

    async def send(self, command: Command) -> SendOutcome:
        """Send a command through the queue.

        Returns SENT once the broker acknowledged it, QUEUED while it waits for
        the connection or behind earlier commands; either way its one final
        outcome reaches the command listeners. Raises NotConnectedError when
        offline with the queue disabled, SessionClosedError after ``close()``.
        """
        self._check()
        if self._states.state is SessionState.CLOSED:
            raise SessionClosedError("the session is closed")
        mac = self._addressing.device(command.mac).mac
        connected = self._states.state is SessionState.CONNECTED
        if not connected and (
            not self._config.queue_enabled
            or self._states.state is SessionState.AUTH_FAILED
        ):
            raise NotConnectedError(f"not connected ({self._states.state.value})")
        idle = (
            not self._queue.busy(mac)
            and not self._queue.waiting_for(mac)
            and self._sender.reachable(mac)
        )
        if not connected:
            _LOGGER.info("Offline: %s for %s queued", command.kind, mac)
        return await self._intake.submit(
            command, wait=connected and idle, wake=self._sender.wake
        )

    async def request_status(self, device: Device) -> None:
        """Ask ``device`` for a status snapshot now (never queued)."""
        self._check()
        await self._publish_now(commands.status_request(device))

    async def request_device_info(self, device: Device) -> None:
        """Ask ``device`` for its feature message now (never queued)."""
        self._check()
        await self._publish_now(commands.device_info_request(device))

    async def query(
        self,
        command: Command,
        *,
        timeout: float | None = None,  # noqa: ASYNC109 (the contract names it)
    ) -> Mapping[str, Any]:
        """Publish ``command`` (never queued) and return its reply's ``response``.

        The reply is the message on the command's response topic for its MAC
        address that echoes this query's own session ID. Raises
        RequestTimeoutError when none arrives in time, NotConnectedError when
        offline.
        """
        self._check()
        device = self._addressing.device(command.mac)
        future: asyncio.Future[Mapping[str, Any]] = (
            asyncio.get_running_loop().create_future()
        )
        topic = topics.response_topic(
            command, client_id=self.client_id, device_type=device.device_type
        )
        session_id = self._replies.new_session_id(command.mac)
        pending = self._replies.expect_reply(topic, command.mac, session_id, future)
        try:
            await self._publish_now(command, session_id)
            wait = self._config.request_timeout if timeout is None else timeout
            return await asyncio.wait_for(future, wait)
        except TimeoutError as err:
            raise RequestTimeoutError(f"no reply to {command.kind}") from err
        finally:
            self._replies.forget(pending)

    async def _publish_now(
        self, command: Command, session_id: str | None = None
    ) -> None:
        link = self._link
        if self._states.state is not SessionState.CONNECTED or link is None:
            raise NotConnectedError(f"not connected ({self._states.state.value})")
        if session_id is None:
            session_id = self._replies.new_session_id(command.mac)
        try:
            await link.publish(*self._addressing.message(command, session_id))
        except LinkError as err:
            self._link_lost(link.generation, str(err))
            raise

    # ------------------------------------------------------------ the task

    async def _run(self) -> None:
        """Connect, serve, back off; until cancelled or the password is refused."""
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
                    force_renew = await self._key_probe.keys_refused(
                        err, self._settings, self._credentials, self._client
                    )
                    if not force_renew:  # refused keys are renewed at once
                        await self._back_off()
                    continue
                force_renew = False
                self._key_probe.connected()
                await self._serve(link, watch)
                await self._back_off()
        finally:
            if self._link is not None:
                self._abandon(self._link)

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
            await watch.unless_lost(link.connect())
            for topic in self._addressing.subscriptions():
                await watch.unless_lost(link.subscribe(topic))
        except LinkLostError as err:
            self._abandon(link)
            raise LinkError(f"lost while connecting: {err}") from None
        except BaseException:
            self._abandon(link)
            raise
        return link, watch

    async def _serve(self, link: Link, watch: LinkWatch) -> None:
        """Run one subscribed link until it is lost, then abandon it."""
        connected_at = time.monotonic()
        stable = asyncio.get_running_loop().call_later(
            self._config.stable_after, self._mark_stable, link.generation
        )
        self._counters["connects"] += 1
        self._last_failure = None
        self._sender.link_up()  # before the first status on this link can arrive
        self._set_state(SessionState.CONNECTED)
        poller: asyncio.Task[None] | None = None
        try:
            for device in self._addressing.devices.values():
                for build in (commands.device_info_request, commands.status_request):
                    message = self._addressing.request(build(device))
                    await watch.unless_lost(link.publish(*message))
            self._push_watch.connected()
            poller = asyncio.create_task(
                self._push_watch.poll(link, watch, self._addressing.status_message)
            )
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
        self._intake.settle_all_queued()
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
        if self._states.unstable is None and self._flaps.lasted(lasting):
            self._states.unstable = UnstableConnectionError(
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
        if (
            generation == self._generation
            and self._states.state is SessionState.CONNECTED
        ):
            self._attempt = 0
            self._backoff.reset()
            self._flaps.reset()
            if self._states.unstable is not None:
                self._states.unstable = None
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
        self._dispatch.handle(topic, payload)

    # ------------------------------------------------------------ state

    def _set_state(self, new: SessionState, error: SessionError | None = None) -> None:
        """Change the state (only ever here), settle ``start()``, tell the listeners."""
        states = self._states
        if not states.change(
            new, error, generation=self._generation, attempt=self._attempt
        ):
            return
        first = self._first_connect
        if first is not None and not first.done():
            if new is SessionState.CONNECTED:
                first.set_result(None)
            elif new is SessionState.AUTH_FAILED:
                cause = states.error.__cause__ if states.error else None
                first.set_exception(
                    cause
                    if isinstance(cause, InvalidCredentialsError)
                    else InvalidCredentialsError("password refused")
                )
        states.emit()

    def _check(self) -> None:
        """Refuse callers from another process or event loop."""
        problem = self._guard.problem()
        if problem is not None:
            raise WrongContextError(problem)
