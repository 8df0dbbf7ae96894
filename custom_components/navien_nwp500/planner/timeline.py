"""Cut the planning horizon into slots that carry a price, a surplus and promises."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime, timedelta

    from .model import PlanRequest, PricePeriod, Promise, SurplusPeriod


@dataclass(frozen=True, slots=True)
class Slot:
    """One step of the plan; promises in it are due at its start."""

    start: datetime
    end: datetime
    price: float
    surplus_w: float
    promises: tuple[Promise, ...]
    hours: float = field(init=False)
    """Length of the slot in hours."""
    draw_litres: float = field(init=False)
    """Litres of 40 °C water promised in this slot."""

    def __post_init__(self) -> None:
        """Work out the slot's length and promised litres once."""
        object.__setattr__(
            self, "hours", (self.end - self.start).total_seconds() / 3600
        )
        object.__setattr__(self, "draw_litres", sum(p.litres for p in self.promises))


def _overlap(start: datetime, end: datetime, a: datetime, b: datetime) -> float:
    """Seconds [start, end) and [a, b) share."""
    return max(0.0, (min(end, b) - max(start, a)).total_seconds())


def _mean_over(
    start: datetime,
    end: datetime,
    periods: Sequence[PricePeriod] | Sequence[SurplusPeriod],
    value: str,
    first: int,
) -> tuple[float, int]:
    """Time-weighted mean of `value` over [start, end) (0 where nothing is known).

    `periods` are sorted by end; the search starts at index `first`, and the
    index to start the next (later) slot's search at comes back with the mean.
    """
    total = (end - start).total_seconds()
    while first < len(periods) and periods[first].end <= start:
        first += 1
    weighted = 0.0
    for period in periods[first:]:
        if period.start >= end:
            break
        weighted += _overlap(start, end, period.start, period.end) * float(
            getattr(period, value)
        )
    return (weighted / total if total > 0 else 0.0), first


def _first_boundary(now: datetime, slot: timedelta) -> datetime:
    """Return the first slot boundary after `now`, on the clock's grid of `slot`."""
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    steps = (now - day) // slot + 1
    return day + steps * slot


def build_slots(request: PlanRequest) -> list[Slot]:
    """Slots from `now` to the end of the horizon, the first one up to the grid."""
    end_of_horizon = request.now + request.horizon
    edges = [request.now]
    edge = _first_boundary(request.now, request.slot)
    while edge < end_of_horizon:
        edges.append(edge)
        edge += request.slot
    edges.append(end_of_horizon)
    prices = sorted(request.prices, key=lambda period: period.end)
    surplus = sorted(request.surplus, key=lambda period: period.end)
    slots: list[Slot] = []
    next_price = next_surplus = 0
    for start, end in pairwise(edges):
        price, next_price = _mean_over(start, end, prices, "price", next_price)
        watts, next_surplus = _mean_over(start, end, surplus, "watts", next_surplus)
        due = tuple(
            p for p in request.promises if start <= p.at < end and p.at > request.now
        )
        slots.append(Slot(start, end, price, watts, due))
    return slots
