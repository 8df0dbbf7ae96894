"""Controls that may have reached their heater, waiting for evidence of their fate.

A control is *unconfirmed* when its answer (ack or ``ctrl-fail``) did not come
within ``control_confirm_timeout``, or the link was lost after it was
published. What decides it (``CommandSender`` applies the verdicts):

- an ack echoing our client ID and the control's session ID proves receipt,
  whenever it comes: DELIVERED, never sent again;
- a late ``ctrl-fail`` is a refusal like a timely one;
- a status showing the intent: DELIVERED;
- a status without the intent decides nothing within the patience window
  (``control_patience`` after the publish): a heater can take more than 16 s
  to show a set-point (protocol.md §17.8), and a status may have left it
  before it applied the control. After the window the first status without
  the intent decides: the control is sent again only when the link was lost
  (it may never have left), else it ends NOT_APPLIED;
- no status after the window although asked: UNCONFIRMED. A control whose
  effect no status shows waits for a late ack until the window ends.
"""

import asyncio
from dataclasses import dataclass
from enum import Enum, auto
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..codec import Command
    from .queue import QueueEntry


class Verdict(Enum):
    """What one status means for an unconfirmed control."""

    WAIT = auto()  # cannot tell yet
    DELIVERED = auto()  # the status shows the intent
    NOT_SHOWN = auto()  # the window is over and the status lacks the intent


@dataclass(eq=False, slots=True)
class Unconfirmed:
    """One control waiting for an ack or a status to decide it."""

    entry: QueueEntry[Command]
    session_id: str  # of the publish that may have arrived
    patience_ends: float  # monotonic time after which a status may say "not applied"
    link_lost: bool  # the link went away before any answer: it may never have left
    settled: asyncio.Future[None]  # resolved once it left this registry

    def judge(self, met: bool | None) -> Verdict:
        """Read one status (``met``: whether it shows the intent, None: cannot tell)."""
        if met:
            return Verdict.DELIVERED
        if met is None or time.monotonic() < self.patience_ends:
            return Verdict.WAIT
        return Verdict.NOT_SHOWN


class UnconfirmedControls:
    """At most one unconfirmed control per heater (its lane waits for it)."""

    def __init__(self, patience: float) -> None:
        """``patience``: how long after its publish a control may take to show."""
        self._patience = patience
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
    ) -> Unconfirmed:
        """Register ``entry`` as unconfirmed, published at ``published_at``."""
        record = Unconfirmed(
            entry,
            session_id,
            published_at + self._patience,
            link_lost,
            asyncio.get_running_loop().create_future(),
        )
        self._by_mac[entry.command.mac] = record
        return record

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
