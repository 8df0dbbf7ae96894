"""Make a heating plan from a request: the entry point of the planner."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .model import DEFAULT_DELIVERY_CURVE, HeatingRates, Plan, Strategy
from .schedule import Targets, plan_actions
from .search import search_actions
from .segments import build_segments, round_up_half
from .tank_model import TankModel
from .timeline import build_slots

if TYPE_CHECKING:
    from .model import HeaterLimits, PlanRequest


def comfort_floor_setpoint(
    limits: HeaterLimits,
    floor_litres: float,
    delivery_curve: tuple[tuple[float, float], ...] = DEFAULT_DELIVERY_CURVE,
) -> float:
    """Lowest set-point that keeps `floor_litres` of 40 °C water, within the heater's range."""
    floor_c = _delivery_model(limits, delivery_curve).temperature_for(floor_litres)
    return min(
        limits.max_setpoint_c, max(limits.min_setpoint_c, round_up_half(floor_c))
    )


def _delivery_model(
    limits: HeaterLimits,
    delivery_curve: tuple[tuple[float, float], ...],
    cold_water_c: float = 15.0,
    rates: HeatingRates | None = None,
) -> TankModel:
    """Build the planner's tank model (rates only matter when it heats)."""
    idle = HeatingRates(0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    return TankModel(limits.tank_litres, cold_water_c, delivery_curve, rates or idle)


def make_plan(request: PlanRequest) -> Plan:
    """Plan the heater's modes and set-points over the request's horizon."""
    limits = request.limits
    if not limits.online:
        return Plan((), skipped="offline")
    if limits.vacation:
        return Plan((), skipped="vacation")
    model = _delivery_model(
        limits, request.delivery_curve, request.cold_water_c, request.rates
    )
    floor_c = comfort_floor_setpoint(
        limits, request.comfort_floor_litres, request.delivery_curve
    )
    hold_c = min(limits.max_setpoint_c, max(floor_c, round_up_half(request.setback_c)))
    targets = Targets(
        hold_c=hold_c,
        floor_c=floor_c,
        max_c=limits.max_setpoint_c,
        surplus_c=min(limits.max_setpoint_c, max(hold_c, request.surplus_max_c)),
        start_margin_k=limits.start_margin_k,
        lower_start_margin_k=limits.lower_start_margin_k,
        floor_litres=request.comfort_floor_litres,
    )
    slots = build_slots(request)
    if request.strategies <= {Strategy.READY_BY}:
        # Ready-by alone starts as late as it can.
        schedule = plan_actions(model, slots, request.tank.mean_c, targets)
    else:
        schedule = search_actions(
            model,
            slots,
            model.equivalent_mean(request.tank.upper_c, request.tank.lower_c),
            targets,
            strategies=request.strategies,
            export_price=request.export_price,
            running=request.tank.heating,
            layers=(request.tank.upper_c, request.tank.lower_c),
        )
    segments = build_segments(slots, schedule, targets, request.strategies, model)
    return Plan(segments, tuple(schedule.unmet))
