"""The bench's world: one summer week of draws, three tariffs and two skies.

Times are the household's local clock (stored as UTC datetimes so the week has
no DST change). The week starts Monday 6 July 2026 (summer season of PG&E
E-TOU-C).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
import math
from typing import Final

from custom_components.navien_nwp500.planner import PricePeriod, Promise, SurplusPeriod

WEEK_START: Final = datetime(2026, 7, 6, tzinfo=UTC)
DAYS: Final = 7
SLOT: Final = timedelta(minutes=15)
EXPORT_PRICE: Final = 0.05
"""$/kWh an exported kWh earns (NEM 3 export credits are of this order)."""
COMFORT_FLOOR_LITRES: Final = 40.0
SETBACK_C: Final = 42.0
SURPLUS_MAX_C: Final = 65.0
COLD_WATER_C: Final = 15.0


@dataclass(frozen=True, slots=True)
class Draw:
    """Hot water at the taps: `lpm` litres per minute of 40 °C water for `minutes`."""

    at: datetime
    lpm: float
    minutes: int

    @property
    def litres(self) -> float:
        """Litres of 40 °C water the draw takes."""
        return self.lpm * self.minutes


def _day_draws(day: datetime) -> list[Draw]:
    """Two showers (weekdays 06:30, weekends 08:30), dishes at 19:30, a bath at 20:00 on weekends."""
    weekend = day.weekday() >= 5
    shower_hour = 8 if weekend else 6
    draws = [
        Draw(day + timedelta(hours=shower_hour, minutes=30), 9.0, 8),
        Draw(day + timedelta(hours=shower_hour, minutes=45), 9.0, 8),
        Draw(day + timedelta(hours=19, minutes=30), 5.0, 5),
    ]
    if weekend:
        draws.append(Draw(day + timedelta(hours=20), 15.0, 10))
    return draws


def week_draws(days: int = DAYS + 2) -> list[Draw]:
    """Every draw of the week (and of the days after, which plans look ahead to)."""
    return [d for n in range(days) for d in _day_draws(WEEK_START + timedelta(days=n))]


def promises(draws: list[Draw]) -> tuple[Promise, ...]:
    """Return the household's promises: the litres of each group of draws, ready by its first draw."""
    result: list[Promise] = []
    for draw in draws:
        if result and draw.at - result[-1].at <= timedelta(minutes=15):
            last = result.pop()
            result.append(Promise(last.at, last.litres + draw.litres))
        else:
            result.append(Promise(draw.at, draw.litres))
    return tuple(result)


def _hourly(prices_by_hour: list[float], days: int) -> tuple[PricePeriod, ...]:
    """Price periods for `days` days of an hourly price list (one list per day, flattened)."""
    return tuple(
        PricePeriod(
            WEEK_START + timedelta(hours=h),
            WEEK_START + timedelta(hours=h + 1),
            prices_by_hour[h],
        )
        for h in range(days * 24)
    )


def etouc_summer(days: int = DAYS + 2) -> tuple[PricePeriod, ...]:
    """PG&E E-TOU-C, summer, above baseline: peak 16:00-20:59 every day.

    Off-peak 0.50495 and peak 0.60795 $/kWh (wire values 50495 and 60795,
    decimalPoint 5); the marginal kWh of a household lies above its baseline.
    """
    return _hourly(
        [0.60795 if 16 <= h % 24 < 21 else 0.50495 for h in range(days * 24)], days
    )


DAY_AHEAD_SHAPE: Final = (
    [0.10] * 6
    + [0.20, 0.24, 0.20]
    + [0.15] * 7
    + [0.24, 0.27]
    + [0.30] * 4
    + [0.20, 0.14]
)
"""$/kWh by hour: the night a third of the evening peak, a dip under the midday sun."""


def day_ahead(days: int = DAYS + 2) -> tuple[PricePeriod, ...]:
    """Return a day-ahead hourly price curve that changes a little from day to day."""
    return _hourly(
        [
            round(DAY_AHEAD_SHAPE[h % 24] * (1 + 0.08 * math.sin(1.7 * (h // 24))), 5)
            for h in range(days * 24)
        ],
        days,
    )


def flat(days: int = DAYS + 2) -> tuple[PricePeriod, ...]:
    """Return a flat tariff, 0.45 $/kWh: only efficiency and surplus can save here."""
    return _hourly([0.45] * (days * 24), days)


TARIFFS: Final = {
    "PG&E E-TOU-C (summer)": etouc_summer,
    "day-ahead hourly": day_ahead,
    "flat 0.45": flat,
}


def _sun(hour: float) -> float:
    """Share of the midday sun at `hour` (0 at night)."""
    if not 6.5 < hour < 19.5:
        return 0.0
    return float(math.sin(math.pi * (hour - 6.5) / 13) ** 1.5)


def _clouds(slot_index: int) -> float:
    """Return a reproducible passing-cloud factor between 0.2 and 1 for a 15-minute slot."""
    return 0.2 + 0.8 * (
        0.5 + 0.5 * math.sin(slot_index * 2.39996 + math.sin(slot_index))
    )


def surplus(
    peak_w: float, cloudy: bool, days: int = DAYS + 2
) -> tuple[SurplusPeriod, ...]:
    """Solar export left after the house's own use, per 15-minute slot."""
    periods = []
    for index in range(days * 96):
        start = WEEK_START + index * SLOT
        hour = (index % 96) / 4 + 0.125
        watts = peak_w * _sun(hour) * (_clouds(index) if cloudy else 1.0)
        periods.append(SurplusPeriod(start, start + SLOT, round(watts)))
    return tuple(periods)


SKIES: Final = {
    "sunny": lambda: surplus(3500.0, cloudy=False),
    "cloudy": lambda: surplus(900.0, cloudy=True),
}
