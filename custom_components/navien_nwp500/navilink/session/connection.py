"""The connection's life cycle: the one task that connects, serves and backs off.

``ConnectionLoop._run`` is the only code that connects, reconnects and closes
links. Each attempt builds a new ``transport.Link`` with a new generation
number and fresh credentials. SDK callbacks, publish failures and ``close()``
only *report* to that task, tagged with the generation they concern; reports
about any other generation are counted and ignored, so a stale "interrupted"
can never start a second loop and closing an old link can never look like an
outage. While connected, the task subscribes (before anything else), then
hands the link to ``traffic``, which greets every heater and runs the delivery
lanes until the link is lost.
"""

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any

from ..cloud import CannotConnectError, InvalidCredentialsError
from ..codec import NaviLinkError
from .backoff import Backoff, backoff_plan
from .flap_watch import FlapWatch
from .key_probe import KeyProbe
from .link_watch import LinkLostError, LinkWatch
from .redact import redact
from .session_types import (
    AuthFailedError,
    FirstConnectTimeoutError,
    NotConnectedError,
    SessionClosedError,
    SessionError,
    SessionState,
    UnstableConnectionError,
)
from .traffic import Traffic
from .transport import Link, LinkError, MqttClient, build_client

if TYPE_CHECKING:
    from collections import Counter
    from collections.abc import Sequence

    from ..cloud import AwsCredentials, NaviLinkAuth
    from ..codec import Device
    from .session_types import SessionConfig
    from .state import StateMachine
    from .transport import LinkSettings

_LOGGER = logging.getLogger(__name__)
_CLOSE_TIMEOUT = 5.0


class ConnectionLoop:
    """The task that keeps one session connected, and the links it made."""

    def __init__(
        self,
        auth: NaviLinkAuth,
        devices: Sequence[Device],
        settings: LinkSettings,
        config: SessionConfig,
        *,
        states: StateMachine,
        counters: Counter[str],
    ) -> None:
        """Prepare the loop (no task yet) and the traffic it will carry."""
        self._auth = auth
        self._config = config
        self._settings = settings
        self.client_id = settings.client_id
        self._states = states
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
        self._counters = counters
        self.traffic = Traffic(
            devices,
            self.client_id,
            config,
            counters=counters,
            connected_link=self.connected_link,
            link_lost=self._link_lost,
        )

    def statistics(self) -> dict[str, Any]:
        """Return the loop's own counters (plain data)."""
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
        }

    def connected_link(self) -> Link:
        """Return the current link; raise NotConnectedError unless connected."""
        link = self._link
        if self._states.state is not SessionState.CONNECTED or link is None:
            raise NotConnectedError(f"not connected ({self._states.state.value})")
        return link

    def live(self) -> tuple[Link, LinkWatch] | None:
        """Return the current link and its watch while connected, else None."""
        link, watch = self._link, self._watch
        if self._states.state is SessionState.CONNECTED and link and watch:
            return link, watch
        return None

    # ------------------------------------------------------------ start, close

    async def start(self) -> None:
        """Start the task and wait for the first connection (see the session's start)."""
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
            raise FirstConnectTimeoutError(
                self._config.first_connect_timeout, failure
            ) from self._last_failure
        except BaseException:
            await self._stop_task()
            raise
        finally:
            self._first_connect = None

    async def close(self) -> None:
        """Stop for good: cancel the task, drop queued commands, close the link."""
        self._set_state(SessionState.CLOSED)
        first = self._first_connect
        if first is not None and not first.done():
            first.set_exception(SessionClosedError("closed while starting"))
        await self._stop_task()
        self.traffic.close()
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
            for topic in self.traffic.addressing.subscriptions():
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
        self.traffic.sender.link_up()  # before the first status on this link can arrive
        self._set_state(SessionState.CONNECTED)
        try:
            await self.traffic.serve(link, watch)
        except LinkLostError:
            pass
        except LinkError as err:
            watch.report_lost(str(err))
        except Exception:  # a bug must cost one reconnect, never the loop
            _LOGGER.exception("Unexpected error on link %d", link.generation)
            watch.report_lost("unexpected error")
        finally:
            stable.cancel()
        self._abandon(link)
        self._counters["losses"] += 1
        _LOGGER.info("Connection lost (%s); reconnecting", watch.reason)
        self.traffic.link_ended()
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
        self.traffic.dispatch.handle(topic, payload)

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
