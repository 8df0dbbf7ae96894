"""The outgoing command queue: bounded, first in first out per heater, aged, superseding.

Every command put in the queue ends in exactly one outcome, reported once
through ``on_outcome``: delivered, or dropped with a reason.

Each heater (MAC address) has at most one entry in flight; ``take_ready()``
hands out the oldest waiting entry of every heater that is free, so one
heater's slow or refused controls never hold another heater's commands, while
each heater's own commands keep their order.

Superseding: a newer command whose ``(mac, supersede_key)`` matches a queued
(not yet in flight) command removes that older one, and the newer one joins at
the **tail**. Keeping the old position would move the newer intent ahead of
commands the user gave after the old one (for example "set 50 °C", "power on",
"set 55 °C" would become "set 55 °C", "power on"); at the tail the queue
replays exactly the user's intents in order, minus the replaced one. Which
commands may supersede each other is decided by the command builders
(``Command.supersede_key``): set-points and modes do; a power-off followed by a
power-on are both kept unless the builder says otherwise.
"""

from collections import Counter, deque
from dataclasses import dataclass, field
from enum import StrEnum
import itertools
import logging
import time
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

_LOGGER = logging.getLogger(__name__)


class Queueable(Protocol):
    """What the queue needs to know about a command."""

    @property
    def mac(self) -> str:
        """The device the command is for."""

    @property
    def kind(self) -> str:
        """A short name of the command, for logs."""

    @property
    def supersede_key(self) -> str | None:
        """Commands of one device with the same key replace each other."""


class CommandOutcome(StrEnum):
    """How a command left the queue (exactly one per command)."""

    DELIVERED = "delivered"  # acknowledged, or the heater's status shows it
    SUPERSEDED = "superseded"  # replaced by a newer command of the same kind
    OVERFLOW = "overflow"  # the queue was full and this was the oldest
    TOO_OLD = "too_old"  # waited longer than the maximum age; never applied
    CLOSED = "closed"  # the session was closed first
    REFUSED = "refused"  # the device kept answering ctrl-fail
    NOT_CONNECTED = "not_connected"  # queue disabled and the link went away
    INVALID = "invalid"  # the command could not be encoded
    NOT_APPLIED = "not_applied"  # sent again, and the heater's status still lacks it
    UNCONFIRMED = "unconfirmed"  # may have arrived; no heater message can tell


@dataclass(eq=False, slots=True)
class QueueEntry[C: Queueable]:
    """One command and its bookkeeping."""

    command: C
    seq: int
    enqueued_at: float
    refusals: int = 0
    resends: int = 0  # sent again after a status showed it was not applied
    sent_at: float | None = None  # monotonic time of its first publish
    done: bool = False
    detail: str = ""  # why it ended (``details.OutcomeDetail``); "" for the default


@dataclass(slots=True)
class QueueStats:
    """Counters of everything the queue did."""

    queued: int = 0
    delivered: int = 0
    superseded: int = 0
    dropped: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, object]:
        """Return the counters as plain data (for diagnostics)."""
        return {
            "queued": self.queued,
            "sent": self.delivered,
            "superseded": self.superseded,
            "dropped": dict(self.dropped),
        }


class CommandQueue[C: Queueable]:
    """Commands waiting for (or in the middle of) delivery, oldest first."""

    def __init__(
        self,
        *,
        max_size: int = 100,
        max_age: float | None = 300.0,
        on_outcome: Callable[[QueueEntry[C], CommandOutcome], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Set the bounds; ``on_outcome`` hears the single outcome of every entry."""
        if max_size < 1:
            raise ValueError("max_size must be at least 1")
        self.max_size = max_size
        self.max_age = max_age
        self._on_outcome = on_outcome
        self._clock = clock
        self._waiting: deque[QueueEntry[C]] = deque()
        self._in_flight: dict[str, QueueEntry[C]] = {}  # MAC -> entry
        self._seq = itertools.count(1)
        self.stats = QueueStats()
        self.on_waiting: Callable[[], None] = _nothing  # an entry joined the line

    def __len__(self) -> int:
        """Count the commands not yet handed out for sending."""
        return len(self._waiting)

    def __iter__(self) -> Iterator[C]:
        """Iterate over the waiting commands, oldest first."""
        return (entry.command for entry in self._waiting)

    @property
    def full(self) -> bool:
        """Whether the next put drops the oldest command."""
        return len(self._waiting) >= self.max_size

    def busy(self, mac: str) -> bool:
        """Whether an entry of ``mac`` is in flight (handed out, not settled)."""
        return mac in self._in_flight

    def waiting_for(self, mac: str) -> bool:
        """Whether commands for ``mac`` wait to be handed out."""
        return any(entry.command.mac == mac for entry in self._waiting)

    def has_newer(self, entry: QueueEntry[C]) -> bool:
        """Whether a waiting command supersedes the in-flight ``entry``."""
        key = entry.command.supersede_key
        return key is not None and any(
            e.command.supersede_key == key and e.command.mac == entry.command.mac
            for e in self._waiting
        )

    def too_old(self, entry: QueueEntry[C]) -> bool:
        """Whether ``entry`` is older than the maximum age."""
        return (
            self.max_age is not None
            and self._clock() - entry.enqueued_at > self.max_age
        )

    def age_left(self, entry: QueueEntry[C]) -> float | None:
        """Seconds until ``entry`` gets too old (None: no maximum age)."""
        if self.max_age is None:
            return None
        return max(0.0, entry.enqueued_at + self.max_age - self._clock())

    def next_expiry(self) -> float | None:
        """Seconds until the oldest waiting entry gets too old (None: never)."""
        if self.max_age is None or not self._waiting:
            return None
        oldest = min(entry.enqueued_at for entry in self._waiting)
        return max(0.0, oldest + self.max_age - self._clock())

    def put(self, command: C) -> QueueEntry[C]:
        """Queue a command at the tail (see the module docstring on superseding)."""
        key = command.supersede_key
        if key is not None:
            for old in [
                e
                for e in self._waiting
                if e.command.supersede_key == key and e.command.mac == command.mac
            ]:
                self._waiting.remove(old)
                self.stats.superseded += 1
                _LOGGER.debug("%s for %s superseded", old.command.kind, command.mac)
                self._finish(old, CommandOutcome.SUPERSEDED)
        while len(self._waiting) >= self.max_size:
            oldest = self._waiting.popleft()
            _LOGGER.warning(
                "Command queue full (%d): dropping the oldest command (%s for %s)",
                self.max_size,
                oldest.command.kind,
                oldest.command.mac,
            )
            self._drop(oldest, CommandOutcome.OVERFLOW)
        entry = QueueEntry(command, next(self._seq), self._clock())
        self._waiting.append(entry)
        self.stats.queued += 1
        self.on_waiting()
        return entry

    def take_ready(self, ready: Callable[[str], bool]) -> list[QueueEntry[C]]:
        """Hand out the oldest waiting entry of each free heater ``ready`` accepts.

        Commands older than ``max_age`` are dropped first (of every heater),
        with a warning. Entries handed out stay owned by the queue until
        ``delivered()``, ``requeue()`` or ``drop()`` settles them.
        """
        self.expire()
        taken: list[QueueEntry[C]] = []
        for entry in list(self._waiting):
            mac = entry.command.mac
            if mac in self._in_flight or not ready(mac):
                continue
            self._waiting.remove(entry)
            self._in_flight[mac] = entry
            taken.append(entry)
        return taken

    def expire(self) -> None:
        """Drop every waiting command older than ``max_age``.

        One never sent ends TOO_OLD (never applied). One sent before, waiting
        to be sent again, ends by the heater's last answer to it: REFUSED after
        a ``ctrl-fail``, NOT_APPLIED after a status that lacked it.
        """
        for entry in [e for e in self._waiting if self.too_old(e)]:
            self._waiting.remove(entry)
            _LOGGER.warning(
                "Dropping %s for %s: queued %.0f s ago, older than %.0f s",
                entry.command.kind,
                entry.command.mac,
                self._clock() - entry.enqueued_at,
                self.max_age,
            )
            if entry.resends:
                self._drop(entry, CommandOutcome.NOT_APPLIED)
            elif entry.refusals:
                self._drop(entry, CommandOutcome.REFUSED)
            else:
                self._drop(entry, CommandOutcome.TOO_OLD)

    def delivered(self, entry: QueueEntry[C], detail: str = "") -> None:
        """Settle the in-flight entry as delivered (``detail``: the evidence)."""
        self._release(entry)
        entry.detail = detail
        self.stats.delivered += 1
        self._finish(entry, CommandOutcome.DELIVERED)

    def requeue(self, entry: QueueEntry[C]) -> None:
        """Put the in-flight entry back ahead of its heater's other commands."""
        self._release(entry)
        self._waiting.appendleft(entry)
        self.on_waiting()

    def drop(
        self, entry: QueueEntry[C], reason: CommandOutcome, detail: str = ""
    ) -> None:
        """Settle the in-flight entry as dropped for ``reason`` (``detail``: why)."""
        self._release(entry)
        entry.detail = detail
        self._drop(entry, reason)

    def clear(
        self, reason: CommandOutcome = CommandOutcome.CLOSED, *, in_flight: bool = True
    ) -> int:
        """Drop every waiting (and in-flight) entry; return how many were dropped."""
        entries = list(self._in_flight.values()) if in_flight else []
        if in_flight:
            self._in_flight.clear()
        entries.extend(self._waiting)
        self._waiting.clear()
        for entry in entries:
            self._drop(entry, reason)
        return len(entries)

    def _release(self, entry: QueueEntry[C]) -> None:
        if self._in_flight.get(entry.command.mac) is not entry:
            raise RuntimeError("entry is not the one in flight")
        del self._in_flight[entry.command.mac]

    def _drop(self, entry: QueueEntry[C], reason: CommandOutcome) -> None:
        self.stats.dropped[reason.value] += 1
        self._finish(entry, reason)

    def _finish(self, entry: QueueEntry[C], outcome: CommandOutcome) -> None:
        if entry.done:
            raise RuntimeError("a queue entry was settled twice")
        entry.done = True
        if self._on_outcome is not None:
            self._on_outcome(entry, outcome)


def _nothing() -> None:
    """Default ``on_waiting``: nobody follows the deadlines."""
