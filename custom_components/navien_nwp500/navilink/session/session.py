"""NaviLinkSession: one self-healing MQTT session for every heater of an account.

This is the session's public contract; its docstrings are the API
documentation. The work is done by two parts: ``connection`` (the one task
that connects, reconnects and closes links, and the session's state) and
``traffic`` (what travels over the current link: commands through the queue,
requests and queries that skip it, replies and incoming messages). Every
public method checks that it is called from the session's own event loop and
process, then delegates.
"""

from collections import Counter
import secrets
from typing import TYPE_CHECKING, Any

from .connection import ConnectionLoop
from .context_guard import ContextGuard
from .session_types import SessionConfig, SessionState, WrongContextError
from .state import StateMachine
from .transport import LinkSettings

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from ..cloud import Endpoints, NaviLinkAuth
    from ..codec import Command, Device, DeviceFeature, DeviceStatus
    from .queue import CommandOutcome
    from .session_types import SendOutcome, SessionError

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
        self.client_id = client_id or f"navien-ha-{secrets.token_hex(4)}"
        settings = LinkSettings(
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
        self._counters: Counter[str] = Counter()
        self._connection = ConnectionLoop(
            auth,
            devices,
            settings,
            config,
            states=self._states,
            counters=self._counters,
        )
        self._traffic = self._connection.traffic
        self._queue = self._traffic.queue

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
        self._traffic.expiry.poke()

    def statistics(self) -> dict[str, Any]:
        """Counters for diagnostics and tests (plain data)."""
        self._check()
        return {
            **self._connection.statistics(),
            **self._traffic.statistics(),
            **{key: self._counters[key] for key in COUNTERS},
        }

    # ------------------------------------------------------------ listeners

    def add_status_listener(
        self, callback: Callable[[Device, DeviceStatus], None]
    ) -> Callable[[], None]:
        """Hear every status snapshot; returns the function that unregisters."""
        self._check()
        return self._traffic.dispatch.status_listeners.add(callback)

    def add_feature_listener(
        self, callback: Callable[[Device, DeviceFeature], None]
    ) -> Callable[[], None]:
        """Hear every feature (device info) message."""
        self._check()
        return self._traffic.dispatch.feature_listeners.add(callback)

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
        return self._traffic.dispatch.ctrl_fail_listeners.add(callback)

    def add_command_listener(
        self, callback: Callable[[Command, CommandOutcome], None]
    ) -> Callable[[], None]:
        """Hear the single final outcome of every command given to ``send()``."""
        self._check()
        return self._traffic.intake.listeners.add(callback)

    def add_command_detail_listener(
        self, callback: Callable[[Command, CommandOutcome, str], None]
    ) -> Callable[[], None]:
        """Hear every final outcome with its detail code (``OutcomeDetail``)."""
        self._check()
        return self._traffic.intake.detail_listeners.add(callback)

    # ------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Connect, retrying with backoff for at most ``first_connect_timeout``.

        Raises CannotConnectError (no connection in time) or
        InvalidCredentialsError (also when called again after the loop ended
        because the password was refused); either way no task is left behind.
        Once started, the session keeps itself connected until ``close()``.
        """
        self._check()
        await self._connection.start()

    async def close(self) -> None:
        """Stop for good: cancel the task, drop queued commands, close the link."""
        self._check()
        if self._states.state is SessionState.CLOSED:
            return
        await self._connection.close()

    # ------------------------------------------------------------ commands

    def set_device_reachable(self, mac: str, reachable: bool) -> None:
        """Hold (False) or release (True) the queued commands of one heater.

        While a heater is unreachable its commands stay queued instead of being
        sent into the void (the maximum age still applies: TOO_OLD); the other
        heaters' commands flow as usual. Raises ValueError for a MAC address
        this session does not serve.
        """
        self._check()
        self._traffic.set_reachable(mac, reachable)

    async def add_device(self, device: Device) -> None:
        """Serve one more heater from now on (one that joined the account).

        While connected this subscribes to its topics and asks it for its
        feature and status at once; every later link subscribes to it too.
        """
        self._check()
        await self._traffic.add_device(device, self._connection.live())

    def remove_device(self, mac: str) -> None:
        """Stop serving a heater (removed by the user); its messages are ignored."""
        self._check()
        self._traffic.remove_device(mac)

    async def send(self, command: Command) -> SendOutcome:
        """Send a command through the queue.

        Returns SENT once the broker acknowledged it, QUEUED while it waits for
        the connection or behind earlier commands; either way its one final
        outcome reaches the command listeners. Raises NotConnectedError when
        offline with the queue disabled, SessionClosedError after ``close()``.
        """
        self._check()
        return await self._traffic.send(command, self._states.state)

    async def request_status(self, device: Device) -> None:
        """Ask ``device`` for a status snapshot now (never queued)."""
        self._check()
        await self._traffic.request_status(device)

    async def request_device_info(self, device: Device) -> None:
        """Ask ``device`` for its feature message now (never queued)."""
        self._check()
        await self._traffic.request_device_info(device)

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
        return await self._traffic.query(command, timeout)

    def _check(self) -> None:
        """Refuse callers from another process or event loop."""
        problem = self._guard.problem()
        if problem is not None:
            raise WrongContextError(problem)
