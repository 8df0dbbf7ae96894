"""What the session sends and hears over whichever link is current.

The parts that carry messages (addressing, replies, the command intake and
queue, the delivery lanes, dispatch, push watching) are wired together here,
with the requests that skip the queue: status and info requests, and queries
that wait for their reply. The connection's life cycle stays in ``session``;
it hands each new link to ``serve()`` and says who may publish right now.
"""

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from ..codec import commands, topics
from .addressing import Addressing
from .dispatch import MessageDispatch
from .expiry import ExpiryTimer
from .feature_watch import FeatureWatch
from .intake import CommandIntake
from .link_watch import LinkLostError
from .push_watch import PushWatch
from .queue import CommandOutcome
from .replies import ReplyRouter
from .sender import CommandSender
from .session_types import (
    NotConnectedError,
    RequestTimeoutError,
    SessionClosedError,
    SessionState,
)
from .transport import LinkError

if TYPE_CHECKING:
    from collections import Counter
    from collections.abc import Callable, Mapping, Sequence

    from ..codec import Command, Device
    from .link_watch import LinkWatch
    from .session_types import SendOutcome, SessionConfig
    from .transport import Link

_LOGGER = logging.getLogger(__name__)


class Traffic:
    """The session's message parts and its requests, whatever the link."""

    def __init__(
        self,
        devices: Sequence[Device],
        client_id: str,
        config: SessionConfig,
        *,
        counters: Counter[str],
        connected_link: Callable[[], Link],
        link_lost: Callable[[int, str], None],
    ) -> None:
        """Wire the parts; ``connected_link`` raises NotConnectedError when offline."""
        self._client_id = client_id
        self._config = config
        self._connected_link = connected_link
        self._link_lost = link_lost
        self.replies = ReplyRouter(client_id)
        self.addressing = Addressing(devices, client_id, self.replies)
        self.push_watch = PushWatch(
            self.addressing.devices,
            silence=config.push_silence,
            interval=config.silent_poll_interval,
        )
        self.feature_watch = FeatureWatch(
            self.addressing.devices,
            first_wait=config.feature_retry_min,
            max_wait=config.feature_retry_max,
        )
        self.intake = CommandIntake(config)
        self.queue = self.intake.queue
        self.expiry = ExpiryTimer(self.queue)
        self.queue.on_waiting = self.expiry.poke
        self.sender = CommandSender(
            self.queue,
            self.replies,
            config,
            build=self.addressing.message,
            status_request=self.addressing.status_request,
            accepted=self.intake.settle,
            counters=counters,
            deadlines_changed=self.expiry.poke,
        )
        self.expiry.watch(self.sender.unconfirmed_controls)
        self.dispatch = MessageDispatch(
            self.addressing.devices,
            replies=self.replies,
            push_watch=self.push_watch,
            sender=self.sender,
            counters=counters,
        )
        self.dispatch.feature_listeners.add(
            lambda device, _feature: self.feature_watch.note_feature(device.mac)
        )

    def statistics(self) -> dict[str, Any]:
        """Return the queue, message and per-heater counters (plain data)."""
        return {
            "queue": self.queue.stats.as_dict()
            | {"pending": len(self.queue), "unconfirmed": self.sender.unconfirmed()},
            "messages": dict(self.dispatch.decoder.counters),
            "heaters": self.push_watch.as_list(),
        }

    # ------------------------------------------------------------ per link

    async def serve(self, link: Link, watch: LinkWatch) -> None:
        """Greet every heater; poll, re-ask features and deliver until ``link`` is lost."""
        helpers: list[asyncio.Task[None]] = []
        try:
            for device in self.addressing.devices.values():
                await self._greet(link, watch, device)
            self.push_watch.connected()
            self.feature_watch.connected()
            helpers = [
                asyncio.create_task(
                    self.push_watch.poll(link, watch, self.addressing.status_message)
                ),
                asyncio.create_task(
                    self.feature_watch.ask(link, watch, self.addressing.info_message)
                ),
            ]
            await self.sender.run(link, watch)
        finally:
            self.push_watch.disconnected()
            self.feature_watch.disconnected()
            for helper in helpers:
                helper.cancel()

    def link_ended(self) -> None:
        """Tell waiting callers QUEUED; without a queue, drop what was not sent."""
        self.intake.settle_all_queued()
        if not self._config.queue_enabled:  # unconfirmed ones wait for a status
            self.queue.clear(CommandOutcome.NOT_CONNECTED, in_flight=False)

    def close(self) -> None:
        """Drop queued commands and fail every waiting query."""
        self.expiry.stop()
        self.queue.clear(CommandOutcome.CLOSED)
        self.replies.fail_all(SessionClosedError("the session was closed"))

    async def _greet(self, link: Link, watch: LinkWatch, device: Device) -> None:
        """Ask ``device`` for its feature and status on ``link``."""
        for build in (commands.device_info_request, commands.status_request):
            message = self.addressing.request(build(device))
            await watch.unless_lost(link.publish(*message))

    # ------------------------------------------------------------ heaters

    async def add_device(
        self, device: Device, live: tuple[Link, LinkWatch] | None
    ) -> None:
        """Serve ``device`` from now on; on a ``live`` link subscribe and greet it."""
        if device.mac in self.addressing.devices:
            return
        subscribed = set(self.addressing.subscriptions())
        self.addressing.devices[device.mac] = device
        self.push_watch.add(device.mac)
        self.feature_watch.add(device.mac)
        if live is None:
            return
        link, watch = live
        try:
            for topic in self.addressing.subscriptions():
                if topic not in subscribed:
                    await watch.unless_lost(link.subscribe(topic))
            await self._greet(link, watch, device)
        except LinkLostError:
            pass  # the next link subscribes to it and asks it
        except LinkError as err:
            watch.report_lost(str(err))

    def remove_device(self, mac: str) -> None:
        """Stop serving ``mac``; its messages are ignored."""
        self.addressing.devices.pop(mac, None)
        self.push_watch.remove(mac)
        self.feature_watch.remove(mac)

    def set_reachable(self, mac: str, reachable: bool) -> None:
        """Hold or release the queued commands of ``mac`` (ValueError if unknown)."""
        self.addressing.device(mac)
        self.sender.set_reachable(mac, reachable)

    # ------------------------------------------------------------ requests

    async def send(self, command: Command, state: SessionState) -> SendOutcome:
        """Queue ``command`` given the connection ``state`` (see the session's send)."""
        if state is SessionState.CLOSED:
            raise SessionClosedError("the session is closed")
        mac = self.addressing.device(command.mac).mac
        connected = state is SessionState.CONNECTED
        if not connected and (
            not self._config.queue_enabled or state is SessionState.AUTH_FAILED
        ):
            raise NotConnectedError(f"not connected ({state.value})")
        idle = (
            not self.queue.busy(mac)
            and not self.queue.waiting_for(mac)
            and self.sender.reachable(mac)
        )
        if not connected:
            _LOGGER.info("Offline: %s for %s queued", command.kind, mac)
        return await self.intake.submit(
            command, wait=connected and idle, wake=self.sender.wake
        )

    async def request_status(self, device: Device) -> None:
        """Ask ``device`` for a status snapshot now."""
        await self.publish_now(commands.status_request(device))

    async def request_device_info(self, device: Device) -> None:
        """Ask ``device`` for its feature message now."""
        await self.publish_now(commands.device_info_request(device))

    async def query(
        self,
        command: Command,
        timeout: float | None,  # noqa: ASYNC109 (the session's contract names it)
    ) -> Mapping[str, Any]:
        """Publish ``command`` now and return its reply's ``response``."""
        device = self.addressing.device(command.mac)
        future: asyncio.Future[Mapping[str, Any]] = (
            asyncio.get_running_loop().create_future()
        )
        topic = topics.response_topic(
            command, client_id=self._client_id, device_type=device.device_type
        )
        session_id = self.replies.new_session_id(command.mac)
        pending = self.replies.expect_reply(topic, command.mac, session_id, future)
        try:
            await self.publish_now(command, session_id)
            wait = self._config.request_timeout if timeout is None else timeout
            return await asyncio.wait_for(future, wait)
        except TimeoutError as err:
            raise RequestTimeoutError(f"no reply to {command.kind}") from err
        finally:
            self.replies.forget(pending)

    async def publish_now(
        self, command: Command, session_id: str | None = None
    ) -> None:
        """Publish ``command`` on the current link, skipping the queue."""
        link = self._connected_link()
        if session_id is None:
            session_id = self.replies.new_session_id(command.mac)
        try:
            await link.publish(*self.addressing.message(command, session_id))
        except LinkError as err:
            self._link_lost(link.generation, str(err))
            raise
