"""How much hot water a tank holds, and when a recovering tank will be ready.

Pure computations on the heater's status and feature messages (no Home Assistant).

Hot water available is the volume of 40 °C water (hot water mixed with cold at
the tap) the tank can deliver now. Each of the two tank thermistors stands for
half of the tank (its capacity comes from the feature message); every half
above 40 °C is mixed with cold water down to 40 °C::

    litres = sum over hot halves of V_half * (T - T_cold) / (40 °C - T_cold)

The two temperatures are used directly, not the heater's usable energy: the
heater computes that one from the tank's mean temperature (protocol §17.11), so
a hot top and a cold bottom cancel out and a stratified tank looks emptier than
it is. The NWP500 reports no inlet temperature, so the cold water temperature
is a setting. Cold water the two probes cannot see (under the lower one, or a
boundary away from the middle) is taken out in ``hot_water_draws``.

Time to ready divides the heat still missing to bring both halves to the
set-point by the rate at which the stored heat rose over the last minutes with
the same heat sources on. The element heats the top of the tank and the heat
pump the bottom, so while both run the two halves are timed apart. Until the
heat sources have run a few minutes unchanged, the rate is guessed from the
power draw.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
import math
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from .navilink.codec import DeviceFeature, DeviceStatus

WH_PER_LITRE_KELVIN: Final = 4.186 / 3.6
"""Heat capacity of water, c_p, in Wh per litre and kelvin."""
LITRES_PER_GALLON: Final = 3.785411784
MIX_C: Final = 40.0
"""Temperature of the mixed water at the tap, °C."""

DEFAULT_COLD_WATER_C: Final = 15.0
DEFAULT_LITRES_PER_SHOWER: Final = 40.0
DEFAULT_LOW_HOT_WATER_SHOWERS: Final = 1.0

READY_CHARGE_PERCENT: Final = 90
"""A tank that stopped heating at this charge or more counts as ready: the
heater ends heat-pump recoveries at about 90 % (protocol §17.8)."""
RATE_WINDOW: Final = timedelta(minutes=15)
"""How far back the rate of rise of the stored heat is measured."""
MIN_RATE_SPAN: Final = timedelta(minutes=3)
"""Shortest span of samples that gives a measured rate; shorter spans use the guess."""
HEAT_PUMP_COP_GUESS: Final = 3.0
"""Heat per electric watt of the heat pump, for the first minutes of a recovery."""
HEAT_PUMP_FALLOFF_PER_K: Final = 0.01
"""Share of its heat output a heat pump loses per kelvin the water warms."""
COMPRESSOR_W_GUESS: Final = 450.0
"""Electric power of the compressor, to split the power draw when both sources run."""


@dataclass(frozen=True, slots=True)
class HotWaterSettings:
    """The owner's settings (options of the config entry)."""

    cold_water_c: float = DEFAULT_COLD_WATER_C
    litres_per_shower: float = DEFAULT_LITRES_PER_SHOWER
    low_hot_water_showers: float = DEFAULT_LOW_HOT_WATER_SHOWERS


def tank_litres(feature: DeviceFeature) -> float | None:
    """Return the tank's capacity in litres, from its nominal size in gallons."""
    gallons = feature.volume_gallons
    return None if gallons is None else gallons * LITRES_PER_GALLON


def hot_water_litres(
    feature: DeviceFeature, status: DeviceStatus, cold_water_c: float
) -> float | None:
    """Litres of 40 °C mixed water the tank can deliver now; None if unknown."""
    capacity = tank_litres(feature)
    upper, lower = status.tank_upper_temperature, status.tank_lower_temperature
    if capacity is None or upper is None or lower is None or cold_water_c >= MIX_C:
        return None
    half = capacity / 2
    return sum(
        half * (t - cold_water_c) / (MIX_C - cold_water_c)
        for t in (upper, lower)
        if t > MIX_C
    )


def showers(litres: float, litres_per_shower: float) -> int:
    """Whole showers in `litres`; 0 when there is not enough for one."""
    return max(0, math.floor(litres / litres_per_shower))


def is_low(litres: float, settings: HotWaterSettings) -> bool:
    """Whether hot water available is under the owner's threshold."""
    return litres < settings.low_hot_water_showers * settings.litres_per_shower


def _falloff(rise_k: float) -> float:
    """Mean heat-pump output over the rest of a recovery, as a share of today's.

    The output falls as the water warms; over a rise of `rise_k` it averages
    the output at the middle of that rise.
    """
    return max(0.5, 1 - HEAT_PUMP_FALLOFF_PER_K * max(0.0, rise_k) / 2)


@dataclass(frozen=True, slots=True)
class _Sample:
    at: datetime
    upper_wh: float
    lower_wh: float


def heat_sources(status: DeviceStatus) -> tuple[bool, bool]:
    """Return (the heat pump is on, an element is on)."""
    element = bool(status.heat_upper_use) or bool(status.heat_lower_use)
    return bool(status.comp_use), element


class RecoveryEstimator:
    """Minutes until a heater's tank is ready, from the statuses it reports."""

    def __init__(self) -> None:
        """Start without history."""
        self._samples: list[_Sample] = []
        self._sources: tuple[bool, bool] = (False, False)

    def minutes_to_ready(
        self, feature: DeviceFeature, status: DeviceStatus, now: datetime
    ) -> float | None:
        """Take the status received at `now`; return the minutes left, or None."""
        capacity = tank_litres(feature)
        upper, lower = status.tank_upper_temperature, status.tank_lower_temperature
        setpoint = status.dhw_temperature_setting
        if capacity is None or upper is None or lower is None or setpoint is None:
            self._samples.clear()
            return None
        half_wh_per_k = capacity / 2 * WH_PER_LITRE_KELVIN
        sources = heat_sources(status)
        if not any(sources):
            self._samples.clear()
            charge = status.dhw_charge_percent
            full = status.available_energy_capacity_wh == 0 or (
                charge is not None and charge >= READY_CHARGE_PERCENT
            )
            return 0.0 if full else None
        if sources != self._sources or status.dhw_use:
            self._samples.clear()
        self._sources = sources
        if not status.dhw_use:  # a draw takes heat out: no rate of rise to see
            self._samples = [s for s in self._samples if now - s.at <= RATE_WINDOW]
            self._samples.append(
                _Sample(now, half_wh_per_k * upper, half_wh_per_k * lower)
            )
        missing_upper = half_wh_per_k * max(0.0, setpoint - upper)
        missing_lower = half_wh_per_k * max(0.0, setpoint - lower)
        heat_pump_w, element_w = self._rates(status)
        if heat_pump_w <= 0 and element_w <= 0:
            return None
        compressor, element = sources
        if compressor and element:
            # The element tops the upper half while the heat pump warms the lower.
            if element_w <= 0 or heat_pump_w <= 0:
                return None
            heat_pump_w *= _falloff(setpoint - lower)
            hours = max(missing_upper / element_w, missing_lower / heat_pump_w)
        elif compressor:
            heat_pump_w *= _falloff(setpoint - (upper + lower) / 2)
            hours = (missing_upper + missing_lower) / heat_pump_w
        else:
            hours = (missing_upper + missing_lower) / (heat_pump_w + element_w)
        return hours * 60

    def _rates(self, status: DeviceStatus) -> tuple[float, float]:
        """Heat rates (W) of the heat pump and of the elements now."""
        compressor, element = self._sources
        if self._samples and (
            self._samples[-1].at - self._samples[0].at >= MIN_RATE_SPAN
        ):
            first, last = self._samples[0], self._samples[-1]
            span_h = (last.at - first.at).total_seconds() / 3600
            upper_w = (last.upper_wh - first.upper_wh) / span_h
            lower_w = (last.lower_wh - first.lower_wh) / span_h
            if compressor and element and lower_w > 0 and upper_w > 0:
                return lower_w, upper_w
            total = upper_w + lower_w
            if total > 0 and not (compressor and element):
                return (total, 0.0) if compressor else (0.0, total)
        power = float(status.current_inst_power or 0)
        if compressor and element:
            return (
                COMPRESSOR_W_GUESS * HEAT_PUMP_COP_GUESS,
                max(0.0, power - COMPRESSOR_W_GUESS),
            )
        return (power * HEAT_PUMP_COP_GUESS, 0.0) if compressor else (0.0, power)
