"""Notice another client repeatedly taking over our MQTT client ID."""

from __future__ import annotations

from collections import deque
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable


class TakeoverWatch:
    """Counts connections that die young.

    The broker keeps one connection per client ID: when another client connects
    with ours, it drops us moments after we connected, again and again. A run of
    ``limit`` short-lived connections within ``window`` seconds is treated as a
    takeover until a connection lives ``short`` seconds or longer.
    """

    def __init__(
        self,
        *,
        short: float,
        window: float,
        limit: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``short``: connections that lived less than this count as kicked."""
        self._short = short
        self._window = window
        self._limit = max(1, limit)
        self._clock = clock
        self._ends: deque[float] = deque()
        self.suspected = False
        self.detections = 0

    def connection_ended(self, lived: float) -> bool:
        """Record one lost connection; return whether a takeover is suspected."""
        now = self._clock()
        if lived >= self._short:
            self.reset()
            return False
        self._ends.append(now)
        while self._ends and now - self._ends[0] > self._window:
            self._ends.popleft()
        if len(self._ends) >= self._limit and not self.suspected:
            self.suspected = True
            self.detections += 1
        return self.suspected

    def reset(self) -> None:
        """Forget the short-lived connections (one proved stable)."""
        self._ends.clear()
        self.suspected = False
