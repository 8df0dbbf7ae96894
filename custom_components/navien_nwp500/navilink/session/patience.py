"""Controls that may have reached their heater, waiting for evidence of their fate.

A control is *unconfirmed* when its answer (ack or ``ctrl-fail``) did not come
within ``control_confirm_timeout``, or the link was lost after it was
published. What decides it (``evidence.StatusEvidence`` applies the verdicts):

- an ack echoing our client ID and the control's session ID proves receipt,
  whenever it comes: DELIVERED, never sent again;
- a late ``ctrl-fail`` is a refusal like a timely one;
- a status showing the intent: DELIVERED, unless the last status before the
  publish showed it already (or none had come), or the session stopped hearing
  the heater since that status (a link gap: another client's control and its
  ack, protocol.md §6.5, may have come and gone unheard, as the official app's
  same value did in the invariants bench): then no status can tell whether
  this control arrived, and after the window it ends UNCONFIRMED;
- a status without the intent decides nothing within the patience window
  (``control_patience`` after the publish): a heater can take more than 16 s
  to show a set-point (protocol.md §17.8), and a status may have left it
  before it applied the control. After the window the first status without
  the intent decides: NOT_APPLIED, unless another control changed the same
  setting after the publish (another client's ack of a control of that
  setting, or a status showing a value that is neither ours nor the one before):
  SUPERSEDED, since ours may have applied before it was replaced; after a link
  gap a control that left on a live link ends UNCONFIRMED instead, since an
  unheard control may have set the old value back;
- a control whose link was lost before any answer (it may never have left,
  bytes held on the old path may still arrive, or a slow heater may still be
  applying it) gets the whole window again from the next link's start
  (``link_back``): the first status after it that lacks the intent sends it
  again, so a control that did arrive is never applied twice;
- no status after the window although asked: UNCONFIRMED. A control whose
  effect no status shows waits for a late ack until the window ends.
"""

import asyncio
from dataclasses import dataclass
from enum import Enum, auto
import logging
import time
from typing import TYPE_CHECKING, NamedTuple

from ..codec import intent_met, setting_shown
from .details import OutcomeDetail
from .queue import CommandOutcome

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..codec import Command, DeviceStatus
    from .queue import CommandQueue, QueueEntry

_LOGGER = logging.getLogger(__name__)


class Verdict(Enum):
    """What one status means for an unconfirmed control."""

    WAIT = auto()  # cannot tell yet
    DELIVERED = auto()  # the status shows the intent
    NOT_SHOWN = auto()  # the window is over and the status lacks the intent
    OVERRIDDEN = auto()  # ... and another control changed the setting since
    UNTELLABLE = (
        auto()
    )  # the window is over; shown before it was sent, or after another client gave it


class Before(NamedTuple):
    """The state a control is sent into: the heater's latest status, if any."""

    status: DeviceStatus | None
    heard: bool  # it came on the link the control is published on


@dataclass(eq=False, slots=True)
class Unconfirmed:
    """One control waiting for an ack or a status to decide it."""

    entry: QueueEntry[Command]
    session_id: str  # of the publish that may have arrived
    published_at: float  # monotonic time of that publish
    patience_ends: float  # monotonic time after which a status may say "not applied"
    link_lost: bool  # the link went away before any answer: it may never have left
    settled: asyncio.Future[None]  # resolved once it left this registry
    shown_before: bool  # the last status before the publish showed it (or none came)
    setting_before: tuple[object, ...] | None  # that status's value of the setting
    overridden: bool = False  # another control changed the setting since
    watched: bool = True  # the heater was heard without a gap since that status

    def judge(self, status: DeviceStatus, *, foreign_control: bool) -> Verdict:
        """Read one status (``foreign_control``: another client's control was acked)."""
        command = self.entry.command
        met = intent_met(command, status)
        if met is None:
            return Verdict.WAIT
        shown = setting_shown(command, status)
        if foreign_control or (
            not met
            and None not in (shown, self.setting_before)
            and shown != self.setting_before
        ):
            self.overridden = True
        if met and self.watched and not self.shown_before and not self.overridden:
            return Verdict.DELIVERED
        if time.monotonic() < self.patience_ends:
            return Verdict.WAIT
        if met:
            return Verdict.UNTELLABLE
        return Verdict.OVERRIDDEN if self.overridden else Verdict.NOT_SHOWN

    def untellable_detail(self) -> OutcomeDetail:
        """Why a status showing the intent after the window proves nothing."""
        if self.overridden:
            return OutcomeDetail.ANOTHER_CONTROL
        if self.shown_before:
            return OutcomeDetail.ALREADY_SHOWN
        return OutcomeDetail.LINK_GAP

    def fate_when_not_shown(
        self, *, newer: bool, too_old: bool, resend_limit: int
    ) -> tuple[CommandOutcome, OutcomeDetail] | None:
        """How a control ends that a status after the window lacks (None: resend).

        ``newer``: a waiting command replaces it; ``too_old``: past the maximum
        age, so it is not sent again (it was sent: not TOO_OLD, the status decides).
        """
        entry = self.entry
        if newer:
            return CommandOutcome.SUPERSEDED, OutcomeDetail.NEWER_COMMAND
        if not self.link_lost and not self.watched:
            return CommandOutcome.UNCONFIRMED, OutcomeDetail.LINK_GAP
        if not self.link_lost:  # it left on a live link: received, not applied
            _LOGGER.warning(
                "%s for %s: the heater's status still does not show it",
                entry.command.kind,
                entry.command.mac,
            )
            return CommandOutcome.NOT_APPLIED, OutcomeDetail.STATUS_WITHOUT_INTENT
        if entry.resends < resend_limit and not too_old:
            return None
        _LOGGER.warning(
            "%s for %s was sent %d times and the heater does not show it",
            entry.command.kind,
            entry.command.mac,
            entry.resends + 1,
        )
        if entry.resends:
            return CommandOutcome.NOT_APPLIED, OutcomeDetail.RESENT_STILL_MISSING
        return CommandOutcome.NOT_APPLIED, OutcomeDetail.STATUS_WITHOUT_INTENT


class UnconfirmedControls:
    """At most one unconfirmed control per heater (its lane waits for it)."""

    def __init__(self, patience: float, queue: CommandQueue[Command]) -> None:
        """``patience``: how long after its publish a control may take to show."""
        self._patience = patience
        self._queue = queue
        self._by_mac: dict[str, Unconfirmed] = {}

    def __len__(self) -> int:
        """Count the unconfirmed controls."""
        return len(self._by_mac)

    def __iter__(self) -> Iterator[Unconfirmed]:
        """Iterate over the unconfirmed controls."""
        return iter(list(self._by_mac.values()))

    def add(
        self,
        entry: QueueEntry[Command],
        session_id: str,
        published_at: float,
        *,
        link_lost: bool,
        before: Before,
    ) -> Unconfirmed:
        """Register ``entry``, published at ``published_at`` after ``before``."""
        command = entry.command
        status = before.status
        record = Unconfirmed(
            entry,
            session_id,
            published_at,
            published_at + self._patience,
            link_lost,
            asyncio.get_running_loop().create_future(),
            shown_before=status is None or intent_met(command, status) is not False,
            setting_before=None if status is None else setting_shown(command, status),
            watched=before.heard,
        )
        self._by_mac[entry.command.mac] = record
        return record

    def link_back(self) -> None:
        """Give the controls lost with the old link a whole window from now.

        Every control waiting was unheard for a while: no status proves it now.
        """
        restart = time.monotonic() + self._patience
        for record in self:
            record.watched = False
            if record.link_lost:
                record.patience_ends = max(record.patience_ends, restart)

    def get(self, mac: str) -> Unconfirmed | None:
        """Return the unconfirmed control of ``mac``, dropping a settled one."""
        record = self._by_mac.get(mac)
        if record is not None and record.entry.done:  # the session cleared its queue
            self.pop(record)
            return None
        return record

    def holds(self, entry: QueueEntry[Command]) -> bool:
        """Whether ``entry`` is the unconfirmed control of its heater."""
        record = self._by_mac.get(entry.command.mac)
        return record is not None and record.entry is entry

    def pop(self, record: Unconfirmed) -> None:
        """Remove ``record`` (it is decided) and wake whoever follows it."""
        if self._by_mac.get(record.entry.command.mac) is record:
            del self._by_mac[record.entry.command.mac]
        if not record.settled.done():
            record.settled.set_result(None)

    def expire(self) -> None:
        """End the unconfirmed controls older than the maximum age (UNCONFIRMED)."""
        for record in self:
            entry = record.entry
            if entry.done:
                self.pop(record)
            elif self._queue.too_old(entry):
                self.pop(record)
                _LOGGER.warning(
                    "%s for %s: nothing from the heater told whether it arrived",
                    entry.command.kind,
                    entry.command.mac,
                )
                self._queue.drop(
                    entry,
                    CommandOutcome.UNCONFIRMED,
                    OutcomeDetail.UNCONFIRMED_TOO_LONG,
                )

    def next_expiry(self) -> float | None:
        """Seconds until the oldest unconfirmed control gets too old (None: never)."""
        left = [
            age
            for record in self
            if (age := self._queue.age_left(record.entry)) is not None
        ]
        return min(left) if left else None
