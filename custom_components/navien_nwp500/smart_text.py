"""Smart heating in words: why a segment is planned, in the owner's language and units.

A reason becomes a translation key (``smart_<code>``, in the ``exceptions``
section like every message of ours) and its placeholders, formatted for the
owner: temperatures in their unit, times in their time zone, volumes in
litres or gallons. The logbook and the *Plan* calendar both use it.
"""

from typing import TYPE_CHECKING

from homeassistant.const import UnitOfTemperature, UnitOfVolume
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_conversion import TemperatureConverter, VolumeConverter

from .modes import MODE_NAMES
from .texts import number_text, translated_message

if TYPE_CHECKING:
    from collections.abc import Mapping

    from homeassistant.core import HomeAssistant

    from .planner import Reason
    from .smart_control import Setting


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


def _time_text(value: str | float) -> str:
    when = dt_util.parse_datetime(str(value))
    return dt_util.as_local(when).strftime("%H:%M") if when else str(value)


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
            shown[name] = _time_text(value)
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
