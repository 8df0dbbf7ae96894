"""What the planner takes in and what it gives back (plain data, no Home Assistant)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Mapping


DEFAULT_DELIVERY_CURVE: Final = (
    (40.5, 27.0),
    (45.0, 102.0),
    (52.0, 184.5),
    (65.0, 322.5),
)
"""What a shower gets hot from a 65-gallon NWP500 tank at each mean temperature."""


class Mode(StrEnum):
    """Heating modes a plan uses (the integration's names for the heater's modes)."""

    HEAT_PUMP = "heat_pump"
    ECO = "eco"
    HIGH_DEMAND = "high_demand"
    ELECTRIC = "electric"


class Strategy(StrEnum):
    """What the planner optimises besides keeping every promise."""

    READY_BY = "ready_by"
    CHEAP_HOURS = "cheap_hours"
    SOLAR_SURPLUS = "solar_surplus"


class ReasonCode(StrEnum):
    """Why a segment is planned; the translation key of its logbook line."""

    SET_BACK = "set_back"
    SET_BACK_COAST = "set_back_coast"
    """Above the set-back: only the comfort floor is asked for."""
    PRICE_PEAK = "price_peak"
    PRICE_PEAK_COAST = "price_peak_coast"
    """Through a price peak above the set-back: only the comfort floor is asked for."""
    READY_BY = "ready_by"
    CHEAP_HOURS = "cheap_hours"
    COMFORT_FLOOR = "comfort_floor"
    HYBRID_BOOST = "hybrid_boost"
    SOLAR_SURPLUS = "solar_surplus"
    EXTERNAL = "external"
    """A segment an external planner handed over (never made by `make_plan`)."""


@dataclass(frozen=True, slots=True)
class TankState:
    """The two tank temperatures the heater reports, °C."""

    upper_c: float
    lower_c: float
    heating: bool = False
    """Whether the heat pump runs now (it goes on without waiting for a start)."""

    @property
    def mean_c(self) -> float:
        """Mean temperature; each sensor stands for half of the tank."""
        return (self.upper_c + self.lower_c) / 2


@dataclass(frozen=True, slots=True)
class HeaterLimits:
    """What the heater allows and whether it can be planned for."""

    min_setpoint_c: float = 40.5
    max_setpoint_c: float = 65.5
    tank_litres: float = 246.0
    start_margin_k: float = 6.5
    """How far short of its set-point the upper sensor must be before the heater starts."""
    lower_start_margin_k: float = 6.5
    """How far short of its set-point the lower sensor must be before the heater starts."""
    online: bool = True
    vacation: bool = False


@dataclass(frozen=True, slots=True)
class HeatingRates:
    """Measured heat output and electric draw of each way of heating.

    The heat pump's output falls as the water warms; it is given at 40 and
    60 °C and interpolated (and extrapolated) linearly in between.
    """

    heat_pump_heat_w_at_40: float
    heat_pump_heat_w_at_60: float
    heat_pump_electric_w: float
    hybrid_heat_w: float
    hybrid_electric_w: float
    loss_w_per_k: float
    """Standby loss of the whole tank, W per kelvin above the ambient air."""
    ambient_c: float = 21.0

    def heat_pump_heat_w(self, tank_c: float) -> float:
        """Heat output of the heat pump with the tank at `tank_c`."""
        slope = (self.heat_pump_heat_w_at_60 - self.heat_pump_heat_w_at_40) / 20
        return max(0.0, self.heat_pump_heat_w_at_40 + slope * (tank_c - 40))


@dataclass(frozen=True, slots=True)
class Promise:
    """`litres` of 40 °C water ready by `at`."""

    at: datetime
    litres: float


@dataclass(frozen=True, slots=True)
class PricePeriod:
    """Grid price per kWh from `start` to `end`."""

    start: datetime
    end: datetime
    price: float


@dataclass(frozen=True, slots=True)
class SurplusPeriod:
    """Forecast (or current) solar export, W, from `start` to `end`."""

    start: datetime
    end: datetime
    watts: float


@dataclass(frozen=True, slots=True)
class PlanRequest:
    """Everything one planning run needs."""

    now: datetime
    tank: TankState
    limits: HeaterLimits
    rates: HeatingRates
    promises: tuple[Promise, ...] = ()
    comfort_floor_litres: float = 40.0
    setback_c: float = 45.0
    surplus_max_c: float = 65.0
    prices: tuple[PricePeriod, ...] = ()
    surplus: tuple[SurplusPeriod, ...] = ()
    strategies: frozenset[Strategy] = frozenset({Strategy.READY_BY})
    cold_water_c: float = 15.0
    delivery_curve: tuple[tuple[float, float], ...] = DEFAULT_DELIVERY_CURVE
    """(mean tank °C, litres of 40 °C water a shower gets hot from it), rising:
    cold water mixing into the tank as it is drawn keeps part of its heat from
    ever arriving hot. Measured on the heater; between points it is linear."""
    export_price: float = 0.0
    """What a kWh of exported surplus earns (the cost of using it instead)."""
    horizon: timedelta = timedelta(hours=36)
    slot: timedelta = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class Reason:
    """Reason code and its parameters, for a line such as "held at 45 °C: price peak until 21:00"."""

    code: ReasonCode
    params: Mapping[str, str | float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Segment:
    """Run the heater in `mode` at `setpoint_c` from `start` to `end`."""

    start: datetime
    end: datetime
    mode: Mode
    setpoint_c: float
    reason: Reason = field(default_factory=lambda: Reason(ReasonCode.SET_BACK))


@dataclass(frozen=True, slots=True)
class Plan:
    """Segments covering the horizon, and the promises no plan can keep."""

    segments: tuple[Segment, ...]
    unmet: tuple[Promise, ...] = ()
    skipped: str | None = None
    """Why nothing was planned ("offline", "vacation"), else None."""

    def segment_at(self, when: datetime) -> Segment | None:
        """Return the segment in force at `when`, if any."""
        return next((s for s in self.segments if s.start <= when < s.end), None)
