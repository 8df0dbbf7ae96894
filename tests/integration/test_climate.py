"""The tank thermostat against the simulated heater."""

from typing import TYPE_CHECKING, Any

from homeassistant.components.climate.const import (
    ATTR_HVAC_ACTION,
    ATTR_HVAC_MODE,
    ATTR_PRESET_MODE,
    ATTR_PRESET_MODES,
    DOMAIN as CLIMATE_DOMAIN,
    SERVICE_SET_HVAC_MODE,
    SERVICE_SET_PRESET_MODE,
    SERVICE_SET_TEMPERATURE,
    HVACAction,
    HVACMode,
)
from homeassistant.const import (
    ATTR_ENTITY_ID,
    ATTR_TEMPERATURE,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    Platform,
)
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)

from custom_components.navien_nwp500.navilink.codec.enums import CommandCode

from .helpers import allowing_pending, commands, get_entity_id, get_state, wait_for

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers import entity_registry as er
    from syrupy.assertion import SnapshotAssertion

    from navilink_sim.heater import SimulatedHeater

pytestmark = [
    pytest.mark.simulator(time_scale=0, push_interval=None),
    pytest.mark.platforms(Platform.CLIMATE),
    # The thermostat is disabled by default; these tests use it.
    pytest.mark.usefixtures("entity_registry_enabled_by_default"),
]


@pytest.fixture
def entity_id(hass: HomeAssistant, init_integration: MockConfigEntry) -> str:
    """Return the demo heater's thermostat."""
    return get_entity_id(hass, CLIMATE_DOMAIN, "climate")


async def _call(hass: HomeAssistant, service: str, entity_id: str, **data: Any) -> None:
    await hass.services.async_call(
        CLIMATE_DOMAIN, service, {ATTR_ENTITY_ID: entity_id, **data}, blocking=True
    )


def _attribute(hass: HomeAssistant, entity_id: str, name: str) -> Any:
    state = hass.states.get(entity_id)
    assert state is not None
    return state.attributes.get(name)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_snapshot(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    init_integration: MockConfigEntry,
) -> None:
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)


async def test_state_from_the_heater(
    hass: HomeAssistant, entity_id: str, heater: SimulatedHeater
) -> None:
    state = hass.states.get(entity_id)
    assert state is not None
    assert state.name == "NWP500 Thermostat"
    assert state.state == HVACMode.HEAT
    assert state.attributes[ATTR_PRESET_MODE] == "eco"
    assert state.attributes[ATTR_PRESET_MODES] == [
        "heat_pump",
        "electric",
        "eco",
        "high_demand",
        "vacation",
    ]
    assert state.attributes[ATTR_TEMPERATURE] == heater.setpoint / 2
    assert state.attributes[ATTR_HVAC_ACTION] in (HVACAction.HEATING, HVACAction.IDLE)


async def test_set_temperature(
    hass: HomeAssistant, entity_id: str, heater: SimulatedHeater
) -> None:
    await _call(hass, SERVICE_SET_TEMPERATURE, entity_id, temperature=48)
    await wait_for(hass, lambda: heater.setpoint == 96)
    await wait_for(hass, lambda: _attribute(hass, entity_id, ATTR_TEMPERATURE) == 48)


async def test_temperature_outside_limits(hass: HomeAssistant, entity_id: str) -> None:
    with pytest.raises(ServiceValidationError):
        await _call(hass, SERVICE_SET_TEMPERATURE, entity_id, temperature=30)


async def test_hvac_off_and_heat(
    hass: HomeAssistant, entity_id: str, heater: SimulatedHeater
) -> None:
    await _call(hass, SERVICE_SET_HVAC_MODE, entity_id, hvac_mode=HVACMode.OFF)
    await wait_for(hass, lambda: get_state(hass, entity_id).state == HVACMode.OFF)
    assert heater.mode == 6
    assert _attribute(hass, entity_id, ATTR_HVAC_ACTION) == HVACAction.OFF
    assert _attribute(hass, entity_id, ATTR_PRESET_MODE) is None

    await _call(hass, SERVICE_SET_HVAC_MODE, entity_id, hvac_mode=HVACMode.HEAT)
    await wait_for(hass, lambda: get_state(hass, entity_id).state == HVACMode.HEAT)
    assert heater.mode == 3


async def test_turn_off_and_on(
    hass: HomeAssistant, entity_id: str, heater: SimulatedHeater
) -> None:
    await _call(hass, SERVICE_TURN_OFF, entity_id)
    await wait_for(hass, lambda: get_state(hass, entity_id).state == HVACMode.OFF)
    await _call(hass, SERVICE_TURN_ON, entity_id)
    await wait_for(hass, lambda: get_state(hass, entity_id).state == HVACMode.HEAT)
    commands = [m["request"]["command"] for m in heater.received]
    assert commands[-2:] == [CommandCode.POWER_OFF, CommandCode.POWER_ON]


async def test_heat_while_heating_sends_nothing(
    hass: HomeAssistant, entity_id: str, heater: SimulatedHeater
) -> None:
    received = len(heater.received)
    await _call(hass, SERVICE_SET_HVAC_MODE, entity_id, **{ATTR_HVAC_MODE: "heat"})
    assert len(heater.received) == received


async def test_presets(
    hass: HomeAssistant, entity_id: str, heater: SimulatedHeater
) -> None:
    await _call(hass, SERVICE_SET_PRESET_MODE, entity_id, preset_mode="high_demand")
    await wait_for(
        hass, lambda: _attribute(hass, entity_id, ATTR_PRESET_MODE) == "high_demand"
    )
    assert heater.mode == 4

    await _call(hass, SERVICE_SET_PRESET_MODE, entity_id, preset_mode="vacation")
    await wait_for(
        hass, lambda: _attribute(hass, entity_id, ATTR_PRESET_MODE) == "vacation"
    )
    assert (heater.mode, heater.vacation_days) == (5, 7)


async def test_preset_while_off_powers_on_first(
    hass: HomeAssistant, entity_id: str, heater: SimulatedHeater
) -> None:
    await _call(hass, SERVICE_TURN_OFF, entity_id)
    await wait_for(hass, lambda: get_state(hass, entity_id).state == HVACMode.OFF)
    sent_before = len(commands(heater))
    # Two controls, each answered once applied, can outlast the action's 15 s.
    await allowing_pending(
        _call(hass, SERVICE_SET_PRESET_MODE, entity_id, preset_mode="electric")
    )
    await wait_for(
        hass, lambda: _attribute(hass, entity_id, ATTR_PRESET_MODE) == "electric"
    )
    assert commands(heater)[sent_before:] == [
        CommandCode.POWER_ON,
        CommandCode.DHW_MODE,
    ]
    assert heater.mode == 2
