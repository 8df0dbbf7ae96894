"""Tank charge is the heater's own figure, shown as such beside hot water available.

The heater computes its charge (``dhwChargePer``) from its two probes, a
quarter and three quarters up the tank. After a draw that let cold water in
below the lower probe, it still says 100 % while hot water available, which
counts the litres drawn, is well down. The owner's sensors tell that story:
the charge sits among the diagnostics, named as the heater's reading.
"""

from typing import TYPE_CHECKING

from homeassistant.const import EntityCategory, Platform
from homeassistant.helpers import entity_registry as er
import pytest

from navilink_sim.layered_tank import LAYERS, LayeredTank
from navilink_sim.tank import POWER_OFF

from .helpers import get_entity_id, get_state, push

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from navilink_sim.heater import SimulatedHeater
    from navilink_sim.simulator import NaviLinkSimulator

pytestmark = [
    pytest.mark.simulator(time_scale=0, push_interval=None, draw_interval=None),
    pytest.mark.platforms(Platform.SENSOR),
]

FLOW_LPM = 6.0


def _shown(hass: HomeAssistant, key: str) -> float:
    return float(get_state(hass, get_entity_id(hass, "sensor", key)).state)


async def test_after_a_big_draw_the_heater_charge_is_a_diagnostic_of_its_own(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    heater: SimulatedHeater,
) -> None:
    tank = heater.tank
    assert isinstance(tank, LayeredTank)
    tank.layers[:] = [60.0] * LAYERS
    heater.mode = POWER_OFF  # no heating makes up for the draw
    await push(hass, simulator)
    full = _shown(hass, "hot_water_available")

    litres = 0.22 * tank.tank_litres
    heater.start_draw(FLOW_LPM, litres / FLOW_LPM * 60)
    simulator.advance(litres / FLOW_LPM * 60)
    await push(hass, simulator)

    assert tank.layers[0] < 40.0 < tank.lower  # cold water under the lower probe
    assert _shown(hass, "tank_charge") == 100  # the heater's figure, as reported
    assert _shown(hass, "hot_water_available") < 0.85 * full
    charge = get_entity_id(hass, "sensor", "tank_charge")
    entry = er.async_get(hass).async_get(charge)
    assert entry is not None
    assert entry.entity_category is EntityCategory.DIAGNOSTIC
    assert get_state(hass, charge).name == "NWP500 Heater's tank charge"
    hot_water = er.async_get(hass).async_get(
        get_entity_id(hass, "sensor", "hot_water_available")
    )
    assert hot_water is not None
    assert hot_water.entity_category is None  # the owner's figure, among the sensors
