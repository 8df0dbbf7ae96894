"""'Heating' means heat is being made: compressor or an element reads ON (§8.2).

Each case of ``fixtures/status_heating_cases.json`` is checked three ways: the
parsing helper, the thermostat's ``hvac_action`` and the heating binary sensor.
"""

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from homeassistant.components.binary_sensor import DOMAIN as BINARY_SENSOR_DOMAIN
from homeassistant.components.climate import DOMAIN as CLIMATE_DOMAIN
from homeassistant.components.climate.const import ATTR_HVAC_ACTION, HVACAction
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNKNOWN, Platform
import pytest

from custom_components.navien_nwp500.helpers import heating_now
from custom_components.navien_nwp500.navilink.codec.models import parse_status

from .helpers import get_entity_id, get_state, patch_status, push

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from navilink_sim.simulator import NaviLinkSimulator

FIXTURES = Path(__file__).parent.parent / "fixtures"
BASE = json.loads((FIXTURES / "status_heat_pump.json").read_text())["response"][
    "status"
]
CASES: dict[str, dict[str, Any]] = {
    name: case
    for name, case in json.loads(
        (FIXTURES / "status_heating_cases.json").read_text()
    ).items()
    if not name.startswith("_")
}
POWERED_OFF = "powered_off"


def _wire(case: str) -> dict[str, Any]:
    """Return the base status with the case's fields set (None removes a field)."""
    wire = dict(BASE)
    for key, value in CASES[case]["wire"].items():
        if value is None:
            wire.pop(key)
        else:
            wire[key] = value
    return wire


@pytest.mark.parametrize("case", CASES)
def test_heating_now_reads_only_compressor_and_elements(case: str) -> None:
    assert heating_now(parse_status(_wire(case))) is CASES[case]["expected"]


@pytest.mark.simulator(time_scale=0, push_interval=None)
@pytest.mark.platforms(Platform.CLIMATE, Platform.BINARY_SENSOR)
@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("case", CASES)
async def test_thermostat_and_binary_sensor_show_heat_being_made(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    case: str,
) -> None:
    with patch_status(**CASES[case]["wire"]):
        await push(hass, simulator)

    expected = CASES[case]["expected"]
    action = get_state(hass, get_entity_id(hass, CLIMATE_DOMAIN, "climate"))
    sensor = get_state(hass, get_entity_id(hass, BINARY_SENSOR_DOMAIN, "heating"))
    if case == POWERED_OFF:
        assert action.attributes[ATTR_HVAC_ACTION] == HVACAction.OFF
    else:
        assert (
            action.attributes.get(ATTR_HVAC_ACTION)
            == {
                True: HVACAction.HEATING,
                False: HVACAction.IDLE,
                None: None,
            }[expected]
        )
    assert (
        sensor.state
        == {True: STATE_ON, False: STATE_OFF, None: STATE_UNKNOWN}[expected]
    )
