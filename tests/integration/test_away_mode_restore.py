"""Away mode (vacation) ends in the mode from before it, even after a restart."""

from typing import TYPE_CHECKING, Any

from homeassistant.components.water_heater.const import (
    ATTR_AWAY_MODE,
    DOMAIN as WATER_HEATER_DOMAIN,
    SERVICE_SET_AWAY_MODE,
    SERVICE_SET_OPERATION_MODE,
)
from homeassistant.const import ATTR_ENTITY_ID, Platform
from homeassistant.core import State
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import (
    mock_restore_cache_with_extra_data,
)

from custom_components.navien_nwp500.navilink.codec.enums import CommandCode

from .helpers import commands, get_entity_id, get_state, wait_for

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from navilink_sim.heater import SimulatedHeater

pytestmark = [
    pytest.mark.simulator(time_scale=0, push_interval=None),
    pytest.mark.platforms(Platform.WATER_HEATER),
]

HEAT_PUMP, ELECTRIC, VACATION = 1, 2, 5
ENTITY_ID = "water_heater.nwp500"


async def _call(hass: HomeAssistant, service: str, **data: Any) -> None:
    await hass.services.async_call(
        WATER_HEATER_DOMAIN,
        service,
        {
            ATTR_ENTITY_ID: get_entity_id(hass, WATER_HEATER_DOMAIN, "water_heater"),
            **data,
        },
        blocking=True,
    )


def _away(hass: HomeAssistant) -> str:
    return get_state(hass, ENTITY_ID).attributes[ATTR_AWAY_MODE]


async def test_away_off_after_a_reload_returns_to_the_mode_from_before(
    hass: HomeAssistant, init_integration: MockConfigEntry, heater: SimulatedHeater
) -> None:
    await _call(hass, SERVICE_SET_OPERATION_MODE, operation_mode="heat_pump")
    await _call(hass, SERVICE_SET_AWAY_MODE, away_mode=True)
    await wait_for(hass, lambda: _away(hass) == "on")

    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert heater.mode == VACATION
    assert get_state(hass, ENTITY_ID).state == "vacation"

    await _call(hass, SERVICE_SET_AWAY_MODE, away_mode=False)
    await wait_for(hass, lambda: _away(hass) == "off")
    assert heater.mode == HEAT_PUMP


async def test_away_off_after_a_restart_sends_the_restored_mode(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, heater: SimulatedHeater
) -> None:
    heater.mode = VACATION
    mock_restore_cache_with_extra_data(
        hass, [(State(ENTITY_ID, "electric"), {"mode_before_vacation": ELECTRIC})]
    )
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert get_state(hass, ENTITY_ID).state == "vacation"

    await _call(hass, SERVICE_SET_AWAY_MODE, away_mode=False)
    await wait_for(hass, lambda: _away(hass) == "off")
    assert heater.mode == ELECTRIC
    assert commands(heater)[-1] == CommandCode.DHW_MODE


async def test_away_off_with_no_known_mode_asks_for_one_instead_of_guessing(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, heater: SimulatedHeater
) -> None:
    heater.mode = VACATION
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert get_state(hass, ENTITY_ID).state == "vacation"
    received = len(heater.received)

    with pytest.raises(ServiceValidationError) as raised:
        await _call(hass, SERVICE_SET_AWAY_MODE, away_mode=False)
    assert raised.value.translation_key == "mode_before_away_unknown"
    assert len(heater.received) == received
    assert heater.mode == VACATION
