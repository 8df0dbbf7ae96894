"""NaviLinkSession: one self-healing MQTT session for every heater of an account.

The public face of the session: lifecycle, commands, queries, listeners and
statistics. The state machine and its task live in ``session_core``.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from typing import TYPE_CHECKING, Any

from ..cloud import (  # noqa: TID252
    CannotConnectError,
    InvalidCredentialsError,
)
from ..codec import commands, topics  # noqa: TID252
from .core import COUNTERS, SessionCore
from .queue import CommandOutcome
from .redact import redact
from .transport import LinkError, build_client
from .types import (
    AuthFailedError,
    NotConnectedError,
    RequestTimeoutError,
    SendOutcome,
    SessionClosedError,
    SessionConfig,
    SessionState,
    UnstableConnectionError,
    WrongContextError,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from ..cloud import Endpoints, NaviLinkAuth  # noqa: TID252
    from ..codec import (  # noqa: TID252
        Command,
        Device,
        DeviceFeature,
        DeviceStatus,
    )
    from .types import SessionError

__all__ = [
    "AuthFailedError",
    "CommandOutcome",
    "NaviLinkSession",
    "NotConnectedError",
    "RequestTimeoutError",
    "SendOutcome",
    "SessionClosedError",
    "SessionConfig",
    "SessionState",
    "UnstableConnectionError",
    "WrongContextError",
]

_LOGGER = logging.getLogger(__name__)
_CLOSE_TIMEOUT = 5.0
DEFAULT_CONFIG = SessionConfig()


class NaviLinkSession(SessionCore):
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
        super().__init__(
            auth,
            devices,
            endpoints=endpoints,
            config=config,
            client_id=client_id or f"navien-ha-{secrets.token_hex(4)}",
        )

    # ------------------------------------------------------------ view

    @property
    def state(self) -> SessionState:
        """Where the connection loop is."""
        return self._state

    @property
    def queue_full(self) -> bool:
        """Whether the next queued command drops the oldest one."""
        return self._queue.full

    def statistics(self) -> dict[str, Any]:
        """Counters for diagnostics and tests (plain data)."""
        self._check()
        return {
            "state": self._state.value,
            "client_id": self.client_id,
            "generation": self._generation,
            "attempt": self._attempt,
            "flapping": self._flaps.flapping,
            "flap_runs": self._flaps.detections,
            "unstable_reported": self._unstable is not None,
            "last_backoff_s": self._last_delay,
            "closing_links": len(self._closing),
            "last_error": redact(str(self._last_failure))
            if self._last_failure
            else None,
            "queue": self._queue.stats.as_dict()
            | {"pending": len(self._queue), "unconfirmed": self._sender.unconfirmed()},
            "messages": dict(self._decoder.counters),
            "heaters": self._push_watch.as_list(),
            **{key: self._counters[key] for key in COUNTERS},
        }

    # ------------------------------------------------------------ listeners

    def add_status_listener(
        self, callback: Callable[[Device, DeviceStatus], None]
    ) -> Callable[[], None]:
        """Hear every status snapshot; returns the function that unregisters."""
        self._check()
        return self._status_listeners.add(callback)

    def add_feature_listener(
        self, callback: Callable[[Device, DeviceFeature], None]
    ) -> Callable[[], None]:
        """Hear every feature (device info) message."""
        self._check()
        return self._feature_listeners.add(callback)

    def add_state_listener(
        self, callback: Callable[[SessionState, SessionError | None], None]
    ) -> Callable[[], None]:
        """Hear state changes with the error behind them.

        The error is AuthFailedError with AUTH_FAILED, and
        UnstableConnectionError while the connection has kept dropping right
        after it is made for ``flap_report_after``; otherwise None.
        """
        self._check()
        return self._state_listeners.add(callback)

    def add_control_failed_listener(
        self, callback: Callable[[Device, int], None]
    ) -> Callable[[], None]:
        """Hear ``ctrl-fail`` answers (device, failCode); the control is resent."""
        self._check()
        return self._ctrl_fail_listeners.add(callback)

    def add_command_listener(
        self, callback: Callable[[Command, CommandOutcome], None]
    ) -> Callable[[], None]:
        """Hear the single final outcome of every command given to ``send()``."""
        self._check()
        return self._command_listeners.add(callback)

    # ------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Connect, retrying with backoff for at most ``first_connect_timeout``.

        Raises CannotConnectError (no connection in time) or
        InvalidCredentialsError (also when called again after the loop ended
        because the password was refused); either way no task is left behind.
        Once started, the session keeps itself connected until ``close()``.
        """
        self._check()
        if self._state is SessionState.CLOSED:
            raise SessionClosedError("the session is closed")
        if self._state is SessionState.AUTH_FAILED:
            raise self._auth_failure()
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
        first = self._first = loop.create_future()
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
            self._first = None

    def _auth_failure(self) -> InvalidCredentialsError:
        cause = self._last_failure
        if isinstance(cause, InvalidCredentialsError):
            return cause
        return InvalidCredentialsError("the account password was refused")

    async def close(self) -> None:
        """Stop for good: cancel the task, drop queued commands, close the link."""
        self._check()
        if self._state is SessionState.CLOSED:
            return
        self._set_state(SessionState.CLOSED)
        if self._first is not None and not self._first.done():
            self._first.set_exception(SessionClosedError("closed while starting"))
        await self._stop_task()
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
        self._device(mac)
        self._sender.set_reachable(mac, reachable)

    async def send(self, command: Command) -> SendOutcome:
        """Send a command through the queue.

        Returns SENT once the broker acknowledged it, QUEUED while it waits for
        the connection or behind earlier commands; either way its one final
        outcome reaches the command listeners. Raises NotConnectedError when
        offline with the queue disabled, SessionClosedError after ``close()``.
        """
        self._check()
        if self._state is SessionState.CLOSED:
            raise SessionClosedError("the session is closed")
        self._device(command.mac)
        connected = self._state is SessionState.CONNECTED
        if not connected and (
            not self._config.queue_enabled or self._state is SessionState.AUTH_FAILED
        ):
            raise NotConnectedError(f"not connected ({self._state.value})")
        mac = command.mac
        idle = (
            not self._queue.busy(mac)
            and not self._queue.waiting_for(mac)
            and self._sender.reachable(mac)
        )
        entry = self._queue.put(command)
        self._sender.wake()
        if not (connected and idle):
            if not connected:
                _LOGGER.info("Offline: %s for %s queued", command.kind, command.mac)
            return SendOutcome.QUEUED
        accepted: asyncio.Future[SendOutcome] = (
            asyncio.get_running_loop().create_future()
        )
        self._accepted[entry] = accepted
        try:
            return await asyncio.wait_for(
                asyncio.shield(accepted), self._config.request_timeout
            )
        except TimeoutError:
            return SendOutcome.QUEUED
        finally:
            self._accepted.pop(entry, None)

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
        device = self._device(command.mac)
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
        if self._state is not SessionState.CONNECTED or link is None:
            raise NotConnectedError(f"not connected ({self._state.value})")
        if session_id is None:
            session_id = self._replies.new_session_id(command.mac)
        try:
            await link.publish(*self._message(command, session_id))
        except LinkError as err:
            self._link_lost(link.generation, str(err))
            raise
