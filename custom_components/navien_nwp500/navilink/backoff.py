"""Jittered reconnect delays: decorrelated jitter between a floor and a cap."""

from __future__ import annotations

import random


class Backoff:
    """Delays for successive connection attempts of one outage.

    Decorrelated jitter: each delay is drawn between the floor and three times
    the previous delay, and never exceeds the cap. ``attempt`` counts the
    delays handed out since the last ``reset()``; it only ever grows in between.
    """

    def __init__(
        self, minimum: float, maximum: float, *, rng: random.Random | None = None
    ) -> None:
        """Keep the floor and the cap; ``rng`` makes the sequence reproducible."""
        if minimum <= 0 or maximum < minimum:
            raise ValueError("backoff needs 0 < minimum <= maximum")
        self.minimum = minimum
        self.maximum = maximum
        self._rng = rng or random.Random()  # noqa: S311 (jitter, not secrets)
        self._previous = minimum
        self.attempt = 0

    def next_delay(self, *, harsh: bool = False) -> float:
        """Return the wait before the next attempt and count that attempt.

        ``harsh`` draws from the upper half below the cap, for situations where
        retrying quickly is known to make things worse (client-ID takeover).
        """
        self.attempt += 1
        if harsh:
            delay = self._rng.uniform(self.maximum / 2, self.maximum)
        elif self.attempt == 1:
            delay = self.minimum
        else:
            upper = min(self.maximum, self._previous * 3)
            delay = self._rng.uniform(self.minimum, upper)
        delay = max(self.minimum, min(self.maximum, delay))
        self._previous = delay
        return delay

    def reset(self) -> None:
        """Forget the outage: the next delay is the floor again."""
        self.attempt = 0
        self._previous = self.minimum
