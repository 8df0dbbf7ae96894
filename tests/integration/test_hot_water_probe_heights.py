"""Hot water available on a heater whose probes sit elsewhere than assumed.

The integration first takes the probes a quarter and three quarters up; a
heater whose lower probe sits 15 % up shows, in its own messages, where it
is: the lower probe drops to the cold water once the litres drawn since the
tank's bottom was last hot fill the tank up to it. After two draws agree,
hot water available follows the tank within 10 % again.
"""

from dataclasses import replace
from typing import TYPE_CHECKING

from homeassistant.const import Platform
import pytest

from custom_components.navien_nwp500.hot_water_draws import ColdWater
from custom_components.navien_nwp500.hot_water_probes import ProbeHeights
from navilink_sim.tank import HEAT_PUMP
from tests.simulator_fixture import TEST_PROFILE

from .helpers import push
from .test_regressions_hot_water import draw, full_tank, shown

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from navilink_sim.heater import SimulatedHeater
    from navilink_sim.simulator import NaviLinkSimulator

pytestmark = [
    pytest.mark.simulator(
        time_scale=0,
        push_interval=None,
        draw_interval=None,
        profile=replace(TEST_PROFILE, probe_heights=(0.15, 0.85)),
    ),
    pytest.mark.platforms(Platform.SENSOR),
]

SHORT_DRAW = 0.18
"""A share of the tank past the lower probe, short of where it is assumed (25 %)."""
STATUS_S = 30.0
"""A status every 30 s while the tap runs, as the integration asks for one."""


async def heat_back(
    hass: HomeAssistant, simulator: NaviLinkSimulator, heater: SimulatedHeater
) -> None:
    """Let the heat pump heat the tank until it stops, a status every 5 minutes."""
    heater.mode = HEAT_PUMP
    for _ in range(200):
        simulator.advance(300)
        await push(hass, simulator)
        if not heater.heating:
            return
    pytest.fail("the heat pump never finished")


def off_by(hass: HomeAssistant, heater: SimulatedHeater) -> float:
    """How far hot water available is from the tank, as a share of the tank's figure."""
    truth = heater.hot_water_litres()
    return abs(shown(hass) - truth) / truth


async def test_draws_show_where_the_lower_probe_sits(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    heater: SimulatedHeater,
) -> None:
    """The same short draw from the same full tank, before and after two long draws."""
    tank = await full_tank(hass, simulator, heater)
    await draw(hass, simulator, heater, SHORT_DRAW * tank.tank_litres, STATUS_S)
    assert tank.lower < 40.0
    assert off_by(hass, heater) > 0.10  # where it was assumed, the probe misleads

    for _ in range(2):
        await heat_back(hass, simulator, heater)
        await draw(hass, simulator, heater, 0.5 * tank.tank_litres, STATUS_S)
    # What was learned is kept with the tank's water over a reload.
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()

    await full_tank(hass, simulator, heater)
    await draw(hass, simulator, heater, SHORT_DRAW * tank.tank_litres, STATUS_S)
    assert tank.lower < 40.0
    assert off_by(hass, heater) <= 0.10


def test_a_tank_stored_before_the_probe_heights_keeps_its_water() -> None:
    stored = {
        "temps": [20.0] * 48 + [60.0] * 48,
        "part_litres": 1.0,
        "drawn": 120.0,
        "known": False,
        "counter": 18250,
    }
    cold_water = ColdWater.from_stored(stored)
    assert cold_water.layers is not None
    assert cold_water.layers.temps == stored["temps"]
    assert cold_water.probes == ProbeHeights()

    learned = ProbeHeights(lower=14, upper=80, seen={"lower": [14, 14], "upper": []})
    again = ColdWater.from_stored(stored | {"probes": learned.as_stored()})
    assert again.probes == learned
    broken = ColdWater.from_stored(stored | {"probes": {"lower": 90, "upper": 80}})
    assert broken.probes == ProbeHeights()
