"""Smart heating's options: inputs, comfort floor and set-points in the owner's unit."""

from typing import TYPE_CHECKING, Any

from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.translation import async_get_translations
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM
import pytest

from custom_components.navien_nwp500.const import (
    CONF_COMFORT_FLOOR_SHOWERS,
    CONF_PRICE_ENTITY,
    CONF_QUEUE_MAX_AGE,
    CONF_SETBACK_TEMPERATURE,
    CONF_STORAGE_MAX_TEMPERATURE,
    CONF_SURPLUS_ENTITY,
    DOMAIN,
)

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigFlowResult
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

pytestmark = pytest.mark.simulator(time_scale=0, push_interval=None)


@pytest.fixture
def us_units(hass: HomeAssistant) -> None:
    """Set Home Assistant to US customary units before the entry loads."""
    hass.config.units = US_CUSTOMARY_SYSTEM


def _suggested(flow: ConfigFlowResult) -> dict[str, Any]:
    return {
        str(key): key.description["suggested_value"]
        for key in flow["data_schema"].schema
        if key.description
    }


async def _submit(
    hass: HomeAssistant, entry: MockConfigEntry, **values: Any
) -> ConfigFlowResult:
    flow = await hass.config_entries.options.async_init(entry.entry_id)
    return await hass.config_entries.options.async_configure(
        flow["flow_id"], {CONF_QUEUE_MAX_AGE: 300, **values}
    )


async def test_set_points_in_fahrenheit_stored_in_celsius(
    hass: HomeAssistant, us_units: None, init_integration: MockConfigEntry
) -> None:
    flow = await hass.config_entries.options.async_init(init_integration.entry_id)
    suggested = _suggested(flow)
    assert suggested[CONF_SETBACK_TEMPERATURE] == 113.0
    assert suggested[CONF_STORAGE_MAX_TEMPERATURE] == 140.0
    assert CONF_PRICE_ENTITY not in suggested

    result = await hass.config_entries.options.async_configure(
        flow["flow_id"],
        {
            CONF_QUEUE_MAX_AGE: 300,
            CONF_PRICE_ENTITY: "sensor.price",
            CONF_SURPLUS_ENTITY: "sensor.export",
            CONF_COMFORT_FLOOR_SHOWERS: 2,
            CONF_SETBACK_TEMPERATURE: 110,
            CONF_STORAGE_MAX_TEMPERATURE: 149,
        },
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    options = init_integration.options
    assert options[CONF_SETBACK_TEMPERATURE] == 43.5
    assert options[CONF_STORAGE_MAX_TEMPERATURE] == 65.0
    assert options[CONF_COMFORT_FLOOR_SHOWERS] == 2
    assert (options[CONF_PRICE_ENTITY], options[CONF_SURPLUS_ENTITY]) == (
        "sensor.price",
        "sensor.export",
    )

    cleared = await _submit(hass, init_integration)
    assert cleared["type"] is FlowResultType.CREATE_ENTRY
    assert CONF_PRICE_ENTITY not in init_integration.options
    assert init_integration.options[CONF_SETBACK_TEMPERATURE] == 43.5


async def test_a_set_point_outside_the_heater_range_names_it_in_the_owner_unit(
    hass: HomeAssistant, us_units: None, init_integration: MockConfigEntry
) -> None:
    result = await _submit(hass, init_integration, **{CONF_SETBACK_TEMPERATURE: 100})

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_SETBACK_TEMPERATURE: "setpoint_out_of_range"}
    placeholders = result["description_placeholders"]
    assert placeholders is not None
    assert (placeholders["min"], placeholders["max"]) == ("105 °F", "150 °F")
    assert CONF_SETBACK_TEMPERATURE not in init_integration.options


async def test_the_storage_maximum_cannot_be_below_the_set_back(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    result = await _submit(
        hass,
        init_integration,
        **{CONF_SETBACK_TEMPERATURE: 55, CONF_STORAGE_MAX_TEMPERATURE: 50},
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_STORAGE_MAX_TEMPERATURE: "storage_below_setback"}


@pytest.mark.parametrize("showers", [-0.5, 6.5, 20])
async def test_a_comfort_floor_out_of_range_gets_a_translated_error_naming_it(
    hass: HomeAssistant, init_integration: MockConfigEntry, showers: float
) -> None:
    result = await _submit(
        hass, init_integration, **{CONF_COMFORT_FLOOR_SHOWERS: showers}
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {
        CONF_COMFORT_FLOOR_SHOWERS: "comfort_floor_showers_out_of_range"
    }
    placeholders = result["description_placeholders"]
    assert placeholders is not None
    assert (placeholders["floor_min"], placeholders["floor_max"]) == ("0", "6")
    assert CONF_COMFORT_FLOOR_SHOWERS not in init_integration.options


async def test_the_comfort_floor_unit_is_the_translated_showers(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    flow = await hass.config_entries.options.async_init(init_integration.entry_id)

    field = next(
        value
        for key, value in flow["data_schema"].schema.items()
        if str(key) == CONF_COMFORT_FLOOR_SHOWERS
    )
    key, unit = field.config["translation_key"], field.config["unit_of_measurement"]
    prefix = f"component.{DOMAIN}.selector.{key}.unit_of_measurement.{unit}"
    for language, shown in (("en", "showers"), ("fr", "douches"), ("es", "duchas")):
        texts = await async_get_translations(hass, language, "selector", [DOMAIN])
        assert texts[prefix] == shown
