"""The smart heating part of the options form: inputs, comfort floor, set-points.

The price and surplus entities are optional (cleared, they are forgotten); the
comfort floor is checked here, not by the form's schema, so its error is
translated and names its range; the set-back and the storage maximum are shown and taken in the owner's unit,
stored in °C, and must lie within every heater's set-point range: an error
names that range in the owner's unit.
"""

from typing import TYPE_CHECKING, Any

from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.const import UnitOfTemperature
from homeassistant.helpers.selector import (
    BooleanSelector,
    EntitySelector,
    EntitySelectorConfig,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
)
from homeassistant.util.unit_conversion import TemperatureConverter
import probatio

from .const import (
    CONF_COMFORT_FLOOR_SHOWERS,
    CONF_PRICE_ENTITY,
    CONF_PRICE_FROM_TOU,
    CONF_SETBACK_TEMPERATURE,
    CONF_STORAGE_MAX_TEMPERATURE,
    CONF_SURPLUS_ENTITY,
    MAX_COMFORT_FLOOR_SHOWERS,
    MIN_COMFORT_FLOOR_SHOWERS,
)
from .hot_water_options import SHOWERS
from .navilink.codec import DHW_TEMPERATURE_MAX_C, DHW_TEMPERATURE_MIN_C
from .smart_request import SmartOptions
from .smart_text import temperature_text
from .texts import number_text

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from homeassistant.core import HomeAssistant

    from .navilink.codec import DeviceFeature

CELSIUS = UnitOfTemperature.CELSIUS
_ENTITIES = (CONF_PRICE_ENTITY, CONF_SURPLUS_ENTITY)
_TEMPERATURES = (CONF_SETBACK_TEMPERATURE, CONF_STORAGE_MAX_TEMPERATURE)


def _temperature_selector(unit: str) -> NumberSelector:
    step = 0.5 if unit == UnitOfTemperature.CELSIUS else 1
    return NumberSelector(
        NumberSelectorConfig(
            step=step, mode=NumberSelectorMode.BOX, unit_of_measurement=unit
        )
    )


def smart_schema(temperature_unit: str) -> dict[Any, Any]:
    """Return the form's smart heating fields (all optional)."""
    return {
        probatio.Optional(CONF_PRICE_ENTITY): EntitySelector(
            EntitySelectorConfig(domain="sensor")
        ),
        probatio.Optional(CONF_PRICE_FROM_TOU): BooleanSelector(),
        probatio.Optional(CONF_SURPLUS_ENTITY): EntitySelector(
            EntitySelectorConfig(domain="sensor", device_class=SensorDeviceClass.POWER)
        ),
        probatio.Optional(CONF_COMFORT_FLOOR_SHOWERS): NumberSelector(
            NumberSelectorConfig(
                step=0.5,
                mode=NumberSelectorMode.BOX,
                unit_of_measurement=SHOWERS,
                translation_key=SHOWERS,  # its unit is translated
            )
        ),
        probatio.Optional(CONF_SETBACK_TEMPERATURE): _temperature_selector(
            temperature_unit
        ),
        probatio.Optional(CONF_STORAGE_MAX_TEMPERATURE): _temperature_selector(
            temperature_unit
        ),
    }


def setpoint_range(features: Iterable[DeviceFeature | None]) -> tuple[float, float]:
    """Return the set-points every heater takes, °C (the protocol's range by default)."""
    low, high = DHW_TEMPERATURE_MIN_C, DHW_TEMPERATURE_MAX_C
    for feature in features:
        if feature is not None and feature.dhw_temperature_min is not None:
            low = max(low, feature.dhw_temperature_min)
        if feature is not None and feature.dhw_temperature_max is not None:
            high = min(high, feature.dhw_temperature_max)
    return low, high


def smart_form_values(options: Mapping[str, Any], unit: str) -> dict[str, Any]:
    """Return the stored (or default) smart heating settings in the form's units."""
    smart = SmartOptions.from_options(options)
    values: dict[str, Any] = {
        CONF_PRICE_FROM_TOU: smart.price_from_tou,
        CONF_COMFORT_FLOOR_SHOWERS: smart.comfort_floor_showers,
        CONF_SETBACK_TEMPERATURE: smart.setback_c,
        CONF_STORAGE_MAX_TEMPERATURE: smart.storage_max_c,
    }
    for key in _TEMPERATURES:
        celsius = values[key]
        values[key] = round(
            TemperatureConverter.convert(celsius, UnitOfTemperature.CELSIUS, unit), 1
        )
    values.update({key: options[key] for key in _ENTITIES if options.get(key)})
    return values


def smart_options(
    hass: HomeAssistant,
    user_input: Mapping[str, Any],
    limits: tuple[float, float],
) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """Return the submitted settings stored (°C), the form's errors and placeholders."""
    unit = hass.config.units.temperature_unit
    stored: dict[str, Any] = {
        key: user_input[key] for key in _ENTITIES if user_input.get(key)
    }
    if CONF_PRICE_FROM_TOU in user_input:
        stored[CONF_PRICE_FROM_TOU] = bool(user_input[CONF_PRICE_FROM_TOU])
    errors: dict[str, str] = {}
    if CONF_COMFORT_FLOOR_SHOWERS in user_input:
        floor = float(user_input[CONF_COMFORT_FLOOR_SHOWERS])
        if not MIN_COMFORT_FLOOR_SHOWERS <= floor <= MAX_COMFORT_FLOOR_SHOWERS:
            errors[CONF_COMFORT_FLOOR_SHOWERS] = "comfort_floor_showers_out_of_range"
        stored[CONF_COMFORT_FLOOR_SHOWERS] = floor
    low, high = limits
    for key in _TEMPERATURES:
        if key not in user_input:
            continue
        celsius = TemperatureConverter.convert(
            float(user_input[key]), unit, UnitOfTemperature.CELSIUS
        )
        if not round(low * 2) <= round(celsius * 2) <= round(high * 2):
            errors[key] = "setpoint_out_of_range"
        stored[key] = round(celsius * 2) / 2
    setback = stored.get(CONF_SETBACK_TEMPERATURE)
    storage = stored.get(CONF_STORAGE_MAX_TEMPERATURE)
    if not errors and setback is not None and storage is not None and setback > storage:
        errors[CONF_STORAGE_MAX_TEMPERATURE] = "storage_below_setback"
    placeholders = {
        "min": temperature_text(hass, low),
        "max": temperature_text(hass, high),
        "floor_min": number_text(hass, MIN_COMFORT_FLOOR_SHOWERS),
        "floor_max": number_text(hass, MAX_COMFORT_FLOOR_SHOWERS),
    }
    return stored, errors, placeholders
