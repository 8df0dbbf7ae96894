"""Smart heating plans with the heat pump's rate as this heater shows it.

The planner starts from the heat pump output measured on the simulator's
NWP500. This heater's heat pump gives 60 % of that (a cold garage): after an
hour of its own heating, the integration has measured it, and a ready-by plan
starts earlier than the NWP500's rates would start it.
"""

from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from homeassistant.const import Platform
from homeassistant.util import dt as dt_util
import pytest

from custom_components.navien_nwp500.heat_pump_rate import (
    NWP500_RATES,
    HeatPumpRate,
)
from custom_components.navien_nwp500.planner import ReasonCode, make_plan
from custom_components.navien_nwp500.smart_inputs import heater_plan_request
from custom_components.navien_nwp500.smart_request import HeaterSmartSettings
from navilink_sim.layered_tank import LAYERS, LayeredTank
from navilink_sim.tank import HEAT_PUMP
from tests.simulator_fixture import TEST_PROFILE

from .conftest import DEMO_MAC
from .helpers import push

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.navien_nwp500.planner import Plan
    from navilink_sim.heater import SimulatedHeater
    from navilink_sim.simulator import NaviLinkSimulator

OUTPUT = 0.6
"""This heater's heat pump heat, as a share of the simulated NWP500's."""

pytestmark = [
    pytest.mark.simulator(
        time_scale=0,
        push_interval=None,
        draw_interval=None,
        profile=replace(TEST_PROFILE, heat_pump_output=OUTPUT),
    ),
    pytest.mark.platforms(Platform.SENSOR),
]


def heating_starts(plan: Plan) -> list[object]:
    """Return when the plan's ready-by heating windows start."""
    return [s.start for s in plan.segments if s.reason.code is ReasonCode.READY_BY]


async def test_an_hour_of_heating_shows_a_slower_heat_pump(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    heater: SimulatedHeater,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Measure a slower heat pump from an hour of its own heating.

    The simulated heater's time runs ahead of Home Assistant's: its statuses
    are taken at the heater's time, as they would be if the hour really passed.
    """
    coordinator = init_integration.runtime_data
    clock = [dt_util.utcnow()]
    monkeypatch.setattr(
        "custom_components.navien_nwp500.hot_water_tanks.utcnow", lambda: clock[0]
    )
    tank = heater.tank
    assert isinstance(tank, LayeredTank)
    tank.layers[:] = [20.0] * LAYERS
    heater.mode = HEAT_PUMP
    for _ in range(70):  # a status a minute, as the heater pushes while it heats
        simulator.advance(60)
        clock[0] += timedelta(seconds=60)
        await push(hass, simulator)
    assert heater.heating

    learned = coordinator.tanks.heat_pump_rate(DEMO_MAC).rates(NWP500_RATES)
    for tank_c in (40.0, 60.0):
        expected = OUTPUT * NWP500_RATES.heat_pump_heat_w(tank_c)
        assert learned.heat_pump_heat_w(tank_c) == pytest.approx(expected, rel=0.15)

    now = dt_util.utcnow()
    ready = (dt_util.as_local(now) + timedelta(hours=10)).time()
    settings = HeaterSmartSettings(
        enabled=True, ready_by=True, weekdays=ready, weekends=ready, showers=4.0
    )
    heater_state = coordinator.data.heaters[DEMO_MAC]
    request = heater_plan_request(coordinator, DEMO_MAC, heater_state, settings, now)
    assert request.rates == learned
    ours = heating_starts(make_plan(request))
    nwp500 = heating_starts(make_plan(replace(request, rates=NWP500_RATES)))
    assert ours
    assert nwp500
    assert ours[0] < nwp500[0]


def test_stored_runs_are_read_back_and_garbage_is_not() -> None:
    rate = HeatPumpRate([(40.0 + i, 900.0) for i in range(8)])
    assert HeatPumpRate.from_stored(rate.as_stored()) == rate
    assert HeatPumpRate.from_stored([["hot", 1]]) == HeatPumpRate()
    assert HeatPumpRate.from_stored(None) == HeatPumpRate()
    assert HeatPumpRate().rates(NWP500_RATES) == NWP500_RATES
