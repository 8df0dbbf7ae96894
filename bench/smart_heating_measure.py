"""What the planner is told about the heater, measured on the simulator's tank.

The planner never sees the simulator's formulas: like the integration on a
real heater, it gets heating rates and standby loss measured from runs, and
how much hot water a shower gets from the tank at each temperature.
"""

from __future__ import annotations

import copy
import math
import random

from custom_components.navien_nwp500.planner import HeatingRates
from navilink_sim.tank import HEAT_PUMP, HIGH_DEMAND, NODE_LITRES, POWER_OFF, Tank

from .smart_heating_world import COLD_WATER_C

STEP_S = 60.0
MIX_C = 40.0
TAP_LPM = 9.0
"""Flow of 40 °C water of the shower that measures what the tank delivers."""
TAP_STEP_S = 10.0
CURVE_TEMPERATURES = (40.5, 42.0, 45.0, 48.0, 52.0, 56.0, 60.0, 65.5)


def new_tank(temperature_c: float) -> Tank:
    """Return a simulated tank, both layers at `temperature_c`, without random draws."""
    tank = Tank(random.Random(7), draw_interval=None)
    tank.upper = tank.lower = temperature_c
    return tank


def mean_c(tank: Tank) -> float:
    """Mean temperature of the two layers."""
    return (tank.upper + tank.lower) / 2


def _heating_run(mode: int, low_c: float, high_c: float) -> tuple[float, float]:
    """Heat from `low_c` until the mean passes `high_c`: (heat W, electric W)."""
    tank = new_tank(low_c)
    heat_wh_per_k = 2 * NODE_LITRES * 4.186 / 3.6
    electric_wh = seconds = 0.0
    while mean_c(tank) < high_c:
        used = tank.step(STEP_S, mode, 65.5)
        electric_wh += used.hp_wh + used.he_wh
        seconds += STEP_S
    hours = seconds / 3600
    return (mean_c(tank) - low_c) * heat_wh_per_k / hours, electric_wh / hours


def measure_rates() -> HeatingRates:
    """Heat-pump output near 40 and 60 °C, hybrid output, and standby loss."""
    hp_40, hp_w = _heating_run(HEAT_PUMP, 38.0, 42.0)
    hp_60, _ = _heating_run(HEAT_PUMP, 58.0, 62.0)
    hybrid_heat, hybrid_w = _heating_run(HIGH_DEMAND, 40.0, 50.0)
    tank = new_tank(60.0)
    hours = 10.0
    for _ in range(int(hours * 3600 / STEP_S)):
        tank.step(STEP_S, HEAT_PUMP, 40.5)
    lost_wh = (60.0 - mean_c(tank)) * 2 * NODE_LITRES * 4.186 / 3.6
    return HeatingRates(
        heat_pump_heat_w_at_40=hp_40,
        heat_pump_heat_w_at_60=hp_60,
        heat_pump_electric_w=hp_w,
        hybrid_heat_w=hybrid_heat,
        hybrid_electric_w=hybrid_w,
        loss_w_per_k=lost_wh / hours / ((60.0 + mean_c(tank)) / 2 - 21.0),
    )


def tap_flow(tank: Tank, lpm_40: float) -> float:
    """Tank water a mixing valve takes for `lpm_40` litres a minute of 40 °C water."""
    if tank.upper <= MIX_C:
        return lpm_40
    return lpm_40 * (MIX_C - COLD_WATER_C) / (tank.upper - COLD_WATER_C)


def deliverable_litres(tank: Tank, enough: float) -> float:
    """Litres of 40 °C water a shower opened now gets hot, counted up to `enough`.

    Draws from a copy of the tank, 9 L/min in 10-second steps, with the
    heater off, until its top runs below 40 °C.
    """
    trial = copy.copy(tank)
    delivered = 0.0
    while trial.upper > MIX_C and delivered < enough:
        trial.start_draw(tap_flow(trial, TAP_LPM), TAP_STEP_S)
        trial.step(TAP_STEP_S, POWER_OFF, MIX_C)
        delivered += TAP_LPM * TAP_STEP_S / 60
    return delivered


def measure_delivery_curve() -> tuple[tuple[float, float], ...]:
    """Measure what a shower gets hot from the mixed tank at a few temperatures."""
    return tuple(
        (temperature, deliverable_litres(new_tank(temperature), math.inf))
        for temperature in CURVE_TEMPERATURES
    )
