"""The ``apply_plan`` action: a plan from an external planner, checked and followed.

Segments come with their start, end, mode and temperature in the owner's
unit; a time without a zone is the owner's local time. The plan is checked
with our own safety rules (``planner.validate_plan``) and refused with a
translated error that gives temperatures in the owner's unit.
"""

from typing import TYPE_CHECKING, Any, Final

from homeassistant.const import ATTR_TEMPERATURE, UnitOfTemperature
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_conversion import TemperatureConverter
import probatio

from .const import ATTR_END, ATTR_MODE, ATTR_SEGMENTS, ATTR_START, DOMAIN
from .planner import Mode, PlanError, Segment
from .smart_text import temperature_text

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from datetime import datetime

    from homeassistant.core import HomeAssistant

    from .heater_state import HeaterState
    from .smart_heating import SmartHeating

SEGMENT_SCHEMA: Final = probatio.Schema(
    {
        probatio.Required(ATTR_START): cv.datetime,
        probatio.Required(ATTR_END): cv.datetime,
        probatio.Required(ATTR_MODE): probatio.In([mode.value for mode in Mode]),
        probatio.Required(ATTR_TEMPERATURE): probatio.Coerce(float),
    }
)
APPLY_PLAN_SCHEMA: Final = cv.make_entity_service_schema(
    {probatio.Required(ATTR_SEGMENTS): [SEGMENT_SCHEMA]}
)
_TEMPERATURES: Final = frozenset({"setpoint", "minimum", "maximum", "floor"})
"""Placeholders of a PlanError that are temperatures, °C."""


def _zoned(when: datetime) -> datetime:
    """Take a time without a zone as the owner's local time."""
    if when.tzinfo is None:
        return when.replace(tzinfo=dt_util.get_default_time_zone())
    return when


def plan_segments(
    hass: HomeAssistant, raw: Sequence[Mapping[str, Any]]
) -> list[Segment]:
    """Turn the action's segments into the planner's (°C, in half degrees)."""
    unit = hass.config.units.temperature_unit
    segments = []
    for item in raw:
        celsius = TemperatureConverter.convert(
            item[ATTR_TEMPERATURE], unit, UnitOfTemperature.CELSIUS
        )
        segments.append(
            Segment(
                _zoned(item[ATTR_START]),
                _zoned(item[ATTR_END]),
                Mode(item[ATTR_MODE]),
                round(celsius * 2) / 2,
            )
        )
    return segments


async def async_apply_plan(
    hass: HomeAssistant,
    smart: SmartHeating,
    heater: HeaterState,
    raw: Sequence[Mapping[str, Any]],
) -> None:
    """Hand a heater the plan; refuse it with a translated error when it is unsafe."""
    try:
        await smart.async_apply_plan(heater.device.mac, plan_segments(hass, raw))
    except PlanError as err:
        placeholders = {
            name: temperature_text(hass, float(value))
            if name in _TEMPERATURES
            else value
            for name, value in err.placeholders.items()
        }
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key=f"plan_{err.key}",
            translation_placeholders=placeholders,
        ) from err
