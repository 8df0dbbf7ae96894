"""Notice connections that keep dropping right after they are made."""

from collections import deque
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable


class FlapWatch:
    """Counts connections that die young.

    A run of ``limit`` connections that each lived less than ``short`` seconds
    within ``window`` seconds means the connection is flapping: a network that
    drops links moments after they are made (by far the most common cause; a
    second client with our random client ID is very rare). Flapping lasts until
    a connection lives ``short`` seconds or longer; ``since`` is when the
    first short-lived connection of the run that started it ended.
    """

    def __init__(
        self,
        *,
        short: float,
        window: float,
        limit: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``short``: connections that lived less than this count as dropped young."""
        self._short = short
        self._window = window
        self._limit = max(1, limit)
        self._clock = clock
        self._ends: deque[float] = deque()
        self.flapping = False
        self.since: float | None = None
        self.detections = 0

    def connection_ended(self, lived: float) -> bool:
        """Record one lost connection; return True when flapping starts with it."""
        now = self._clock()
        if lived >= self._short:
            self.reset()
            return False
        self._ends.append(now)
        while self._ends and now - self._ends[0] > self._window:
            self._ends.popleft()
        if self.flapping or len(self._ends) < self._limit:
            return False
        self.flapping = True
        self.since = self._ends[0]
        self.detections += 1
        return True

    def lasted(self, seconds: float) -> bool:
        """Whether the connection has been flapping for ``seconds`` or longer."""
        return (
            self.flapping
            and self.since is not None
            and self._clock() - self.since >= seconds
        )

    def reset(self) -> None:
        """Forget the short-lived connections (one proved stable)."""
        self._ends.clear()
        self.flapping = False
        self.since = None
