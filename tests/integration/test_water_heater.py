"""The water heater entity against the simulated heater."""

from typing import TYPE_CHECKING, Any

from homeassistant.components.water_heater.const import (
    ATTR_AWAY_MODE,
    ATTR_OPERATION_MODE,
    DOMAIN as WATER_HEATER_DOMAIN,
    SERVICE_SET_AWAY_MODE,
    SERVICE_SET_OPERATION_MODE,
    SERVICE_SET_TEMPERATURE,
)
from homeassistant.const import (
    ATTR_ENTITY_ID,
    ATTR_TEMPERATURE,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    Platform,
)
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)

from custom_components.navien_nwp500.const import DOMAIN
from custom_components.navien_nwp500.navilink.codec.enums import CommandCode

from .helpers import allowing_pending, commands, get_entity_id, get_state, wait_for

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers import entity_registry as er
    from syrupy.assertion import SnapshotAssertion

    from navilink_sim.heater import SimulatedHeater

pytestmark = [
    pytest.mark.simulator(time_scale=0, push_interval=None),
    pytest.mark.platforms(Platform.WATER_HEATER),
]


@pytest.fixture
def entity_id(hass: HomeAssistant, init_integration: MockConfigEntry) -> str:
    """Return the demo heater's water heater entity."""
    return get_entity_id(hass, WATER_HEATER_DOMAIN, "water_heater")


async def _call(hass: HomeAssistant, service: str, entity_id: str, **data: Any) -> None:
    await hass.services.async_call(
        WATER_HEATER_DOMAIN,
        service,
        {ATTR_ENTITY_ID: entity_id, **data},
        blocking=True,
    )


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
    assert state.state == "eco"
    assert state.attributes[ATTR_TEMPERATURE] == heater.setpoint / 2
    assert state.attributes["min_temp"] == 40.5
    assert state.attributes["max_temp"] == 65.5
    assert state.attributes["target_temp_step"] == 0.5
    assert state.attributes["operation_list"] == [
        "heat_pump",
        "electric",
        "eco",
        "high_demand",
        "vacation",
        STATE_OFF,
    ]
    assert state.attributes[ATTR_AWAY_MODE] == STATE_OFF


async def test_set_temperature(
    hass: HomeAssistant, entity_id: str, heater: SimulatedHeater
) -> None:
    await _call(hass, SERVICE_SET_TEMPERATURE, entity_id, temperature=52.5)
    await wait_for(hass, lambda: heater.setpoint == 105)
    await wait_for(
        hass,
        lambda: get_state(hass, entity_id).attributes[ATTR_TEMPERATURE] == 52.5,
    )


async def test_temperature_out_of_range(
    hass: HomeAssistant, entity_id: str, heater: SimulatedHeater
) -> None:
    received = len(heater.received)
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, SERVICE_SET_TEMPERATURE, entity_id, temperature=80)
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == "temperature_out_of_range"
    assert err.value.translation_placeholders == {"min": "40.5 °C", "max": "65.5 °C"}
    assert str(err.value) == (
        "The temperature must be between 40.5 °C and 65.5 °C,"
        " the limits of this water heater"
    )
    assert len(heater.received) == received


async def test_set_operation_mode(
    hass: HomeAssistant, entity_id: str, heater: SimulatedHeater
) -> None:
    await _call(hass, SERVICE_SET_OPERATION_MODE, entity_id, operation_mode="heat_pump")
    await wait_for(hass, lambda: get_state(hass, entity_id).state == "heat_pump")
    assert heater.mode == 1


async def test_off_then_another_mode_powers_on_first(
    hass: HomeAssistant, entity_id: str, heater: SimulatedHeater
) -> None:
    await _call(hass, SERVICE_SET_OPERATION_MODE, entity_id, operation_mode=STATE_OFF)
    await wait_for(hass, lambda: get_state(hass, entity_id).state == STATE_OFF)
    assert heater.mode == 6
    sent_before = len(heater.received)

    # Two controls, each answered once applied, can outlast the action's 15 s.
    await allowing_pending(
        _call(hass, SERVICE_SET_OPERATION_MODE, entity_id, operation_mode="high_demand")
    )
    await wait_for(hass, lambda: get_state(hass, entity_id).state == "high_demand")
    assert heater.mode == 4
    assert commands(heater)[sent_before:] == [
        CommandCode.POWER_ON,
        CommandCode.DHW_MODE,
    ]


async def test_turn_off_and_on(
    hass: HomeAssistant, entity_id: str, heater: SimulatedHeater
) -> None:
    await _call(hass, SERVICE_TURN_OFF, entity_id)
    await wait_for(hass, lambda: get_state(hass, entity_id).state == STATE_OFF)
    await _call(hass, SERVICE_TURN_ON, entity_id)
    await wait_for(hass, lambda: get_state(hass, entity_id).state == "eco")
    assert heater.mode == 3
    assert commands(heater)[-2:] == [CommandCode.POWER_OFF, CommandCode.POWER_ON]


async def test_away_mode_is_vacation(
    hass: HomeAssistant, entity_id: str, heater: SimulatedHeater
) -> None:
    await _call(hass, SERVICE_SET_OPERATION_MODE, entity_id, operation_mode="heat_pump")
    await wait_for(hass, lambda: get_state(hass, entity_id).state == "heat_pump")

    await _call(hass, SERVICE_SET_AWAY_MODE, entity_id, away_mode=True)
    await wait_for(
        hass, lambda: get_state(hass, entity_id).attributes[ATTR_AWAY_MODE] == "on"
    )
    assert (heater.mode, heater.vacation_days) == (5, 7)
    # The operation says what the heater (and the Mode sensor) report.
    assert get_state(hass, entity_id).state == "vacation"

    await _call(hass, SERVICE_SET_AWAY_MODE, entity_id, away_mode=False)
    await wait_for(
        hass, lambda: get_state(hass, entity_id).attributes[ATTR_AWAY_MODE] == "off"
    )
    assert heater.mode == 1


async def test_vacation_is_an_operation_too(
    hass: HomeAssistant, entity_id: str, heater: SimulatedHeater
) -> None:
    assert "vacation" in get_state(hass, entity_id).attributes["operation_list"]

    await _call(hass, SERVICE_SET_OPERATION_MODE, entity_id, operation_mode="vacation")
    await wait_for(hass, lambda: get_state(hass, entity_id).state == "vacation")
    assert (heater.mode, heater.vacation_days) == (5, 7)
    assert get_state(hass, entity_id).attributes[ATTR_AWAY_MODE] == "on"

    await _call(hass, SERVICE_SET_OPERATION_MODE, entity_id, operation_mode="electric")
    await wait_for(hass, lambda: get_state(hass, entity_id).state == "electric")
    assert get_state(hass, entity_id).attributes[ATTR_AWAY_MODE] == "off"


async def test_unknown_mode_is_refused(
    hass: HomeAssistant, entity_id: str, heater: SimulatedHeater
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await _call(
            hass,
            SERVICE_SET_TEMPERATURE,
            entity_id,
            temperature=50,
            **{ATTR_OPERATION_MODE: "gas"},
        )
    assert err.value.translation_key == "invalid_mode"
