"""The planner's own tank model: one well-mixed tank, heat in, heat out.

Its state is the mean tank temperature. Hot water is counted in litres of
40 °C water the tank's heat makes with cold water, minus the share that cold
water mixing into the tank as it is drawn keeps from ever arriving hot.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from .model import Mode

if TYPE_CHECKING:
    from .model import HeatingRates

WH_PER_LITRE_KELVIN: Final = 4.186 / 3.6
MIX_C: Final = 40.0


@dataclass(frozen=True, slots=True)
class TankModel:
    """Litres, temperatures and heating of one tank."""

    litres: float
    cold_c: float
    unusable_share: float
    rates: HeatingRates

    @property
    def wh_per_k(self) -> float:
        """Heat to warm the whole tank by one kelvin."""
        return self.litres * WH_PER_LITRE_KELVIN

    def usable_litres(self, mean_c: float) -> float:
        """Litres of 40 °C water the tank can deliver hot at `mean_c`."""
        made = self.litres * (mean_c - self.cold_c) / (MIX_C - self.cold_c)
        return max(0.0, made - self.unusable_share * self.litres)

    def temperature_for(self, litres: float) -> float:
        """Mean temperature at which the tank delivers `litres`."""
        made = litres + self.unusable_share * self.litres
        return self.cold_c + made * (MIX_C - self.cold_c) / self.litres

    def after_draw(self, mean_c: float, litres: float) -> float:
        """Mean temperature after drawing `litres` of 40 °C water."""
        return mean_c - litres * (MIX_C - self.cold_c) / self.litres

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
