"""Decide unconfirmed controls from what the heater's statuses show.

Every status of a heater passes here. It keeps the last one (the state a
control is sent into: a status that already showed the intent cannot prove the
control arrived) and the time of other clients' acknowledgements, by the
setting they changed. An acknowledgement is a status snapshot that echoes the
requester's client and session IDs and carries the control's code as
``status.command`` (protocol.md §5.2, §6.5, §17.4); one that does not answer
us is another client's control (the official app), applied after ours if it
came after our publish. The verdicts themselves are ``patience.Unconfirmed``'s.
"""

import logging
import time
from typing import TYPE_CHECKING

from ..codec import setting_of
from .details import OutcomeDetail
from .patience import Before, Verdict
from .queue import CommandOutcome

if TYPE_CHECKING:
    from collections import Counter
    from collections.abc import Callable

    from ..codec import Command, DeviceStatus
    from .patience import Unconfirmed, UnconfirmedControls
    from .queue import CommandQueue
    from .session_types import SessionConfig

_LOGGER = logging.getLogger(__name__)


class StatusEvidence:
    """The heaters' last statuses and other clients' controls, and what they decide."""

    def __init__(
        self,
        unconfirmed: UnconfirmedControls,
        queue: CommandQueue[Command],
        config: SessionConfig,
        counters: Counter[str],
        decided: Callable[[], None],
    ) -> None:
        """Share the sender's unconfirmed controls and queue; ``decided`` wakes it."""
        self._unconfirmed = unconfirmed
        self._queue = queue
        self._resend_limit = config.control_resend_limit
        self._counters = counters
        self._decided = decided
        self._last: dict[str, DeviceStatus] = {}  # mac -> the latest status
        self._heard: set[str] = set()  # macs whose latest status came on this link
        self._foreign: dict[tuple[str, str], float] = {}  # (mac, setting) -> ack time

    def before(self, mac: str) -> Before:
        """Return the state a control to ``mac`` published now is sent into."""
        return Before(self._last.get(mac), mac in self._heard)

    def link_up(self) -> None:
        """Forget which heaters were heard: a new link follows a gap."""
        self._heard.clear()

    def on_status(self, mac: str, status: DeviceStatus, *, ours: bool) -> None:
        """Note a status (``ours``: it answers our request) and decide what it can."""
        self._last[mac] = status
        self._heard.add(mac)
        setting = setting_of(status.command)
        if not ours and setting is not None:
            self._foreign[mac, setting] = time.monotonic()
        record = self._unconfirmed.get(mac)
        if record is None:
            return
        command = record.entry.command
        our_setting = setting_of(command.request.get("command"))
        acked_at = self._foreign.get((mac, our_setting or ""))
        foreign = acked_at is not None and acked_at > record.published_at
        verdict = record.judge(status, foreign_control=foreign)
        if verdict is Verdict.WAIT:
            return  # cannot tell, or the heater may not have applied it yet
        self._unconfirmed.pop(record)
        entry = record.entry
        if verdict is Verdict.DELIVERED:
            _LOGGER.debug("%s for %s confirmed by status", command.kind, mac)
            self._queue.delivered(entry, OutcomeDetail.STATUS_SHOWS_INTENT)
        elif verdict is Verdict.UNTELLABLE:
            detail = record.untellable_detail()
            _LOGGER.warning(
                "%s for %s may or may not have reached the heater (its status"
                " shows it: %s)",
                command.kind,
                mac,
                detail,
            )
            self._queue.drop(entry, CommandOutcome.UNCONFIRMED, detail)
        elif verdict is Verdict.OVERRIDDEN:
            _LOGGER.info("%s for %s: another control changed it", command.kind, mac)
            self._queue.drop(
                entry, CommandOutcome.SUPERSEDED, OutcomeDetail.ANOTHER_CONTROL
            )
        else:
            self._not_shown(record)
        self._decided()

    def _not_shown(self, record: Unconfirmed) -> None:
        """Resend or end a control a status after the patience window lacks."""
        entry = record.entry
        fate = record.fate_when_not_shown(
            newer=self._queue.has_newer(entry),
            too_old=self._queue.too_old(entry),
            resend_limit=self._resend_limit,
        )
        if fate is not None:
            self._queue.drop(entry, *fate)
            return
        _LOGGER.info(
            "%s for %s was lost with the link; resending",
            entry.command.kind,
            entry.command.mac,
        )
        entry.resends += 1
        self._counters["resent"] += 1
        self._queue.requeue(entry)
