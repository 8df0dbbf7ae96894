"""Per heater: whether it pushes status on its own or the session must poll it.

Whether a heater publishes status unprompted on our subscription is unverified
(protocol.md §16). Every status message that does not answer one of this
session's requests counts as unprompted. A heater that sent none for
``silence`` seconds of connected time is polled every ``interval`` seconds
until one arrives ("poll" mode); otherwise it is in "push" mode.
"""

import asyncio
from collections import Counter
import logging
import time
from typing import TYPE_CHECKING

from .link_watch import LinkLostError
from .transport import LinkError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from .link_watch import LinkWatch
    from .transport import Link

_LOGGER = logging.getLogger(__name__)


class PushWatch:
    """Counts status messages per heater and says which heaters to poll when."""

    def __init__(
        self,
        macs: Iterable[str],
        *,
        silence: float,
        interval: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Watch ``macs``; poll after ``silence`` s without a push, every ``interval`` s."""
        self._macs = tuple(macs)
        self._silence = silence
        self._interval = interval
        self._clock = clock
        self._connected_at: float | None = None
        self._last_push: dict[str, float] = {}
        self._last_poll: dict[str, float] = {}
        self.unprompted: Counter[str] = Counter()
        self.replies: Counter[str] = Counter()
        self.polls: Counter[str] = Counter()

    def connected(self) -> None:
        """Start counting silence: a link is up and every heater was just asked."""
        now = self._connected_at = self._clock()
        self._last_poll = dict.fromkeys(self._macs, now)

    def add(self, mac: str) -> None:
        """Watch one more heater (just asked for its status, if connected)."""
        if mac in self._macs:
            return
        self._macs = (*self._macs, mac)
        if self._connected_at is not None:
            self._last_poll[mac] = self._clock()

    def remove(self, mac: str) -> None:
        """Stop watching a heater the session no longer serves."""
        self._macs = tuple(m for m in self._macs if m != mac)
        self._last_poll.pop(mac, None)

    def disconnected(self) -> None:
        """Stop counting silence: the link is gone."""
        self._connected_at = None

    def note_status(self, mac: str, *, unprompted: bool) -> None:
        """Count one status message from ``mac``."""
        if unprompted:
            self.unprompted[mac] += 1
            self._last_push[mac] = self._clock()
        else:
            self.replies[mac] += 1

    def polling(self, mac: str) -> bool:
        """Whether ``mac`` has been silent for ``silence`` s of connected time."""
        if self._connected_at is None:
            return False
        quiet_since = max(self._last_push.get(mac, 0.0), self._connected_at)
        return self._clock() - quiet_since >= self._silence

    def due(self) -> tuple[list[str], float]:
        """Return the heaters to poll now (marked polled) and the seconds to the next check."""
        now = self._clock()
        due: list[str] = []
        waits: list[float] = []
        for mac in self._macs:
            if self.polling(mac):
                next_poll = self._last_poll.get(mac, 0.0) + self._interval
                if next_poll <= now:
                    due.append(mac)
                    self._last_poll[mac] = now
                    self.polls[mac] += 1
                    next_poll = now + self._interval
                waits.append(next_poll - now)
            else:
                quiet_since = max(
                    self._last_push.get(mac, 0.0), self._connected_at or now
                )
                waits.append(quiet_since + self._silence - now)
        return due, max(0.0, min(waits, default=self._silence))

    def as_list(self) -> list[dict[str, object]]:
        """Per heater (``mac`` first): status counts, polls sent and the mode."""
        return [
            {
                "mac": mac,
                "unprompted_status": self.unprompted[mac],
                "reply_status": self.replies[mac],
                "polls": self.polls[mac],
                "mode": "poll" if self.polling(mac) else "push",
            }
            for mac in self._macs
        ]

    async def poll(
        self,
        link: Link,
        watch: LinkWatch,
        status_request: Callable[[str], tuple[str, bytes]],
    ) -> None:
        """Ask heaters that push nothing for their status, until the link is lost."""
        try:
            while True:
                due, wait = self.due()
                for mac in due:
                    _LOGGER.debug("%s pushes no status; polling it", mac)
                    await watch.unless_lost(link.publish(*status_request(mac)))
                await asyncio.sleep(wait)
        except LinkLostError:
            pass
        except LinkError as err:
            watch.report_lost(str(err))
