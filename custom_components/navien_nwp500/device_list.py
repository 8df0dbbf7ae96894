"""Which heaters the account's device list leaves out, and since when.

The device list never removes a heater by itself: the cloud has answered empty
or shrunken lists that were only a hiccup. A heater counts as unlisted only
once the list has left it out ``UNLISTED_READS`` reads in a row over at least
``UNLISTED_AFTER``; the coordinator then asks the user through a repair, and
the user removes it. Plain bookkeeping, no Home Assistant calls.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Iterable, Set as AbstractSet
    from datetime import datetime

UNLISTED_READS: Final = 3
"""Reads in a row that must leave a heater out before it counts as unlisted."""
UNLISTED_AFTER: Final = timedelta(days=1)
"""How long those reads must span, at least."""


@dataclass(slots=True)
class _Absence:
    since: datetime
    reads: int = 1


@dataclass(frozen=True, slots=True)
class ListChange:
    """What one read of the device list changed for the heaters we know."""

    unlisted: frozenset[str] = frozenset()
    """Heaters left out long enough, reported by this read for the first time."""
    back: frozenset[str] = frozenset()
    """Heaters listed again after this watch had reported them unlisted."""


@dataclass(slots=True)
class DeviceListWatch:
    """Counts, per known heater, the reads in a row that left it out."""

    known: set[str] = field(default_factory=set)
    _absent: dict[str, _Absence] = field(default_factory=dict)
    _reported: set[str] = field(default_factory=set)

    def listed(self, mac: str) -> bool:
        """Whether the latest read listed ``mac``."""
        return mac not in self._absent

    def read(self, listed: AbstractSet[str], now: datetime) -> ListChange:
        """Take one successful read of the list (its NWP500s' MAC addresses)."""
        self.known |= listed
        back = frozenset(self._reported & listed)
        for mac in listed:
            self._absent.pop(mac, None)
        self._reported -= listed
        unlisted: set[str] = set()
        for mac in self.known - listed:
            absence = self._absent.get(mac)
            if absence is None:
                absence = self._absent[mac] = _Absence(now)
            else:
                absence.reads += 1
            if (
                mac not in self._reported
                and absence.reads >= UNLISTED_READS
                and now - absence.since >= UNLISTED_AFTER
            ):
                self._reported.add(mac)
                unlisted.add(mac)
        return ListChange(frozenset(unlisted), back)

    def forget(self, macs: Iterable[str]) -> None:
        """Drop heaters the user removed."""
        for mac in macs:
            self.known.discard(mac)
            self._absent.pop(mac, None)
            self._reported.discard(mac)
