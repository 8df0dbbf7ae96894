"""Follow a plan on the simulator's tank, to check plans against its physics."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
import random

from custom_components.navien_nwp500.planner import (
    HeaterLimits,
    HeatingRates,
    Mode,
    Plan,
    PlanRequest,
    Promise,
    TankState,
)
from navilink_sim.tank import ENERGY_SAVER, HEAT_PUMP, HIGH_DEMAND, POWER_OFF, Tank

NOW = datetime(2026, 7, 6, 0, 0, tzinfo=UTC)
RATES = HeatingRates(
    heat_pump_heat_w_at_40=1450.0,
    heat_pump_heat_w_at_60=1160.0,
    heat_pump_electric_w=430.0,
    hybrid_heat_w=6500.0,
    hybrid_electric_w=5530.0,
    loss_w_per_k=1.6,
)
"""What the simulated heater was measured to do (bench/smart_heating_measure.py)."""
LIMITS = HeaterLimits(start_margin_k=4.5, lower_start_margin_k=6.0)
SIM_MODES = {
    Mode.HEAT_PUMP: HEAT_PUMP,
    Mode.ECO: ENERGY_SAVER,
    Mode.HIGH_DEMAND: HIGH_DEMAND,
}
SHOWER_LPM = 9.0


def request(**changes: object) -> PlanRequest:
    """Return a request at NOW for a tank at 44/42 °C, set-back 42 °C, floor 40 L."""
    base: dict[str, object] = {
        "now": NOW,
        "tank": TankState(44.0, 42.0),
        "limits": LIMITS,
        "rates": RATES,
        "setback_c": 42.0,
        "comfort_floor_litres": 40.0,
    }
    base.update(changes)
    return PlanRequest(**base)  # type: ignore[arg-type]


def at(hours: float) -> datetime:
    """Return NOW plus `hours`."""
    return NOW + timedelta(hours=hours)


@dataclass(slots=True)
class Followed:
    """What the simulated tank did under a plan (litres: what a shower really gets hot)."""

    litres_at_promise: dict[datetime, float] = field(default_factory=dict)
    lowest_litres: float = float("inf")
    mean_c: dict[datetime, float] = field(default_factory=dict)
    element_minutes: int = 0
    compressor_minutes: int = 0


def deliverable(sim: Tank, enough: float = 300.0) -> float:
    """Litres of 40 °C water a 9 L/min shower opened now gets hot (counted up to `enough`).

    Draws from a copy of the tank with the heater off until its top runs below 40 °C.
    """
    trial = copy.copy(sim)
    delivered = 0.0
    while trial.upper > 40.0 and delivered < enough:
        trial.start_draw(SHOWER_LPM * 25 / (trial.upper - 15), 10.0)
        trial.step(10.0, POWER_OFF, 40.0)
        delivered += SHOWER_LPM / 6
    return delivered


def follow(
    plan: Plan, tank: TankState, promises: tuple[Promise, ...], hours: float
) -> Followed:
    """Run the simulator's tank minute by minute under `plan`, drawing each promise as showers."""
    sim = Tank(random.Random(3), draw_interval=None)
    sim.upper, sim.lower = tank.upper_c, tank.lower_c
    followed = Followed()
    draw_left = {p.at: p.litres for p in promises}
    drawing: float = 0.0
    for minute in range(int(hours * 60)):
        now = NOW + timedelta(minutes=minute)
        if now in draw_left:
            followed.litres_at_promise[now] = deliverable(sim)
            drawing += draw_left.pop(now)
        if drawing > 0:
            flow = min(SHOWER_LPM, drawing)
            drawing -= flow
            hot = flow * 25 / (sim.upper - 15) if sim.upper > 40 else flow
            sim.start_draw(hot, 60.0)
        segment = plan.segment_at(now)
        assert segment is not None, f"the plan leaves {now} uncovered"
        sim.step(60.0, SIM_MODES[segment.mode], segment.setpoint_c)
        followed.element_minutes += sim.upper_element or sim.lower_element
        followed.compressor_minutes += sim.compressor
        followed.lowest_litres = min(followed.lowest_litres, deliverable(sim, 200.0))
        followed.mean_c[now + timedelta(minutes=1)] = (sim.upper + sim.lower) / 2
    return followed
