"""Make a heating plan from a request: the entry point of the planner."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .model import Plan
from .schedule import Targets, plan_actions
from .segments import build_segments, round_up_half
from .tank_model import MIX_C, TankModel
from .timeline import build_slots

if TYPE_CHECKING:
    from .model import HeaterLimits, PlanRequest


def comfort_floor_setpoint(
    limits: HeaterLimits,
    floor_litres: float,
    cold_water_c: float,
    unusable_share: float,
) -> float:
    """Lowest set-point that keeps `floor_litres` of 40 °C water, within the heater's range."""
    made = floor_litres + unusable_share * limits.tank_litres
    floor_c = cold_water_c + made * (MIX_C - cold_water_c) / limits.tank_litres
    return min(
        limits.max_setpoint_c, max(limits.min_setpoint_c, round_up_half(floor_c))
    )


def make_plan(request: PlanRequest) -> Plan:
    """Plan the heater's modes and set-points over the request's horizon."""
    limits = request.limits
    if not limits.online:
        return Plan((), skipped="offline")
    if limits.vacation:
        return Plan((), skipped="vacation")
    model = TankModel(
        limits.tank_litres, request.cold_water_c, request.unusable_share, request.rates
    )
    floor_c = comfort_floor_setpoint(
        limits,
        request.comfort_floor_litres,
        request.cold_water_c,
        request.unusable_share,
    )
    hold_c = min(limits.max_setpoint_c, max(floor_c, round_up_half(request.setback_c)))
    targets = Targets(
        hold_c=hold_c,
        max_c=limits.max_setpoint_c,
        surplus_c=min(limits.max_setpoint_c, max(hold_c, request.surplus_max_c)),
        start_margin_k=limits.start_margin_k,
        floor_litres=request.comfort_floor_litres,
    )
    slots = build_slots(request)
    schedule = plan_actions(
        model,
        slots,
        request.tank.mean_c,
        targets,
        strategies=request.strategies,
        export_price=request.export_price,
    )
    segments = build_segments(slots, schedule, targets, request.strategies, model)
    return Plan(segments, tuple(schedule.unmet))
