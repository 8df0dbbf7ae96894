"""
The simulated heater's counters: daily and lifetime energy, heat-source starts, draws.

`SimulatedHeater` records each physics step here; the diagnostics and the energy
queries read these counters, so both stay consistent.
"""

from datetime import timedelta
import logging
from typing import TYPE_CHECKING, Any

from navilink_sim import heater_wire as wire
from navilink_sim.heater_codes import int_list
from navilink_sim.history import year_before

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import date

    from navilink_sim.tank import EnergyStep, Tank

_LOGGER = logging.getLogger(__name__)

LONG_DRAW_S = 300.0


class Meter:
    """What the heater has counted since it was installed."""

    def __init__(
        self,
        start: date,
        seed: int,
        history_days: int,
        *,
        omit_before_install: bool = False,
    ) -> None:
        """Start with `history_days` of generated daily history before `start`.

        With `omit_before_install`, energy replies leave out the months (and
        years) before the first day instead of filling them with zeros (§10).
        """
        history = year_before(start, seed, history_days)
        self.first_day = start - timedelta(days=history_days)
        self._omit_before_install = omit_before_install
        self.days: dict[date, list[float]] = {
            day: usage.counters() for day, usage in history.items()
        }
        """Heat pump Wh, elements Wh, heat pump s, elements s of each day."""
        self.lifetime = [
            sum(values) for values in zip(*self.days.values(), strict=True)
        ] or [0.0, 0.0, 0.0, 0.0]
        self.installed_days = history_days
        self.compressor_starts = sum(u.compressor_starts for u in history.values())
        self.element_starts = sum(u.element_starts for u in history.values())
        self.draws = sum(u.draws for u in history.values())
        self.long_draws = sum(u.long_draws for u in history.values())

    def count_draw(self, seconds: float) -> None:
        """Count a draw opened by hand, lasting `seconds`."""
        self.draws += 1
        self.long_draws += seconds >= LONG_DRAW_S

    def record(
        self,
        day: date,
        tank: Tank,
        used: EnergyStep,
        *,
        before: tuple[bool, bool],
        drawing: bool,
    ) -> None:
        """Add one step's energy to `day`; count starts and draws that began in it."""
        self.compressor_starts += tank.compressor and not before[0]
        self.element_starts += (
            tank.upper_element or tank.lower_element
        ) and not before[1]
        if not drawing and tank.draw_left > 0:
            self.draws += 1
            self.long_draws += tank.draw_left + tank.draw_elapsed >= LONG_DRAW_S
        counters = self.days.setdefault(day, [0.0, 0.0, 0.0, 0.0])
        for i, value in enumerate((used.hp_wh, used.he_wh, used.hp_s, used.he_s)):
            counters[i] += value
            self.lifetime[i] += value

    def daily_wh(self, day: date) -> tuple[int, int]:
        """Return the heat pump's and the elements' Wh of `day`, as the energy query reports them."""
        usage = wire.usage(self.days.get(day, [0.0, 0.0, 0.0, 0.0]))
        return usage["hpUsage"], usage["heUsage"]

    def reset_lifetime(self) -> None:
        """Zero the lifetime energy totals (the daily history stays)."""
        self.lifetime = [0.0, 0.0, 0.0, 0.0]

    def diagnostics(self, days_since_start: int) -> dict[str, Any]:
        """Build the diagnostics dict, `days_since_start` after the clock's start."""
        return wire.diagnostics(
            self.lifetime,
            days_since_installation=self.installed_days + days_since_start,
            draws=self.draws,
            long_draws=self.long_draws,
            compressor_starts=self.compressor_starts,
            element_starts=self.element_starts,
        )

    def energy_daily_request(self, request: Mapping[str, Any]) -> dict[str, Any] | None:
        """Answer a daily energy query (§6.4.1, §10); None for one the device ignores."""
        year = request.get("year")
        months = int_list(request.get("month"))
        if type(year) is not int or not 2000 <= year <= 2100 or months is None:
            _LOGGER.debug("ignored energy query %s", request)
            return None
        return self.energy_daily(year, months)

    def energy_monthly_request(
        self, request: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        """Answer a monthly energy query (§17.6); None for one the device ignores."""
        years = int_list(request.get("year"))
        if years is None:
            _LOGGER.debug("ignored monthly energy query %s", request)
            return None
        return self.energy_monthly(years)

    def energy_daily(self, year: int, months: list[int]) -> dict[str, Any]:
        """Build the daily energy-usage reply body of `months` of `year`."""
        if self._omit_before_install:
            first = (self.first_day.year, self.first_day.month)
            months = [month for month in months if (year, month) >= first]
        return wire.energy_daily(self.days, self.lifetime, year, months)

    def energy_monthly(self, years: list[int]) -> dict[str, Any]:
        """Build the monthly energy-usage reply body of `years`."""
        if self._omit_before_install:
            years = [year for year in years if year >= self.first_day.year]
        return wire.energy_monthly(self.days, self.lifetime, years)
