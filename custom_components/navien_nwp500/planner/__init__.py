"""Smart heating planner: when to heat, in which mode, to which set-point.

Pure computation with no Home Assistant import. `make_plan` turns a
`PlanRequest` (tank state, heater limits, measured heating rates, ready-by
promises, comfort floor, set-back, prices and solar surplus) into a `Plan` of
segments, each with a reason for the logbook; `validate_plan` checks a plan
from an external planner against the same safety rules.
"""

from .model import (
    HeaterLimits,
    HeatingRates,
    Mode,
    Plan,
    PlanRequest,
    PricePeriod,
    Promise,
    Reason,
    ReasonCode,
    Segment,
    Strategy,
    SurplusPeriod,
    TankState,
)
from .planner import comfort_floor_setpoint, make_plan
from .validate import PlanError, validate_plan

__all__ = [
    "HeaterLimits",
    "HeatingRates",
    "Mode",
    "Plan",
    "PlanError",
    "PlanRequest",
    "PricePeriod",
    "Promise",
    "Reason",
    "ReasonCode",
    "Segment",
    "Strategy",
    "SurplusPeriod",
    "TankState",
    "comfort_floor_setpoint",
    "make_plan",
    "validate_plan",
]
