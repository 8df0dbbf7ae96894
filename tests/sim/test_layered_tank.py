"""The realistic heater's stratified tank and its energy fields as the captures show them."""

from __future__ import annotations

from dataclasses import replace
import random

import pytest

from navilink_sim.accounts import SimDevice
from navilink_sim.heater import SimulatedHeater
from navilink_sim.layered_tank import LayeredTank
from navilink_sim.profile import REALISTIC
from navilink_sim.tank import POWER_OFF, Tank

EIGHTY_GAL = SimDevice(
    mac="aabbccddeeff", additional_value="1", name="80", volume_code=3
)


def _heater(upper: float, lower: float, setpoint: int = 121) -> SimulatedHeater:
    heater = SimulatedHeater(EIGHTY_GAL, draw_interval=None, profile=REALISTIC)
    heater.tank.upper, heater.tank.lower = upper, lower
    heater.setpoint = setpoint
    return heater


def test_the_deficit_follows_the_mean_tank_temperature_as_captured() -> None:
    # protocol.md §17.11: 1,516 Wh at set-point 60.5 °C with 58.6 / 53.6 °C.
    status = _heater(58.6, 53.6).status
    assert status["availableEnergyCapacity"] * 4 == pytest.approx(1516, rel=0.03)
    assert status["tankUpperTemperature"] == 586
    assert status["tankLowerTemperature"] == 536


def test_a_hot_top_and_a_cold_bottom_cancel_in_the_deficit() -> None:
    stratified = _heater(60.0, 20.0, setpoint=120).status
    uniform = _heater(40.0, 40.0, setpoint=120).status
    assert stratified["availableEnergyCapacity"] == uniform["availableEnergyCapacity"]
    assert stratified["availableEnergyCapacity"] * 4 == pytest.approx(
        302.8 * 4.186 / 3.6 * 20, rel=0.01
    )


def test_the_total_capacity_moves_with_the_set_point() -> None:
    low = _heater(55.0, 55.0, setpoint=110).status["totalEnergyCapacity"]
    high = _heater(55.0, 55.0, setpoint=130).status["totalEnergyCapacity"]
    assert (high - low) * 4 == pytest.approx(302.8 * 4.186 / 3.6 * 10, rel=0.01)


def test_ground_truth_litres_of_a_stratified_tank() -> None:
    heater = _heater(60.0, 20.0)
    # Plug flow: the hot half, mixed down: 151.4 L x (60 - 15) / (40 - 15).
    litres = heater.hot_water_litres(40.0, 15.0)
    assert litres == pytest.approx(151.4 * 45 / 25, rel=0.01)
    # A tank with the same deficit but no hot layer gives no 40 °C water at all.
    assert _heater(40.0, 40.0).hot_water_litres(40.0, 15.0) == 0.0
    # Warmer cold water stretches the hot water further.
    assert heater.hot_water_litres(40.0, 25.0) > litres


def test_a_long_draw_leaves_a_hot_top_over_a_cold_bottom() -> None:
    layered = LayeredTank(random.Random(0), draw_interval=None, device=EIGHTY_GAL)
    halves = Tank(random.Random(0), draw_interval=None)
    for tank in (layered, halves):
        tank.upper = tank.lower = 60.0
        tank.start_draw(10.0, 900)  # 150 L, half the tank
        for _ in range(90):
            tank.step(10.0, POWER_OFF, 60.0)
    assert layered.upper > 57.0
    assert layered.lower < 25.0
    assert halves.upper < 45.0  # the two-halves model blends the top away


def test_the_volume_code_sizes_the_tank() -> None:
    small = LayeredTank(
        random.Random(0),
        draw_interval=None,
        device=replace(EIGHTY_GAL, volume_code=1),
    )
    large = LayeredTank(random.Random(0), draw_interval=None, device=EIGHTY_GAL)
    assert large.wh_per_k / small.wh_per_k == pytest.approx(80 / 50, rel=0.001)
    assert large.wh_per_k == pytest.approx(345, rel=0.03)  # §17.11
