"""A year of daily energy history for a simulated heater, from the tank model's physics.

Running the 10-second tank model over a whole year would take minutes, so each past
day is computed in one step from the same physics: the heat a household's draws
take out (litres x c_p x (set-point - inlet)) plus the tank's standby loss, supplied
by the compressor at the model's COP, except on heavy days when Energy Saver's
upper element makes up part of it. Inlet and ambient temperatures follow the
seasons, so winter days cost more than summer days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
import math
import random

from navilink_sim.tank import AMBIENT_C, ELEMENT_W, INLET_C, LOSS_W_PER_K

WH_PER_LITRE_K = 4.186 / 3.6
SETPOINT_C = 60.0
MEAN_LOWER_C = 45.0  # the lower layer's typical temperature while the compressor runs
DRAWS_PER_DAY = 8.0
ELEMENT_FROM_LITRES = 230.0  # Energy Saver needs the element only on heavier days


@dataclass(slots=True)
class DayUsage:
    """One day's electric energy (Wh), run time (s) and activity counts."""

    hp_wh: float
    he_wh: float
    hp_s: float
    he_s: float
    compressor_starts: int
    element_starts: int
    draws: int
    long_draws: int

    def counters(self) -> list[float]:
        """Return the four values the energy queries report, in wire order."""
        return [self.hp_wh, self.he_wh, self.hp_s, self.he_s]


def _season(day: date) -> float:
    """1 in late January (coldest), -1 in late July (warmest)."""
    return math.cos(2 * math.pi * (day.timetuple().tm_yday - 25) / 365.25)


def simulate_day(day: date, rng: random.Random) -> DayUsage:
    """Compute one day of Energy Saver operation at a 60 °C set-point."""
    inlet = INLET_C - 5.0 * _season(day)
    ambient = AMBIENT_C - 4.0 * _season(day)
    litres = max(20.0, rng.gauss(180.0, 45.0) * (1.2 if day.weekday() >= 5 else 1.0))
    draws = max(1, round(rng.gauss(DRAWS_PER_DAY, 2.0) * litres / 180.0))
    heat_wh = litres * WH_PER_LITRE_K * (SETPOINT_C - inlet)
    heat_wh += 2 * LOSS_W_PER_K * (SETPOINT_C - ambient) * 24
    element_share = min(0.6, max(0.0, (litres - ELEMENT_FROM_LITRES) / 400.0))
    cop = 4.2 - 0.04 * (MEAN_LOWER_C - ambient)
    compressor_w = 400.0 + 1.6 * (MEAN_LOWER_C - ambient)
    hp_wh = heat_wh * (1 - element_share) / cop
    he_wh = heat_wh * element_share
    hp_s = hp_wh / compressor_w * 3600
    he_s = he_wh / ELEMENT_W * 3600
    return DayUsage(
        hp_wh=hp_wh,
        he_wh=he_wh,
        hp_s=hp_s,
        he_s=he_s,
        compressor_starts=max(1, round(hp_s / 5400)),
        element_starts=math.ceil(he_s / 1800),
        draws=draws,
        long_draws=sum(rng.random() < 0.2 for _ in range(draws)),
    )


def year_before(end: date, seed: int, days: int = 365) -> dict[date, DayUsage]:
    """Return ``days`` days of history, the last one the day before ``end``."""
    rng = random.Random(f"history-{seed}")
    return {
        day: simulate_day(day, rng)
        for day in (end - timedelta(days=n) for n in range(days, 0, -1))
    }
