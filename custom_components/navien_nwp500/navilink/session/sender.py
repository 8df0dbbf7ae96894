"""Deliver queued commands over one link: per heater, in order, paced, truthful.

Each heater has its own lane: at most one of its commands is in flight, its
commands keep their order, and its pacing or refusal back-off never holds
another heater's commands. A heater marked unreachable keeps its commands
queued (the maximum age still applies) while the others flow.

Controls (``Command.acknowledged``) wait for their own answer, matched by the
request's client and session IDs: the device's ack snapshot (DELIVERED) or
``ctrl-fail``. A refused control is resent after a doubling wait; after
``control_refusal_limit`` refusals it ends REFUSED. Mode, temperature and power
controls (``Command.paced``) are also spaced ``control_spacing`` apart.

A control that may have reached the heater without an answer (the publish
failed, the link was lost before the reply, or the reply never came) is
*unconfirmed*, never failed: the heater's next status decides
(``commands.intent_met``). It shows the intent: DELIVERED. It does not: the
control is sent once more unless a newer command superseded it (SUPERSEDED) or
it is too old (TOO_OLD); after ``control_resend_limit`` resends it ends
NOT_APPLIED. No status within the maximum age: UNCONFIRMED. A command whose
effect no status shows (demand response, air-filter reset, schedule writes)
cannot be checked: once it may have arrived it is never resent and ends
UNCONFIRMED, unless its ack arrived (DELIVERED). Requests without an ack
(schedule writes) are DELIVERED when the broker takes them.
"""

import asyncio
from collections.abc import Callable
import logging
import time
from typing import TYPE_CHECKING

from ..codec import has_intent, intent_met
from .link_watch import LinkLostError
from .queue import CommandOutcome, CommandQueue, QueueEntry
from .session_types import SendOutcome, SessionConfig
from .transport import LinkError

if TYPE_CHECKING:
    from collections import Counter

    from ..codec import Command, DeviceStatus
    from .link_watch import LinkWatch
    from .replies import ReplyRouter
    from .transport import Link

_LOGGER = logging.getLogger(__name__)

type MessageBuilder = Callable[[Command, str], tuple[str, bytes]]
type AcceptedHook = Callable[[QueueEntry[Command], SendOutcome], None]
type StatusRequest = Callable[[str], Command]


class CommandSender:
    """Runs the delivery lanes of one link for the session's task."""

    def __init__(
        self,
        queue: CommandQueue[Command],
        replies: ReplyRouter,
        config: SessionConfig,
        *,
        build: MessageBuilder,
        status_request: StatusRequest,
        accepted: AcceptedHook,
        counters: Counter[str],
    ) -> None:
        """Share the session's queue, reply router, settings and counters."""
        self._queue = queue
        self._replies = replies
        self._config = config
        self._build = build
        self._status_request = status_request
        self._accepted = accepted
        self._counters = counters
        self._kick: asyncio.Future[None] | None = None  # resolved by wake()
        self._next_control: dict[str, float] = {}  # mac -> earliest next control
        self._unconfirmed: dict[str, QueueEntry[Command]] = {}  # mac -> entry
        self._unreachable: set[str] = set()

    # ------------------------------------------------------------ heaters

    def wake(self) -> None:
        """Have the delivery loop look at the queue again (a command was queued)."""
        if self._kick is not None and not self._kick.done():
            self._kick.set_result(None)

    def set_reachable(self, mac: str, reachable: bool) -> None:
        """Hold (False) or release (True) the commands of one heater."""
        if reachable:
            self._unreachable.discard(mac)
            self.wake()
        else:
            self._unreachable.add(mac)

    def reachable(self, mac: str) -> bool:
        """Whether commands for ``mac`` may be sent."""
        return mac not in self._unreachable

    def unconfirmed(self) -> int:
        """Count the controls waiting for a status to decide their fate."""
        return len(self._unconfirmed)

    def on_status(self, mac: str, status: DeviceStatus) -> None:
        """Decide the unconfirmed control of ``mac`` from a fresh status."""
        entry = self._unconfirmed.get(mac)
        if entry is None or entry.done:  # done: the session cleared its queue
            self._unconfirmed.pop(mac, None)
            return
        met = intent_met(entry.command, status)
        if met is None:
            return  # this status cannot tell; wait for another one
        del self._unconfirmed[mac]
        command = entry.command
        if met:
            _LOGGER.debug("%s for %s confirmed by status", command.kind, mac)
            self._queue.delivered(entry)
        elif self._queue.has_newer(entry):
            self._queue.drop(entry, CommandOutcome.SUPERSEDED)
        elif self._queue.too_old(entry):
            self._queue.drop(entry, CommandOutcome.TOO_OLD)
        elif entry.resends >= self._config.control_resend_limit:
            _LOGGER.warning(
                "%s for %s was sent %d times and the heater does not show it",
                command.kind,
                mac,
                entry.resends + 1,
            )
            self._queue.drop(entry, CommandOutcome.NOT_APPLIED)
        else:
            _LOGGER.info(
                "%s for %s not applied by the heater; resending", command.kind, mac
            )
            entry.resends += 1
            self._counters["resent"] += 1
            self._queue.requeue(entry)
        self.wake()

    # ------------------------------------------------------------ lanes

    async def run(self, link: Link, watch: LinkWatch) -> None:
        """Deliver until the link is lost (raises LinkLostError) or cancelled."""
        loop = asyncio.get_running_loop()
        lanes: dict[str, asyncio.Task[None]] = {}
        try:
            while True:
                kick = self._kick = loop.create_future()
                self._expire_unconfirmed()
                for entry in self._queue.take_ready(
                    lambda mac: mac not in lanes and self.reachable(mac)
                ):
                    lanes[entry.command.mac] = loop.create_task(
                        self._lane(link, watch, entry)
                    )
                await watch.unless_lost(
                    asyncio.wait(
                        {kick, *lanes.values()},
                        timeout=self._next_deadline(),
                        return_when=asyncio.FIRST_COMPLETED,
                    )
                )
                for mac, lane in list(lanes.items()):
                    if lane.done():
                        del lanes[mac]
                        lane.result()  # LinkLostError, or a bug for the session
        finally:
            self._kick = None
            if lanes:
                if not watch.reason:  # cancelled or a bug: stop the others
                    for lane in lanes.values():
                        lane.cancel()
                await asyncio.gather(*lanes.values(), return_exceptions=True)

    async def _lane(
        self, link: Link, watch: LinkWatch, entry: QueueEntry[Command]
    ) -> None:
        """Deliver one entry; whatever happens, it ends settled, unconfirmed or queued."""
        try:
            await self._deliver(link, watch, entry)
        finally:
            mac = entry.command.mac
            if (
                not entry.done
                and self._unconfirmed.get(mac) is not entry
                and self._queue.busy(mac)
            ):
                self._queue.requeue(entry)
                self._accepted(entry, SendOutcome.QUEUED)

    async def _deliver(
        self, link: Link, watch: LinkWatch, entry: QueueEntry[Command]
    ) -> None:
        command = entry.command
        mac = command.mac
        session_id = self._replies.new_session_id(mac, control=command.acknowledged)
        try:
            topic, payload = self._build(command, session_id)
        except ValueError:
            _LOGGER.exception("Cannot encode %s for %s; dropped", command.kind, mac)
            self._queue.drop(entry, CommandOutcome.INVALID)
            return
        if command.paced:
            wait = self._next_control.get(mac, 0.0) - time.monotonic()
            if wait > 0:
                await watch.unless_lost(asyncio.sleep(wait))  # LinkLost: _lane requeues
        if not command.acknowledged:
            await self._publish(link, watch, entry, topic, payload)
            self._accepted(entry, SendOutcome.SENT)
            self._queue.delivered(entry)
            return
        # Registered before publishing: the ack may beat the PUBACK.
        confirmation = self._replies.expect_confirmation(session_id)
        try:
            await self._publish(link, watch, entry, topic, payload)
            self._accepted(entry, SendOutcome.SENT)
            if command.paced:
                self._next_control[mac] = (
                    time.monotonic() + self._config.control_spacing
                )
            try:
                refused = await watch.unless_lost(
                    asyncio.wait_for(confirmation, self._config.control_confirm_timeout)
                )
            except TimeoutError:  # the broker took it; the device said nothing
                self._counters["confirm_timeouts"] += 1
                self._unsure(entry)
                if self._unconfirmed.get(mac) is entry:
                    await self._ask_status(link, watch, mac)
                return
            except LinkLostError:
                self._unsure(entry)
                raise
        finally:
            self._replies.confirmation_done(session_id)
        if refused:
            self._refused(entry)
        else:
            self._queue.delivered(entry)

    async def _publish(
        self,
        link: Link,
        watch: LinkWatch,
        entry: QueueEntry[Command],
        topic: str,
        payload: bytes,
    ) -> None:
        """Publish; on failure the entry may have left, so it becomes unconfirmed."""
        try:
            await watch.unless_lost(link.publish(topic, payload))
        except (LinkLostError, LinkError) as err:
            self._accepted(entry, SendOutcome.QUEUED)
            self._unsure(entry)
            if isinstance(err, LinkError):  # a dead path must never send it later
                watch.report_lost(str(err))
            raise LinkLostError(watch.reason) from None

    async def _ask_status(self, link: Link, watch: LinkWatch, mac: str) -> None:
        command = self._status_request(mac)
        message = self._build(command, self._replies.new_session_id(mac))
        try:
            await watch.unless_lost(link.publish(*message))
        except LinkError as err:
            watch.report_lost(str(err))
            raise LinkLostError(watch.reason) from None

    def _unsure(self, entry: QueueEntry[Command]) -> None:
        """Let the heater's status decide an entry that may have arrived, if it can."""
        command = entry.command
        self._counters["unconfirmed"] += 1
        if has_intent(command):
            _LOGGER.info(
                "%s for %s not confirmed; the heater's next status decides",
                command.kind,
                command.mac,
            )
            self._unconfirmed[command.mac] = entry
            return
        _LOGGER.warning(
            "%s for %s may or may not have reached the heater (no status shows it)",
            command.kind,
            command.mac,
        )
        self._queue.drop(entry, CommandOutcome.UNCONFIRMED)

    def _expire_unconfirmed(self) -> None:
        for mac, entry in list(self._unconfirmed.items()):
            if entry.done:
                del self._unconfirmed[mac]
            elif self._queue.too_old(entry):
                del self._unconfirmed[mac]
                _LOGGER.warning(
                    "%s for %s: no status from the heater told whether it arrived",
                    entry.command.kind,
                    mac,
                )
                self._queue.drop(entry, CommandOutcome.UNCONFIRMED)

    def _next_deadline(self) -> float | None:
        """Seconds until the next entry gets too old (None: no deadline)."""
        deadlines = [
            left
            for left in (
                self._queue.next_expiry(),
                *(self._queue.age_left(e) for e in self._unconfirmed.values()),
            )
            if left is not None
        ]
        return min(deadlines) if deadlines else None

    def _refused(self, entry: QueueEntry[Command]) -> None:
        command = entry.command
        entry.refusals += 1
        if entry.refusals >= self._config.control_refusal_limit:
            _LOGGER.warning(
                "%s for %s refused %d times; dropped",
                command.kind,
                command.mac,
                entry.refusals,
            )
            self._queue.drop(entry, CommandOutcome.REFUSED)
            return
        # Resend after a doubling wait (spacing, 2x, 4x, ...): the device's
        # minimum interval is unknown (protocol.md §17.9).
        delay = self._config.control_spacing * 2 ** (entry.refusals - 1)
        self._next_control[command.mac] = time.monotonic() + delay
        self._queue.requeue(entry)
