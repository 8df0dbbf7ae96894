"""Smart heating in words: why a segment is planned, in the owner's language and units.

A reason becomes a translation key (``smart_<code>``, in the ``exceptions``
section like every message of ours) and its placeholders, formatted for the
owner: temperatures in their unit, times in their time zone on their
language's clock, volumes in litres or gallons. The logbook and the *Plan* calendar both use it.
"""

from typing import TYPE_CHECKING, Final

from homeassistant.const import UnitOfTemperature, UnitOfVolume
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_conversion import TemperatureConverter, VolumeConverter

from .modes import MODE_NAMES
from .texts import number_text, translated_message

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

    from homeassistant.core import HomeAssistant

    from .planner import Reason
    from .smart_control import Setting

DAY_CLOCK_ENGLISH: Final = frozenset({"en-gb", "en-ie"})
"""English variants that write the time on a 24-hour clock (CLDR), as 21:00."""
UNPADDED_HOUR_LANGUAGES: Final = frozenset({"es", "ja"})
"""24-hour languages that write the hour without a leading zero (CLDR), as 9:00."""


def temperature_text(hass: HomeAssistant, celsius: float) -> str:
    """Return a temperature in the owner's unit, e.g. "45 °C" or "113 °F"."""
    unit = hass.config.units.temperature_unit
    value = TemperatureConverter.convert(celsius, UnitOfTemperature.CELSIUS, unit)
    if unit == UnitOfTemperature.CELSIUS:
        return f"{number_text(hass, value)} {unit}"
    return f"{number_text(hass, value, digits=0)} {unit}"


def _volume_text(hass: HomeAssistant, litres: float) -> str:
    unit = hass.config.units.volume_unit
    value = VolumeConverter.convert(litres, UnitOfVolume.LITERS, unit)
    return f"{number_text(hass, value, digits=0)} {unit}"


def clock_text(hass: HomeAssistant, when: datetime) -> str:
    """Return a time of day in the owner's time zone, as their language writes it.

    The clock an owner picks in their profile (12 or 24 hours) stays in the
    browser, out of the backend's reach; a text written here follows the
    convention of Home Assistant's language, as the frontend's default does
    (CLDR): "9:00 PM" in American English, "21:00" in British English and
    French, "9:00" in Spanish. The AM/PM form is kept for English, whose
    words it is.
    """
    local = dt_util.as_local(when)
    language = hass.config.language.lower()
    primary = language.split("-")[0]
    if primary == "en" and language not in DAY_CLOCK_ENGLISH:
        half = "AM" if local.hour < 12 else "PM"
        return f"{local.hour % 12 or 12}:{local.minute:02d} {half}"
    if primary in UNPADDED_HOUR_LANGUAGES:
        return f"{local.hour}:{local.minute:02d}"
    return f"{local.hour:02d}:{local.minute:02d}"


def _time_text(hass: HomeAssistant, value: str | float) -> str:
    when = dt_util.parse_datetime(str(value))
    return clock_text(hass, when) if when else str(value)


def reason_placeholders(
    hass: HomeAssistant, params: Mapping[str, str | float]
) -> dict[str, str]:
    """Return the placeholders of a reason's parameters, formatted for the owner."""
    shown: dict[str, str] = {}
    for name, value in params.items():
        if name in ("setpoint", "set_back"):
            shown[name] = temperature_text(hass, float(value))
        elif name == "litres":
            shown[name] = _volume_text(hass, float(value))
        elif name == "mode":
            shown[name] = translated_message(hass, f"smart_mode_{value}")
        elif name in ("until", "ready_by"):
            shown[name] = _time_text(hass, value)
        else:
            shown[name] = str(value)
    return shown


def reason_key(reason: Reason) -> str:
    """Return the translation key of a planner's reason."""
    return f"smart_{reason.code}"


def setting_params(setting: Setting) -> dict[str, str | float]:
    """Return the parameters naming a mode and a set-point (°C), as a reason's do."""
    return {
        "mode": MODE_NAMES.get(setting.mode, str(setting.mode)),
        "setpoint": setting.setpoint,
    }


def reason_text(hass: HomeAssistant, reason: Reason) -> str:
    """Return a reason as a sentence in the owner's language."""
    return translated_message(
        hass, reason_key(reason), reason_placeholders(hass, reason.params)
    )
