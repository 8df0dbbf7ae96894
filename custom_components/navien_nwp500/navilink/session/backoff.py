"""Reconnect delays: quick while an outage is short, gentle once it lasts."""

from dataclasses import dataclass
import random
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from .session_types import SessionConfig


@dataclass(frozen=True, slots=True)
class BackoffPlan:
    """The shape of the delays of one outage (seconds)."""

    first: tuple[float, float] = (0.5, 2.0)  # the first slot, drawn uniformly
    quick: tuple[float, float] = (5.0, 10.0)  # later slots while the outage is young
    quick_for: float = 120.0  # how long an outage counts as young
    cap: float = 120.0  # no slot is longer, however long the outage
    flapping: tuple[float, float] = (15.0, 30.0)  # while links die right away

    def __post_init__(self) -> None:
        """Refuse empty or inverted ranges."""
        for low, high in (self.first, self.quick, self.flapping):
            if not 0 < low <= high:
                raise ValueError("every backoff range needs 0 < low <= high")
        if self.cap <= 0 or self.quick_for < 0:
            raise ValueError("backoff needs a positive cap")


class Backoff:
    """Delays for successive connection attempts of one outage.

    The first slot is short and jittered; every slot of the first
    ``quick_for`` seconds is drawn from ``quick`` (a router restart is over
    within one such slot); after that each slot is drawn between the end of
    ``quick`` and three times the previous slot (decorrelated jitter), up to
    the cap. ``attempt`` counts the delays handed out since the last
    ``reset()``; it only ever grows in between.
    """

    def __init__(
        self,
        plan: BackoffPlan,
        *,
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Follow ``plan``; ``rng`` and ``clock`` make the sequence reproducible."""
        self.plan = plan
        self._rng = rng or random.Random()  # noqa: S311 (jitter, not secrets)
        self._clock = clock
        self._previous = 0.0
        self._outage_start: float | None = None
        self.attempt = 0

    def next_delay(self, *, flapping: bool = False) -> float:
        """Return the wait before the next attempt and count that attempt.

        ``flapping`` draws from the plan's flapping range: connections that die
        right after they are made are not retried at once, but never more than
        one such slot away from a network that became stable again.
        """
        plan = self.plan
        now = self._clock()
        if self._outage_start is None:
            self._outage_start = now
        self.attempt += 1
        if flapping:
            delay = self._rng.uniform(*plan.flapping)
        elif self.attempt == 1:
            delay = self._rng.uniform(*plan.first)
        elif now - self._outage_start < plan.quick_for:
            delay = self._rng.uniform(*plan.quick)
        else:
            low = plan.quick[1]
            delay = self._rng.uniform(low, max(low, self._previous * 3))
        delay = min(plan.cap, delay)
        self._previous = delay
        return delay

    def reset(self) -> None:
        """Forget the outage: the next delay is a first slot again."""
        self.attempt = 0
        self._previous = 0.0
        self._outage_start = None


def backoff_plan(config: SessionConfig) -> BackoffPlan:
    """Shape the reconnect slots of ``config``, each within its floor and cap."""
    low, high = config.backoff_min, config.backoff_max

    def bounded(start: float, end: float) -> tuple[float, float]:
        start = min(max(start, low), high)
        return start, min(max(end, start), high)

    return BackoffPlan(
        first=bounded(low, config.backoff_first_max),
        quick=bounded(config.backoff_quick_min, config.backoff_quick_max),
        quick_for=config.backoff_quick_for,
        cap=high,
        flapping=bounded(config.flap_backoff_min, config.flap_backoff_max),
    )
