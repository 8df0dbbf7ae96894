"""A °F Home Assistant: whole °F set-points and reservations over half-°C wiring."""

from typing import TYPE_CHECKING, Any

from homeassistant.components.climate import DOMAIN as CLIMATE_DOMAIN
from homeassistant.components.water_heater import (
    DOMAIN as WATER_HEATER_DOMAIN,
    SERVICE_SET_TEMPERATURE,
)
from homeassistant.const import ATTR_ENTITY_ID, ATTR_TEMPERATURE, Platform
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM
import pytest

from custom_components.navien_nwp500 import services
from custom_components.navien_nwp500.const import DOMAIN
from custom_components.navien_nwp500.navilink.codec.enums import CommandCode

from .conftest import DEMO_MAC
from .helpers import commands, get_entity_id, get_state, wait_for

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from navilink_sim.heater import SimulatedHeater

pytestmark = [
    pytest.mark.simulator(time_scale=0, push_interval=None),
    pytest.mark.platforms(Platform.WATER_HEATER, Platform.CLIMATE),
    pytest.mark.usefixtures("entity_registry_enabled_by_default"),
]


@pytest.fixture
async def fahrenheit(hass: HomeAssistant) -> None:
    """Configure Home Assistant for US customary units before the entry loads."""
    hass.config.units = US_CUSTOMARY_SYSTEM


@pytest.fixture
def device_id(hass: HomeAssistant, init_integration: MockConfigEntry) -> str:
    """Return the demo heater's device."""
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, DEMO_MAC), init_integration.entry_id
    )
    assert device is not None
    return device.id


def _attributes(hass: HomeAssistant, domain: str, key: str) -> dict[str, Any]:
    return dict(get_state(hass, get_entity_id(hass, domain, key)).attributes)


@pytest.mark.usefixtures(
    "entity_registry_enabled_by_default", "fahrenheit", "init_integration"
)
@pytest.mark.parametrize(
    ("domain", "key"),
    [(WATER_HEATER_DOMAIN, "water_heater"), (CLIMATE_DOMAIN, "climate")],
)
async def test_set_point_moves_and_shows_in_whole_degrees(
    hass: HomeAssistant, heater: SimulatedHeater, domain: str, key: str
) -> None:
    attributes = _attributes(hass, domain, key)
    assert attributes["target_temp_step"] == 1
    for name in ("min_temp", "max_temp", ATTR_TEMPERATURE, "current_temperature"):
        assert float(attributes[name]).is_integer(), (name, attributes[name])

    await hass.services.async_call(
        domain,
        SERVICE_SET_TEMPERATURE,
        {ATTR_ENTITY_ID: get_entity_id(hass, domain, key), ATTR_TEMPERATURE: 120},
        blocking=True,
    )
    await wait_for(hass, lambda: heater.setpoint == 98)
    await wait_for(
        hass, lambda: _attributes(hass, domain, key)[ATTR_TEMPERATURE] == 120
    )


@pytest.mark.usefixtures("fahrenheit")
async def test_reservation_temperatures_are_taken_and_given_in_fahrenheit(
    hass: HomeAssistant, device_id: str, heater: SimulatedHeater
) -> None:
    entry = {"days": ["monday"], "time": "06:30", "mode": "eco", "temperature": 120}
    response = await hass.services.async_call(
        DOMAIN,
        services.SERVICE_SET_RESERVATIONS,
        {"device_id": device_id, "enabled": True, "reservations": [entry]},
        blocking=True,
        return_response=True,
    )
    assert heater.reservations[0]["param"] == 98
    assert heater.reservations[0]["mode"] == 3
    expected = {"enabled": True, "reservations": [{**entry, "enabled": True}]}
    assert response == expected
    assert (
        await hass.services.async_call(
            DOMAIN,
            services.SERVICE_GET_RESERVATIONS,
            {"device_id": device_id},
            blocking=True,
            return_response=True,
        )
        == expected
    )


@pytest.mark.usefixtures("fahrenheit")
async def test_a_set_point_out_of_range_is_refused_in_fahrenheit(
    hass: HomeAssistant, device_id: str, heater: SimulatedHeater
) -> None:
    """The heater's own limits (40.5-65.5 °C) are named in the user's unit."""
    received = len(heater.received)
    entity_id = get_entity_id(hass, WATER_HEATER_DOMAIN, "water_heater")
    with pytest.raises(ServiceValidationError) as raised:
        await hass.services.async_call(
            WATER_HEATER_DOMAIN,
            SERVICE_SET_TEMPERATURE,
            {ATTR_ENTITY_ID: entity_id, ATTR_TEMPERATURE: 160},
            blocking=True,
        )
    assert raised.value.translation_placeholders == {"min": "105 °F", "max": "150 °F"}
    assert str(raised.value) == (
        "The temperature must be between 105 °F and 150 °F,"
        " the limits of this water heater"
    )

    entry = {"days": ["monday"], "time": "06:30", "mode": "eco", "temperature": 100}
    with pytest.raises(ServiceValidationError) as raised:
        await hass.services.async_call(
            DOMAIN,
            services.SERVICE_SET_RESERVATIONS,
            {"device_id": device_id, "reservations": [entry]},
            blocking=True,
            return_response=True,
        )
    placeholders = raised.value.translation_placeholders or {}
    assert (placeholders["min"], placeholders["max"]) == ("105 °F", "150 °F")
    assert CommandCode.RESERVATION_WRITE not in commands(heater)[received:]
