"""Per heater: whether its feature message came, and asking again until it does.

Each link greets every heater with a device-info request; the feature message
it answers with carries the limits and capabilities that entities are built
from. Replies can be lost (protocol.md §17.8), and a heater sends no feature
message unasked, so one lost reply would leave a heater without entities until
the next reconnect. A heater without a feature ``first_wait`` seconds after the
greeting is asked again, the wait doubling up to ``max_wait``, until it
answers. Features are static: once one came, that heater is never asked again.
"""

import asyncio
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


class FeatureWatch:
    """Which heaters have sent their feature, and when to ask the others again."""

    def __init__(
        self,
        macs: Iterable[str],
        *,
        first_wait: float,
        max_wait: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Watch ``macs``; ask again after ``first_wait`` s, doubling up to ``max_wait``."""
        self._macs = list(macs)
        self._first_wait = first_wait
        self._max_wait = max_wait
        self._clock = clock
        self._known: set[str] = set()
        self._next_ask: dict[str, float] = {}
        self._wait: dict[str, float] = {}
        self._connected = False

    def connected(self) -> None:
        """Start the waits: a link is up and every heater was just greeted."""
        self._connected = True
        for mac in self._macs:
            self._greeted(mac)

    def disconnected(self) -> None:
        """Stop asking: the link is gone, the next greeting asks again."""
        self._connected = False

    def add(self, mac: str) -> None:
        """Watch one more heater (just greeted, if connected)."""
        if mac in self._macs:
            return
        self._macs.append(mac)
        if self._connected:
            self._greeted(mac)

    def remove(self, mac: str) -> None:
        """Stop watching a heater the session no longer serves."""
        if mac in self._macs:
            self._macs.remove(mac)
        self._next_ask.pop(mac, None)

    def note_feature(self, mac: str) -> None:
        """Count the feature of ``mac`` as come: it is never asked again."""
        self._known.add(mac)
        self._next_ask.pop(mac, None)

    def _greeted(self, mac: str) -> None:
        if mac in self._known:
            return
        self._wait[mac] = self._first_wait
        self._next_ask[mac] = self._clock() + self._first_wait

    def due(self) -> tuple[list[str], float]:
        """Return the heaters to ask now (their next ask planned) and the seconds to wait."""
        if not self._connected:
            return [], self._first_wait
        now = self._clock()
        due = [mac for mac, at in self._next_ask.items() if at <= now]
        for mac in due:
            self._wait[mac] = min(self._wait[mac] * 2, self._max_wait)
            self._next_ask[mac] = now + self._wait[mac]
        wait = min(self._next_ask.values(), default=now + self._first_wait) - now
        return due, max(0.0, wait)

    async def ask(
        self,
        link: Link,
        watch: LinkWatch,
        info_request: Callable[[str], tuple[str, bytes]],
    ) -> None:
        """Ask heaters without a feature for it again, until the link is lost."""
        try:
            while True:
                due, wait = self.due()
                for mac in due:
                    _LOGGER.debug("%s sent no feature; asking again", mac)
                    await watch.unless_lost(link.publish(*info_request(mac)))
                await asyncio.sleep(wait)
        except LinkLostError:
            pass
        except LinkError as err:
            watch.report_lost(str(err))
