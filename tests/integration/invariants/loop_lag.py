"""How long Home Assistant's event loop waited for a core: the machine's load, measured.

A scenario compresses the integration's waits tenfold or more, so on a loaded
machine one second in which the loop's thread gets no core stretches every
timer under way (an action's bound, a command's maximum age) by a second that
the integration never had. The monitor ticks on the loop; a tick that wakes
late while its thread used less CPU than the lateness was *starved*: the
thread was runnable and descheduled (or blocked outside Python), not busy.
Lateness the loop's own work explains (the integration, Home Assistant or the
simulator running callbacks) is not starvation and is never forgiven.
"""

import asyncio
from bisect import bisect_left
from dataclasses import dataclass, field
import time

TICK = 0.05
"""Seconds between ticks."""


@dataclass(slots=True)
class LoopLag:
    """The starved seconds of the loop's thread, tick by tick."""

    ends: list[float] = field(default_factory=list)
    """Monotonic time at which each starved tick woke."""
    starved: list[float] = field(default_factory=list)
    """Seconds the thread was starved in that tick."""

    async def run(self) -> None:
        """Tick until cancelled, recording every starved tick."""
        while True:
            wall, cpu = time.monotonic(), time.thread_time()
            await asyncio.sleep(TICK)
            now = time.monotonic()
            late = now - wall - TICK
            starved = late - (time.thread_time() - cpu)
            if starved > 0:
                self.ends.append(now)
                self.starved.append(starved)

    def between(self, start: float, end: float) -> float:
        """Return the starved seconds of the ticks that woke from `start` to one tick past `end`."""
        first = bisect_left(self.ends, start)
        last = bisect_left(self.ends, end + TICK)
        return sum(self.starved[first:last])

    def total(self) -> float:
        """Return every starved second of the scenario."""
        return sum(self.starved)
