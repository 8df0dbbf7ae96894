"""The planner's own tank model: heat in, heat out, and what a draw leaves.

Its state is the mean tank temperature. Hot water is counted in litres of
40 °C water a shower gets hot from the tank, read from a measured delivery
curve; a draw of 40 °C water takes its heat above the cold water away. Draws
are worked out on two stacked halves, as the heater's two sensors see them:
how cold a draw leaves the bottom, and how much more a hot top over a cold
bottom delivers than a mixed tank of the same mean.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from .model import Mode

if TYPE_CHECKING:
    from .model import HeatingRates

WH_PER_LITRE_KELVIN: Final = 4.186 / 3.6
MIX_C: Final = 40.0
DRAW_STEP_L: Final = 4.0
"""Litres of 40 °C water per step of a layered draw."""
LAYERED_CAP_L: Final = 400.0
"""Most litres a layered draw is counted to (more than any tank delivers)."""


@dataclass(frozen=True, slots=True)
class TankModel:
    """Litres, temperatures and heating of one tank."""

    litres: float
    cold_c: float
    delivery_curve: tuple[tuple[float, float], ...]
    rates: HeatingRates

    @property
    def wh_per_k(self) -> float:
        """Heat to warm the whole tank by one kelvin."""
        return self.litres * WH_PER_LITRE_KELVIN

    def _segment(self, index: int) -> tuple[float, float, float]:
        """(°C, litres, litres per kelvin) of the curve's piece starting at point `index`."""
        (t0, l0), (t1, l1) = self.delivery_curve[index], self.delivery_curve[index + 1]
        return t0, l0, (l1 - l0) / (t1 - t0)

    def usable_litres(self, mean_c: float) -> float:
        """Litres of 40 °C water the tank delivers hot at `mean_c` (never negative)."""
        temps = [t for t, _ in self.delivery_curve]
        index = min(max(bisect_right(temps, mean_c) - 1, 0), len(temps) - 2)
        t0, l0, slope = self._segment(index)
        return max(0.0, l0 + slope * (mean_c - t0))

    def temperature_for(self, litres: float) -> float:
        """Mean temperature at which the tank delivers `litres`."""
        amounts = [amount for _, amount in self.delivery_curve]
        index = min(max(bisect_right(amounts, litres) - 1, 0), len(amounts) - 2)
        t0, l0, slope = self._segment(index)
        return t0 + (litres - l0) / slope

    def after_draw(self, mean_c: float, litres: float) -> float:
        """Mean temperature after drawing `litres` of 40 °C water."""
        return mean_c - litres * (MIX_C - self.cold_c) / self.litres

    def draw_layers(self, mean_c: float, litres: float) -> tuple[float, float]:
        """Upper and lower temperatures after drawing `litres` of 40 °C water from a mixed tank."""
        return self._draw(mean_c, mean_c, litres)[:2]

    def draw_layered(
        self, upper_c: float, lower_c: float, litres: float
    ) -> tuple[float, float]:
        """Upper and lower temperatures after drawing `litres` of 40 °C water from two layers."""
        return self._draw(upper_c, lower_c, litres)[:2]

    def _draw(
        self, upper: float, lower: float, litres: float
    ) -> tuple[float, float, float]:
        """Draw up to `litres` of 40 °C water from two stacked halves.

        Hot water leaves at the top, the lower half rises into the upper one
        and cold water enters the bottom; a mixing valve takes less tank water
        while the top is hot. Returns the halves' temperatures and the litres
        drawn while the top stayed above 40 °C.
        """
        half = self.litres / 2
        left = litres
        hot = 0.0
        while left > 0:
            chunk = min(DRAW_STEP_L, left)
            left -= chunk
            drawn = chunk
            if upper > MIX_C:
                hot += chunk
                drawn = chunk * (MIX_C - self.cold_c) / (upper - self.cold_c)
            share = min(1.0, drawn / half)
            upper += (lower - upper) * share
            lower += (self.cold_c - lower) * share
        return upper, lower, hot

    def equivalent_mean(self, upper_c: float, lower_c: float) -> float:
        """Mean temperature of a mixed tank that delivers what this layered one does.

        A hot top over a cold bottom delivers more than their mean: the
        difference, worked out on two stacked halves, is added to the
        measured curve's litres at the mean.
        """
        mean_c = (upper_c + lower_c) / 2
        if upper_c <= lower_c + 0.5:
            return mean_c
        layered = self._draw(upper_c, lower_c, LAYERED_CAP_L)[2]
        mixed = self._draw(mean_c, mean_c, LAYERED_CAP_L)[2]
        bonus = max(0.0, layered - mixed)
        return max(mean_c, self.temperature_for(self.usable_litres(mean_c) + bonus))

    def lower_after_draw(self, mean_c: float, litres: float) -> float:
        """Bottom temperature after drawing `litres` of 40 °C water from a mixed tank."""
        return self.draw_layers(mean_c, litres)[1]

    def heat_w(self, mode: Mode, mean_c: float) -> float:
        """Heat output while heating in `mode`."""
        if mode is Mode.HEAT_PUMP:
            return self.rates.heat_pump_heat_w(mean_c)
        return self.rates.hybrid_heat_w

    def electric_w(self, mode: Mode) -> float:
        """Electric draw while heating in `mode`."""
        if mode is Mode.HEAT_PUMP:
            return self.rates.heat_pump_electric_w
        return self.rates.hybrid_electric_w

    def step(
        self, mean_c: float, mode: Mode | None, ceiling_c: float, hours: float
    ) -> tuple[float, float]:
        """Move `hours` on, heating in `mode` (None: idle) up to `ceiling_c`.

        Returns the new mean temperature and the hours spent heating.
        """
        loss_k = (
            self.rates.loss_w_per_k
            * (mean_c - self.rates.ambient_c)
            * hours
            / self.wh_per_k
        )
        if mode is None or mean_c >= ceiling_c:
            return mean_c - loss_k, 0.0
        rise_per_h = self.heat_w(mode, mean_c) / self.wh_per_k
        if rise_per_h <= 0:
            return mean_c - loss_k, 0.0
        needed_h = (ceiling_c - mean_c) / rise_per_h
        if needed_h >= hours:
            return mean_c + rise_per_h * hours - loss_k, hours
        return ceiling_c - loss_k * (hours - needed_h) / hours, needed_h
