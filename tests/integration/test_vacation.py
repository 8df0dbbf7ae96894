"""Vacation: a length that is only a setting, started by a button or away mode."""

from typing import TYPE_CHECKING, Any

from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.components.climate import (
    DOMAIN as CLIMATE_DOMAIN,
    SERVICE_SET_PRESET_MODE,
)
from homeassistant.components.number import (
    ATTR_VALUE,
    DOMAIN as NUMBER_DOMAIN,
    SERVICE_SET_VALUE,
)
from homeassistant.components.water_heater import (
    DOMAIN as WATER_HEATER_DOMAIN,
    SERVICE_SET_AWAY_MODE,
    SERVICE_SET_OPERATION_MODE,
)
from homeassistant.const import ATTR_ENTITY_ID, Platform
from homeassistant.core import State
import pytest
from pytest_homeassistant_custom_component.common import (
    mock_restore_cache_with_extra_data,
)

from custom_components.navien_nwp500.const import DOMAIN
from custom_components.navien_nwp500.navilink.codec.enums import DhwOperationSetting

from .conftest import DEMO_MAC
from .helpers import get_entity_id, wait_for

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers import entity_registry as er
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from navilink_sim.heater import SimulatedHeater

pytestmark = [
    pytest.mark.simulator(time_scale=0, push_interval=None),
    pytest.mark.platforms(
        Platform.NUMBER, Platform.BUTTON, Platform.WATER_HEATER, Platform.CLIMATE
    ),
    pytest.mark.usefixtures("entity_registry_enabled_by_default"),
]

VACATION = DhwOperationSetting.VACATION


async def _call(hass: HomeAssistant, domain: str, service: str, **data: Any) -> None:
    await hass.services.async_call(domain, service, data, blocking=True)


async def _set_length(hass: HomeAssistant, days: int) -> None:
    await _call(
        hass,
        NUMBER_DOMAIN,
        SERVICE_SET_VALUE,
        entity_id=get_entity_id(hass, NUMBER_DOMAIN, "vacation_length"),
        **{ATTR_VALUE: days},
    )


async def _end_vacation(hass: HomeAssistant, heater: SimulatedHeater) -> None:
    await _call(
        hass,
        WATER_HEATER_DOMAIN,
        SERVICE_SET_OPERATION_MODE,
        entity_id=get_entity_id(hass, WATER_HEATER_DOMAIN, "water_heater"),
        operation_mode="heat_pump",
    )
    await wait_for(hass, lambda: heater.mode != VACATION)


async def test_button_away_mode_and_preset_start_a_vacation_of_the_set_length(
    hass: HomeAssistant, init_integration: MockConfigEntry, heater: SimulatedHeater
) -> None:
    await _set_length(hass, 3)
    await _call(
        hass,
        BUTTON_DOMAIN,
        SERVICE_PRESS,
        entity_id=get_entity_id(hass, BUTTON_DOMAIN, "start_vacation"),
    )
    await wait_for(hass, lambda: (heater.mode, heater.vacation_days) == (VACATION, 3))

    await _end_vacation(hass, heater)
    await _set_length(hass, 12)
    await _call(
        hass,
        WATER_HEATER_DOMAIN,
        SERVICE_SET_AWAY_MODE,
        entity_id=get_entity_id(hass, WATER_HEATER_DOMAIN, "water_heater"),
        away_mode=True,
    )
    await wait_for(hass, lambda: (heater.mode, heater.vacation_days) == (VACATION, 12))

    await _end_vacation(hass, heater)
    await _set_length(hass, 30)
    await _call(
        hass,
        CLIMATE_DOMAIN,
        SERVICE_SET_PRESET_MODE,
        **{ATTR_ENTITY_ID: get_entity_id(hass, CLIMATE_DOMAIN, "climate")},
        preset_mode="vacation",
    )
    await wait_for(hass, lambda: (heater.mode, heater.vacation_days) == (VACATION, 30))


async def test_vacation_length_survives_a_restart(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, heater: SimulatedHeater
) -> None:
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State("number.nwp500_vacation_length_local", "9"),
                {
                    "native_max_value": 30.0,
                    "native_min_value": 1.0,
                    "native_step": 1.0,
                    "native_unit_of_measurement": "d",
                    "native_value": 9.0,
                },
            )
        ],
    )
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()

    length = get_entity_id(hass, NUMBER_DOMAIN, "vacation_length")
    assert length == "number.nwp500_vacation_length_local"
    assert hass.states.get(length).state == "9"
    assert heater.mode != VACATION
    await _call(
        hass,
        BUTTON_DOMAIN,
        SERVICE_PRESS,
        entity_id=get_entity_id(hass, BUTTON_DOMAIN, "start_vacation"),
    )
    await wait_for(hass, lambda: (heater.mode, heater.vacation_days) == (VACATION, 9))


async def test_the_number_that_started_a_vacation_when_edited_is_removed(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    heater: SimulatedHeater,
) -> None:
    mock_config_entry.add_to_hass(hass)
    old = entity_registry.async_get_or_create(
        NUMBER_DOMAIN,
        DOMAIN,
        f"{DEMO_MAC}_vacation_days",
        config_entry=mock_config_entry,
        suggested_object_id="nwp500_vacation_days",
    )
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()

    assert entity_registry.async_get(old.entity_id) is None
    assert hass.states.get(old.entity_id) is None
    assert get_entity_id(hass, NUMBER_DOMAIN, "vacation_length")
