"""The hot water part of the options form, in the owner's units, stored metric.

Options are stored in °C and litres; a Home Assistant set to US customary units
shows and takes °F and gallons. The form checks the ranges itself, so that an
error is translated and names the range in the owner's units.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from homeassistant.const import UnitOfTemperature, UnitOfVolume
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
)
from homeassistant.util.unit_conversion import (
    BaseUnitConverter,
    TemperatureConverter,
    VolumeConverter,
)
import probatio

from .const import (
    CONF_COLD_WATER_TEMPERATURE,
    CONF_LITRES_PER_SHOWER,
    CONF_LOW_HOT_WATER_SHOWERS,
    MAX_COLD_WATER_TEMPERATURE,
    MAX_LITRES_PER_SHOWER,
    MAX_LOW_HOT_WATER_SHOWERS,
    MIN_COLD_WATER_TEMPERATURE,
    MIN_LITRES_PER_SHOWER,
    MIN_LOW_HOT_WATER_SHOWERS,
)
from .hot_water import (
    DEFAULT_COLD_WATER_C,
    DEFAULT_LITRES_PER_SHOWER,
    DEFAULT_LOW_HOT_WATER_SHOWERS,
    HotWaterSettings,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from homeassistant.util.unit_system import UnitSystem

SHOWERS = "showers"


@dataclass(frozen=True, slots=True)
class _Field:
    """One hot water option: its stored unit and range, and its imperial form."""

    key: str
    default: float
    low: float
    high: float
    step: float
    unit: str
    imperial_unit: str
    imperial_step: float
    placeholder: str
    """Prefix of the ``{..._min}``/``{..._max}`` placeholders of its error."""
    converter: type[BaseUnitConverter] | None = None

    def shown_unit(self, imperial: bool) -> str:
        """Return the unit the form shows."""
        return self.imperial_unit if imperial else self.unit

    def to_form(self, value: float, imperial: bool) -> float:
        """Convert a stored value to the form's unit."""
        if not imperial or self.converter is None:
            return value
        return round(self.converter.convert(value, self.unit, self.imperial_unit), 1)

    def from_form(self, value: float, imperial: bool) -> float:
        """Convert a form value to the stored unit."""
        if not imperial or self.converter is None:
            return value
        return round(self.converter.convert(value, self.imperial_unit, self.unit), 2)

    @property
    def error(self) -> str:
        """The form error of a value out of range."""
        return f"{self.key}_out_of_range"

    def form_range(self, imperial: bool) -> tuple[float, float]:
        """Return the lowest and highest value, in the form's unit."""
        return self.to_form(self.low, imperial), self.to_form(self.high, imperial)

    def range_placeholders(
        self, imperial: bool, number: Callable[[float], str]
    ) -> dict[str, str]:
        """Say the range in the form's unit (showers are counted in the text).

        ``number`` writes a number for the user's language.
        """
        unit = "" if self.unit == SHOWERS else f" {self.shown_unit(imperial)}"
        low, high = self.form_range(imperial)
        return {
            f"{self.placeholder}_min": f"{number(low)}{unit}",
            f"{self.placeholder}_max": f"{number(high)}{unit}",
        }

    def selector(self, imperial: bool) -> NumberSelector:
        """Return a number box in the form's unit (the range is checked by the form)."""
        config = NumberSelectorConfig(
            step=self.imperial_step if imperial else self.step,
            mode=NumberSelectorMode.BOX,
            unit_of_measurement=self.shown_unit(imperial),
        )
        if self.unit == SHOWERS:
            config["translation_key"] = SHOWERS  # its unit is translated
        return NumberSelector(config)


FIELDS = (
    _Field(
        CONF_COLD_WATER_TEMPERATURE,
        DEFAULT_COLD_WATER_C,
        MIN_COLD_WATER_TEMPERATURE,
        MAX_COLD_WATER_TEMPERATURE,
        0.5,
        UnitOfTemperature.CELSIUS,
        UnitOfTemperature.FAHRENHEIT,
        1,
        "cold",
        TemperatureConverter,
    ),
    _Field(
        CONF_LITRES_PER_SHOWER,
        DEFAULT_LITRES_PER_SHOWER,
        MIN_LITRES_PER_SHOWER,
        MAX_LITRES_PER_SHOWER,
        1,
        UnitOfVolume.LITERS,
        UnitOfVolume.GALLONS,
        0.5,
        "shower",
        VolumeConverter,
    ),
    _Field(
        CONF_LOW_HOT_WATER_SHOWERS,
        DEFAULT_LOW_HOT_WATER_SHOWERS,
        MIN_LOW_HOT_WATER_SHOWERS,
        MAX_LOW_HOT_WATER_SHOWERS,
        0.5,
        SHOWERS,
        SHOWERS,
        0.5,
        "low",
    ),
)


def _imperial(units: UnitSystem) -> bool:
    return units.temperature_unit == UnitOfTemperature.FAHRENHEIT


def hot_water_schema(units: UnitSystem) -> dict[Any, NumberSelector]:
    """Return the form's hot water fields (optional: a missing one keeps its value)."""
    imperial = _imperial(units)
    return {probatio.Optional(f.key): f.selector(imperial) for f in FIELDS}


def hot_water_form_values(
    options: Mapping[str, Any], units: UnitSystem
) -> dict[str, float]:
    """Return the stored (or default) hot water settings in the form's units."""
    imperial = _imperial(units)
    return {
        f.key: f.to_form(float(options.get(f.key, f.default)), imperial) for f in FIELDS
    }


def hot_water_options(
    user_input: Mapping[str, Any], units: UnitSystem
) -> dict[str, float]:
    """Return the submitted hot water settings in the stored units."""
    imperial = _imperial(units)
    return {
        f.key: f.from_form(float(user_input[f.key]), imperial)
        for f in FIELDS
        if f.key in user_input
    }


def hot_water_errors(
    user_input: Mapping[str, Any], units: UnitSystem
) -> dict[str, str]:
    """Return the form error of each submitted hot water value out of its range."""
    imperial = _imperial(units)
    errors: dict[str, str] = {}
    for f in FIELDS:
        if f.key not in user_input:
            continue
        low, high = f.form_range(imperial)
        if not low <= float(user_input[f.key]) <= high:
            errors[f.key] = f.error
    return errors


def hot_water_placeholders(
    units: UnitSystem, number: Callable[[float], str]
) -> dict[str, str]:
    """Return the ranges the hot water errors name, in the form's units and language."""
    imperial = _imperial(units)
    placeholders: dict[str, str] = {}
    for f in FIELDS:
        placeholders |= f.range_placeholders(imperial, number)
    return placeholders


def hot_water_settings(options: Mapping[str, Any]) -> HotWaterSettings:
    """Read the owner's hot water settings from the entry options."""
    return HotWaterSettings(
        cold_water_c=float(
            options.get(CONF_COLD_WATER_TEMPERATURE, DEFAULT_COLD_WATER_C)
        ),
        litres_per_shower=float(
            options.get(CONF_LITRES_PER_SHOWER, DEFAULT_LITRES_PER_SHOWER)
        ),
        low_hot_water_showers=float(
            options.get(CONF_LOW_HOT_WATER_SHOWERS, DEFAULT_LOW_HOT_WATER_SHOWERS)
        ),
    )
