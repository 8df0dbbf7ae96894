"""A °F Home Assistant: whole °F set-points and reservations over half-°C wiring."""

from typing import TYPE_CHECKING, Any

from homeassistant.components.climate import DOMAIN as CLIMATE_DOMAIN
from homeassistant.components.sensor import (
    DOMAIN as SENSOR_DOMAIN,
    async_update_suggested_units,
)
from homeassistant.components.water_heater import (
    DOMAIN as WATER_HEATER_DOMAIN,
    SERVICE_SET_TEMPERATURE,
)
from homeassistant.const import ATTR_ENTITY_ID, ATTR_TEMPERATURE, Platform
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM
import pytest

from custom_components.navien_nwp500 import services
from custom_components.navien_nwp500.const import DOMAIN
from custom_components.navien_nwp500.navilink.codec.enums import CommandCode

from .conftest import DEMO_MAC
from .helpers import commands, get_entity_id, get_state, push, wait_for

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant, State
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from navilink_sim.heater import SimulatedHeater
    from navilink_sim.simulator import NaviLinkSimulator

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


TEMPERATURES = (
    "dhw_temperature",
    "tank_upper_temperature",
    "tank_lower_temperature",
    "ambient_temperature",
    "dhw_temperature_setting",
)


def _sensor(hass: HomeAssistant, key: str) -> State:
    return get_state(hass, get_entity_id(hass, SENSOR_DOMAIN, key))


def _units(hass: HomeAssistant) -> set[str]:
    return {
        _sensor(hass, key).attributes["unit_of_measurement"] for key in TEMPERATURES
    }


async def _reload_and_set_up_again(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


@pytest.mark.platforms(Platform.SENSOR, Platform.WATER_HEATER)
async def test_a_unit_system_change_sticks_across_reloads(
    hass: HomeAssistant, init_integration: MockConfigEntry, heater: SimulatedHeater
) -> None:
    """Switched to US units with "update units", the sensors stay in °F after reloads.

    Home Assistant used to pin them back to °C (their unit before the change)
    as soon as they were added again.
    """
    assert _units(hass) == {"°C"}
    await hass.config.async_update(unit_system="us_customary")
    async_update_suggested_units(hass)  # what the settings page does on "update units"
    await hass.async_block_till_done()
    assert _units(hass) == {"°F"}

    await _reload_and_set_up_again(hass, init_integration)
    assert _units(hass) == {"°F"}
    registry = er.async_get(hass)
    for key in TEMPERATURES:
        entry = registry.async_get(get_entity_id(hass, SENSOR_DOMAIN, key))
        assert entry is not None
        assert entry.options["sensor.private"]["suggested_unit_of_measurement"] == "°F"
    upper_c = heater.status["tankUpperTemperature"] / 10
    upper = float(_sensor(hass, "tank_upper_temperature").state)
    assert upper == pytest.approx(upper_c * 9 / 5 + 32, abs=0.01)


@pytest.mark.platforms(Platform.SENSOR)
async def test_a_change_without_updating_units_keeps_them_across_reloads(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: NaviLinkSimulator
) -> None:
    """Without "update units" the sensors keep °C: at once and after reloads alike."""
    await hass.config.async_update(unit_system="us_customary")
    await push(hass, simulator)
    assert _units(hass) == {"°C"}
    await _reload_and_set_up_again(hass, init_integration)
    assert _units(hass) == {"°C"}


@pytest.mark.platforms(Platform.SENSOR, Platform.WATER_HEATER)
@pytest.mark.usefixtures("fahrenheit")
async def test_target_temperature_sensor_shows_the_water_heaters_whole_degrees(
    hass: HomeAssistant, init_integration: MockConfigEntry, heater: SimulatedHeater
) -> None:
    """145 °F set (63 °C on the wire, 145.4 °F): both show 145, in whole °F."""
    await hass.services.async_call(
        WATER_HEATER_DOMAIN,
        SERVICE_SET_TEMPERATURE,
        {
            ATTR_ENTITY_ID: get_entity_id(hass, WATER_HEATER_DOMAIN, "water_heater"),
            ATTR_TEMPERATURE: 145,
        },
        blocking=True,
    )
    await wait_for(hass, lambda: heater.setpoint == 126)
    sensor_id = get_entity_id(hass, SENSOR_DOMAIN, "dhw_temperature_setting")
    await wait_for(hass, lambda: float(get_state(hass, sensor_id).state) > 145)
    entry = er.async_get(hass).async_get(sensor_id)
    assert entry is not None
    precision = entry.options["sensor"]["suggested_display_precision"]
    shown = f"{float(get_state(hass, sensor_id).state):.{precision}f}"
    water_heater = _attributes(hass, WATER_HEATER_DOMAIN, "water_heater")
    assert shown == f"{water_heater[ATTR_TEMPERATURE]:.0f}" == "145"


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
