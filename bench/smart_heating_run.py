"""Run one simulated week on the simulator's tank under a controller, and score it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from time import perf_counter
from typing import TYPE_CHECKING, Protocol

from custom_components.navien_nwp500.planner import (
    HeaterLimits,
    HeatingRates,
    Mode,
    PlanRequest,
    PricePeriod,
    Promise,
    Strategy,
    SurplusPeriod,
    TankState,
    make_plan,
)
from navilink_sim.tank import ELECTRIC, ENERGY_SAVER, HEAT_PUMP, HIGH_DEMAND

from .smart_heating_measure import STEP_S, deliverable_litres, new_tank, tap_flow
from .smart_heating_world import (
    COLD_WATER_C,
    COMFORT_FLOOR_LITRES,
    DAYS,
    EXPORT_PRICE,
    SETBACK_C,
    SLOT,
    SURPLUS_MAX_C,
    WEEK_START,
    Draw,
    promises,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from navilink_sim.tank import Tank

START_C = 50.0
SIM_MODES = {
    Mode.HEAT_PUMP: HEAT_PUMP,
    Mode.ECO: ENERGY_SAVER,
    Mode.HIGH_DEMAND: HIGH_DEMAND,
    Mode.ELECTRIC: ELECTRIC,
}
LIMITS = HeaterLimits(start_margin_k=4.5, lower_start_margin_k=6.0)
"""The simulated heater starts when its top is 4 K or its bottom 6 K short."""
HORIZON = timedelta(hours=36)
MINUTES = DAYS * 24 * 60


@dataclass(frozen=True, slots=True)
class Case:
    """One tariff under one sky, with the week's draws."""

    tariff: str
    sky: str
    prices: tuple[PricePeriod, ...]
    surplus: tuple[SurplusPeriod, ...]
    draws: tuple[Draw, ...]

    @property
    def promises(self) -> tuple[Promise, ...]:
        """The household's promises, one per group of draws."""
        return promises(list(self.draws))


class Controller(Protocol):
    """Chooses the heater's mode and set-point at each slot boundary."""

    def command(self, now: datetime, tank: Tank) -> tuple[int, float]:
        """Return (simulator mode, set-point °C) for the slot starting `now`."""


@dataclass(slots=True)
class Trace:
    """Minute by minute record for the day plot."""

    upper: list[float] = field(default_factory=list)
    lower: list[float] = field(default_factory=list)
    compressor: list[bool] = field(default_factory=list)
    element: list[bool] = field(default_factory=list)
    setpoint: list[float] = field(default_factory=list)


@dataclass(slots=True)
class Result:
    """What a week cost and how well it kept the household's promises."""

    kwh: float = 0.0
    cost: float = 0.0
    surplus_kwh: float = 0.0
    promises_met: int = 0
    promises_total: int = 0
    floor_minutes: int = 0
    trace: Trace = field(default_factory=Trace)

    @property
    def surplus_share(self) -> float:
        """Share of the electricity that came from solar surplus."""
        return self.surplus_kwh / self.kwh if self.kwh else 0.0


def per_minute(periods: Sequence[PricePeriod] | Sequence[SurplusPeriod]) -> list[float]:
    """Return the value of each minute of the week, from periods on the clock's grid."""
    values = [0.0] * MINUTES
    for period in periods:
        first = int((period.start - WEEK_START).total_seconds() // 60)
        last = int((period.end - WEEK_START).total_seconds() // 60)
        value = period.price if isinstance(period, PricePeriod) else period.watts
        for minute in range(max(0, first), min(MINUTES, last)):
            values[minute] = value
    return values


def draw_per_minute(draws: Sequence[Draw]) -> list[float]:
    """Litres per minute of 40 °C water drawn in each minute of the week."""
    flows = [0.0] * MINUTES
    for draw in draws:
        first = int((draw.at - WEEK_START).total_seconds() // 60)
        for minute in range(first, min(MINUTES, first + draw.minutes)):
            flows[minute] += draw.lpm
    return flows


def advance_minute(tank: Tank, flow_40: float, mode: int, setpoint: float) -> float:
    """Move the tank one minute on, drawing `flow_40` L/min of 40 °C water; return Wh used."""
    if flow_40:
        tank.start_draw(tap_flow(tank, flow_40), STEP_S)
    used = tank.step(STEP_S, mode, setpoint)
    return used.hp_wh + used.he_wh


def minute_cost(electric_wh: float, surplus_w: float, price: float) -> float:
    """Cost of a minute's electricity: surplus at its export price, the rest at `price`."""
    from_surplus = min(electric_wh, surplus_w * STEP_S / 3600)
    return ((electric_wh - from_surplus) * price + from_surplus * EXPORT_PRICE) / 1000


def run_week(case: Case, controller: Controller) -> Result:
    """Run the week minute by minute; the controller acts every 15 minutes."""
    tank = new_tank(START_C)
    prices, surplus = per_minute(case.prices), per_minute(case.surplus)
    flows = draw_per_minute(case.draws)
    due = {
        int((p.at - WEEK_START).total_seconds() // 60): p.litres
        for p in case.promises
        if p.at < WEEK_START + timedelta(minutes=MINUTES)
    }
    result = Result(promises_total=len(due))
    slot_minutes = int(SLOT.total_seconds() // 60)
    mode, setpoint = HEAT_PUMP, SETBACK_C
    for minute in range(MINUTES):
        if minute % slot_minutes == 0:
            now = WEEK_START + timedelta(minutes=minute)
            mode, setpoint = controller.command(now, tank)
        if minute in due and deliverable_litres(tank, due[minute]) >= due[minute]:
            result.promises_met += 1
        electric_wh = advance_minute(tank, flows[minute], mode, setpoint)
        from_surplus = min(electric_wh, surplus[minute] * STEP_S / 3600)
        result.kwh += electric_wh / 1000
        result.surplus_kwh += from_surplus / 1000
        result.cost += minute_cost(electric_wh, surplus[minute], prices[minute])
        if deliverable_litres(tank, COMFORT_FLOOR_LITRES) < COMFORT_FLOOR_LITRES:
            result.floor_minutes += 1
        trace = result.trace
        trace.upper.append(tank.upper)
        trace.lower.append(tank.lower)
        trace.compressor.append(tank.compressor)
        trace.element.append(tank.upper_element or tank.lower_element)
        trace.setpoint.append(setpoint)
    return result


class FixedSetting:
    """The owner's fixed setting: Eco (energy saver) at 60 °C, all the time."""

    def command(self, now: datetime, tank: Tank) -> tuple[int, float]:
        """Return the same mode and set-point, whatever the time."""
        del now, tank
        return ENERGY_SAVER, 60.0


class PlannerControl:
    """Re-plans every 15 minutes with our planner and applies the current segment."""

    def __init__(
        self,
        case: Case,
        strategies: frozenset[Strategy],
        rates: HeatingRates,
        delivery_curve: tuple[tuple[float, float], ...],
    ) -> None:
        """Keep what every plan request shares."""
        self._case = case
        self._promises = case.promises
        self._strategies = strategies
        self._rates = rates
        self._curve = delivery_curve
        self.plan_seconds: list[float] = []
        """How long each plan took to make (the search is bounded: this shows it)."""

    def command(self, now: datetime, tank: Tank) -> tuple[int, float]:
        """Plan from the tank's state now and follow the plan's first segment."""
        end = now + HORIZON
        request = PlanRequest(
            now=now,
            tank=TankState(tank.upper, tank.lower, tank.compressor),
            limits=LIMITS,
            rates=self._rates,
            promises=tuple(p for p in self._promises if now < p.at <= end),
            comfort_floor_litres=COMFORT_FLOOR_LITRES,
            setback_c=SETBACK_C,
            surplus_max_c=SURPLUS_MAX_C,
            prices=tuple(p for p in self._case.prices if p.end > now and p.start < end),
            surplus=tuple(
                s for s in self._case.surplus if s.end > now and s.start < end
            ),
            strategies=self._strategies,
            cold_water_c=COLD_WATER_C,
            delivery_curve=self._curve,
            export_price=EXPORT_PRICE,
            horizon=HORIZON,
            slot=SLOT,
        )
        started = perf_counter()
        plan = make_plan(request)
        self.plan_seconds.append(perf_counter() - started)
        segment = plan.segment_at(now)
        if segment is None:
            return HEAT_PUMP, SETBACK_C
        return SIM_MODES[segment.mode], segment.setpoint_c
