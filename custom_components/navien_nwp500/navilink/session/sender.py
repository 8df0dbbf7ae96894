"""Deliver queued commands over one link: per heater, in order, paced, truthful.

Each heater has its own lane: at most one of its commands is in flight, its
commands keep their order, and its pacing or refusal back-off never holds
another heater's commands. A heater marked unreachable keeps its commands
queued (the maximum age still applies) while the others flow.

Controls (``Command.acknowledged``) wait for their own answer, matched by the
request's client and session IDs: the device's ack snapshot (DELIVERED) or
``ctrl-fail``. A refused control is resent after a doubling wait, while the
resend leaves within ``control_refusal_budget`` of its first publish and fewer
than ``control_refusal_limit`` refusals came; then it ends REFUSED. Mode,
temperature and power controls (``Command.paced``) are spaced ``control_spacing``
apart.

A control that may have reached the heater without an answer (the publish
failed, the link was lost before the reply, or the reply never came) is
*unconfirmed*, never failed: ``patience`` says what decides it and
``evidence`` reads the statuses for it (the state each control is sent into,
other clients' acks). Meanwhile its lane asks the heater for its status every
``status_poll_interval`` (a lost reply blocks nothing) until the patience
window is over. Requests without an ack (schedule writes) are DELIVERED when
the broker takes them.
"""

import asyncio
from collections.abc import Callable
import logging
import time
from typing import TYPE_CHECKING

from ..codec import has_intent
from .details import OutcomeDetail
from .evidence import StatusEvidence
from .link_watch import LinkLostError
from .patience import UnconfirmedControls
from .queue import CommandOutcome, CommandQueue, QueueEntry
from .session_types import SendOutcome, SessionConfig
from .transport import LinkError

if TYPE_CHECKING:
    from collections import Counter

    from ..codec import Command, DeviceStatus
    from .link_watch import LinkWatch
    from .patience import Before, Unconfirmed
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
        deadlines_changed: Callable[[], None],
    ) -> None:
        """Share the session's queue, reply router, settings and counters.

        ``deadlines_changed`` is told when a control becomes unconfirmed (its
        maximum age is a new deadline for the session's expiry timer).
        """
        self._queue = queue
        self._replies = replies
        self._config = config
        self._build = build
        self._status_request = status_request
        self._accepted = accepted
        self._counters = counters
        self._deadlines_changed = deadlines_changed
        self._kick: asyncio.Future[None] | None = None  # resolved by wake()
        self._next_control: dict[str, float] = {}  # mac -> earliest next control
        self._unconfirmed = UnconfirmedControls(config.control_patience, queue)
        self._evidence = StatusEvidence(
            self._unconfirmed, queue, config, counters, self.wake
        )
        self._unreachable: set[str] = set()
        replies.on_late_answer = self.on_late_answer

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
        """Count the controls waiting for an ack or a status to decide their fate."""
        return len(self._unconfirmed)

    @property
    def unconfirmed_controls(self) -> UnconfirmedControls:
        """The unconfirmed controls (their maximum age is a deadline too)."""
        return self._unconfirmed

    def on_status(self, mac: str, status: DeviceStatus, *, ours: bool) -> None:
        """Note a status of ``mac`` (``ours``: it answers us); decide what it can."""
        self._evidence.on_status(mac, status, ours=ours)

    def on_late_answer(self, mac: str, session_id: str, refused: bool) -> None:
        """Decide an unconfirmed control from its ack or ctrl-fail that came late."""
        record = self._unconfirmed.get(mac)
        if record is None or record.session_id != session_id:
            _LOGGER.debug("Late answer %s from %s (already decided)", session_id, mac)
            return
        self._unconfirmed.pop(record)
        if refused:
            self._refused(record.entry)
        else:
            _LOGGER.info(
                "%s for %s acknowledged late: received", record.entry.command.kind, mac
            )
            self._queue.delivered(record.entry, OutcomeDetail.LATE_ACK)
        self.wake()

    # ------------------------------------------------------------ lanes

    def link_up(self) -> None:
        """Note the link gap; give the controls lost with the old link a new window."""
        self._evidence.link_up()
        self._unconfirmed.link_back()

    async def run(self, link: Link, watch: LinkWatch) -> None:
        """Deliver until the link is lost (raises LinkLostError) or cancelled."""
        loop = asyncio.get_running_loop()
        lanes: dict[str, asyncio.Task[None]] = {
            record.entry.command.mac: loop.create_task(
                self._lane(link, watch, record.entry, deliver=False)
            )
            for record in self._unconfirmed
        }
        try:
            while True:
                kick = self._kick = loop.create_future()
                for entry in self._queue.take_ready(
                    lambda mac: mac not in lanes and self.reachable(mac)
                ):
                    lanes[entry.command.mac] = loop.create_task(
                        self._lane(link, watch, entry)
                    )
                await watch.unless_lost(
                    asyncio.wait(
                        {kick, *lanes.values()}, return_when=asyncio.FIRST_COMPLETED
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
        self,
        link: Link,
        watch: LinkWatch,
        entry: QueueEntry[Command],
        *,
        deliver: bool = True,
    ) -> None:
        """Deliver one entry (unless ``deliver`` is False) and follow it while unsure.

        Whatever happens, it ends settled, unconfirmed or queued.
        """
        mac = entry.command.mac
        try:
            if deliver:
                await self._deliver(link, watch, entry)
            record = self._unconfirmed.get(mac)
            if record is not None and record.entry is entry:
                await self._follow(link, watch, record)
        finally:
            if (
                not entry.done
                and not self._unconfirmed.holds(entry)
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
            self._queue.drop(entry, CommandOutcome.INVALID, OutcomeDetail.CANNOT_ENCODE)
            return
        if command.paced:
            wait = self._next_control.get(mac, 0.0) - time.monotonic()
            if wait > 0:
                await watch.unless_lost(asyncio.sleep(wait))  # LinkLost: _lane requeues
        published_at = time.monotonic()
        if entry.sent_at is None:
            entry.sent_at = published_at
        before = self._evidence.before(mac)  # the state this control is sent into
        # From the publish on, a lost link or a cancelled lane (the session
        # closing) leaves the entry unconfirmed: it may have left, so it never
        # goes back to the waiting line (where it could end TOO_OLD, or be sent
        # twice).
        if not command.acknowledged:
            try:
                await self._publish(link, watch, entry, topic, payload)
            except LinkLostError, asyncio.CancelledError:
                self._unsure(entry, session_id, published_at, before, link_lost=True)
                raise
            self._accepted(entry, SendOutcome.SENT)
            self._queue.delivered(entry, OutcomeDetail.BROKER_ACCEPTED)
            return
        # Registered before publishing: the ack may beat the PUBACK.
        confirmation = self._replies.expect_confirmation(session_id)
        lost: LinkLostError | asyncio.CancelledError | None = None
        try:
            await self._publish(link, watch, entry, topic, payload)
            self._accepted(entry, SendOutcome.SENT)
            if command.paced:
                self._next_control[mac] = (
                    time.monotonic() + self._config.control_spacing
                )
            await watch.unless_lost(
                asyncio.wait(
                    {confirmation}, timeout=self._config.control_confirm_timeout
                )
            )
        except (LinkLostError, asyncio.CancelledError) as err:
            lost = err
        finally:
            # From here on a late answer goes to on_late_answer (no gap between).
            self._replies.confirmation_done(session_id)
        if not confirmation.done():
            if lost is None:  # the broker took it; the device said nothing yet
                self._counters["confirm_timeouts"] += 1
            self._unsure(
                entry, session_id, published_at, before, link_lost=lost is not None
            )
        elif confirmation.result():
            self._refused(entry)
        else:
            self._queue.delivered(entry, OutcomeDetail.ACKNOWLEDGED)
        if lost is not None:
            raise lost

    async def _follow(self, link: Link, watch: LinkWatch, record: Unconfirmed) -> None:
        """Ask for status (paced, bounded) until ``record`` is decided or given up."""
        entry = record.entry
        mac = entry.command.mac
        checkable = has_intent(entry.command)
        asked_late = False  # a status was asked for after the window, on this link
        while self._unconfirmed.get(mac) is record:
            now = time.monotonic()
            late = now >= record.patience_ends
            if late and (asked_late or not checkable):
                self._give_up(record, checkable=checkable)
                return
            if checkable:
                await self._ask_status(link, watch, mac)
                asked_late = late
            if late:
                wait = self._config.control_confirm_timeout
            elif checkable:
                wait = min(
                    self._config.status_poll_interval, record.patience_ends - now
                )
            else:
                wait = record.patience_ends - now
            await watch.unless_lost(asyncio.wait({record.settled}, timeout=wait))

    async def _publish(
        self,
        link: Link,
        watch: LinkWatch,
        entry: QueueEntry[Command],
        topic: str,
        payload: bytes,
    ) -> None:
        """Publish; on failure tell the caller QUEUED and raise LinkLostError."""
        try:
            await watch.unless_lost(link.publish(topic, payload))
        except (LinkLostError, LinkError) as err:
            self._accepted(entry, SendOutcome.QUEUED)
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

    def _unsure(
        self,
        entry: QueueEntry[Command],
        session_id: str,
        published_at: float,
        before: Before,
        *,
        link_lost: bool,
    ) -> None:
        """Wait for evidence about an entry that may have arrived, if any can come."""
        command = entry.command
        self._counters["unconfirmed"] += 1
        if not command.acknowledged and not has_intent(command):
            _LOGGER.warning(
                "%s for %s may or may not have reached the heater (nothing can tell)",
                command.kind,
                command.mac,
            )
            self._queue.drop(
                entry, CommandOutcome.UNCONFIRMED, OutcomeDetail.NOT_CHECKABLE
            )
            return
        _LOGGER.info(
            "%s for %s not confirmed; waiting for its ack or a status showing it",
            command.kind,
            command.mac,
        )
        self._unconfirmed.add(
            entry, session_id, published_at, link_lost=link_lost, before=before
        )
        self._deadlines_changed()

    def _give_up(self, record: Unconfirmed, *, checkable: bool) -> None:
        """End a control UNCONFIRMED: the window is over and nothing told."""
        self._unconfirmed.pop(record)
        entry = record.entry
        _LOGGER.warning(
            "%s for %s may or may not have reached the heater (no answer, %s)",
            entry.command.kind,
            entry.command.mac,
            "no status" if checkable else "no status can show it",
        )
        self._queue.drop(
            entry,
            CommandOutcome.UNCONFIRMED,
            OutcomeDetail.NO_STATUS if checkable else OutcomeDetail.NOT_CHECKABLE,
        )
        self.wake()

    def _refused(self, entry: QueueEntry[Command]) -> None:
        command = entry.command
        entry.refusals += 1
        # Resend after a doubling wait (spacing, 2x, 4x, ...): the device's
        # minimum interval is unknown (protocol.md §17.9).
        delay = self._config.control_spacing * 2 ** (entry.refusals - 1)
        now = time.monotonic()
        first = now if entry.sent_at is None else entry.sent_at
        if (
            entry.refusals >= self._config.control_refusal_limit
            or now + delay > first + self._config.control_refusal_budget
        ):
            _LOGGER.warning(
                "%s for %s refused %d times in %.1f s; dropped",
                command.kind,
                command.mac,
                entry.refusals,
                now - first,
            )
            self._queue.drop(entry, CommandOutcome.REFUSED, OutcomeDetail.CTRL_FAIL)
            return
        self._next_control[command.mac] = now + delay
        self._queue.requeue(entry)
