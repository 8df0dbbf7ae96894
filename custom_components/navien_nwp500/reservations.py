"""The reservation schedule for the actions: read, write and confirm it.

`get_reservations` and `set_reservations` read the stored schedule; a write is
confirmed by what the heater reports back, never assumed. Temperatures are
given and shown in the user's unit.
"""

import asyncio
from typing import TYPE_CHECKING, Any, Final

from homeassistant.const import ATTR_TEMPERATURE, UnitOfTemperature
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.util.unit_conversion import TemperatureConverter
import probatio

from .const import (
    ATTR_DAYS,
    ATTR_ENABLED,
    ATTR_MODE,
    ATTR_RESERVATIONS,
    ATTR_TIME,
    DOMAIN,
)
from .modes import LEGACY_RESERVATION_MODES, RESERVATION_MODES
from .navilink.codec import (
    CommandValidationError,
    NaviLinkError,
    ReservationEntry,
    ReservationMode,
    ReservationSchedule,
    Weekday,
    commands,
    parse_reservations,
)
from .navilink.session import RequestTimeoutError
from .texts import error_text, number_text

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import time

    from homeassistant.core import HomeAssistant

    from .coordinator import HeaterState
    from .navilink.codec import Command
    from .navilink.session import NaviLinkSession

REPLY_TIMEOUT: Final = 10.0
"""Seconds to wait for the heater's answer to a read or an energy query."""
CONFIRM_TIMEOUT: Final = 20.0
"""Seconds a schedule write has to show up in what the heater reports back."""
CONFIRM_RETRY_DELAY: Final = 1.0

WEEKDAYS: Final = {
    "monday": Weekday.MONDAY,
    "tuesday": Weekday.TUESDAY,
    "wednesday": Weekday.WEDNESDAY,
    "thursday": Weekday.THURSDAY,
    "friday": Weekday.FRIDAY,
    "saturday": Weekday.SATURDAY,
    "sunday": Weekday.SUNDAY,
}
_MODE_NAMES: Final = {mode: name for name, mode in RESERVATION_MODES.items()}

RESERVATION_SCHEMA = probatio.Schema(
    {
        probatio.Optional(ATTR_ENABLED, default=True): cv.boolean,
        probatio.Required(ATTR_DAYS): [probatio.In(list(WEEKDAYS))],
        probatio.Required(ATTR_TIME): cv.time,
        probatio.Required(ATTR_MODE): probatio.All(
            probatio.In([*RESERVATION_MODES, *LEGACY_RESERVATION_MODES]),
            lambda name: LEGACY_RESERVATION_MODES.get(name, name),
        ),
        probatio.Optional(ATTR_TEMPERATURE): probatio.Coerce(float),
    }
)


def require_reservations(heater: HeaterState) -> None:
    """Refuse schedule actions for a heater without reservation support."""
    if heater.feature is not None and heater.feature.program_reservation_use is False:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="not_supported",
            translation_placeholders={"feature": "reservations"},
        )


async def async_read_schedule(
    hass: HomeAssistant, session: NaviLinkSession, heater: HeaterState
) -> ReservationSchedule:
    """Read the stored schedule; any failure is reported as a failed read."""
    read = commands.reservation_read(heater.device, heater.feature)
    try:
        reply = await session.query(read, timeout=REPLY_TIMEOUT)
    except NaviLinkError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="reservation_read_failed",
            translation_placeholders={"error": error_text(hass, err)},
        ) from err
    return parse_reservations(reply)


def _schedule_key(
    schedule: ReservationSchedule,
) -> tuple[bool | None, tuple[ReservationEntry, ...]]:
    return schedule.reservation_use, schedule.canonical()


async def async_write_confirmed(
    session: NaviLinkSession, heater: HeaterState, write: Command
) -> ReservationSchedule:
    """Write the schedule and wait until the heater reports exactly that content.

    The heater answers a write with its stored schedule; when that answer is
    missing or differs, the schedule is read again until the deadline.
    """
    # What we sent, decoded like a reply, so both sides compare in one form.
    wanted = _schedule_key(parse_reservations(write.request))
    read = commands.reservation_read(heater.device, heater.feature)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + CONFIRM_TIMEOUT
    command = write
    while (remaining := deadline - loop.time()) > 0:
        try:
            reply = await session.query(command, timeout=min(remaining, REPLY_TIMEOUT))
        except RequestTimeoutError:
            pass
        else:
            stored = parse_reservations(reply)
            if _schedule_key(stored) == wanted:
                return stored
            await asyncio.sleep(min(CONFIRM_RETRY_DELAY, remaining))
        command = read
    raise HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key="reservation_not_confirmed",
        translation_placeholders={"timeout": f"{CONFIRM_TIMEOUT:g}"},
    )


def _user_unit(hass: HomeAssistant) -> str:
    return hass.config.units.temperature_unit


def _to_celsius(hass: HomeAssistant, temperature: float) -> float:
    """Convert a reservation temperature given in the user's unit to °C."""
    return TemperatureConverter.convert(
        temperature, _user_unit(hass), UnitOfTemperature.CELSIUS
    )


def _from_celsius(hass: HomeAssistant, celsius: float) -> float:
    """Show a stored reservation temperature in the user's unit: °C as is, whole °F."""
    if _user_unit(hass) == UnitOfTemperature.CELSIUS:
        return celsius
    return round(
        TemperatureConverter.convert(
            celsius, UnitOfTemperature.CELSIUS, _user_unit(hass)
        )
    )


def _shown(hass: HomeAssistant, celsius: str) -> str:
    """Show a codec placeholder given in °C in the user's unit, with its symbol."""
    return (
        f"{number_text(hass, _from_celsius(hass, float(celsius)))} {_user_unit(hass)}"
    )


def schedule_write(
    hass: HomeAssistant,
    heater: HeaterState,
    entries: list[ReservationEntry],
    enabled: bool,
) -> Command:
    """Build the schedule write, checked entry by entry against the heater's limits.

    The client refuses the whole write while the limits are unknown or when one
    entry is outside them (§17.7); that entry is named, in the user's unit.
    """
    try:
        return commands.reservation_write(
            heater.device, heater.feature, entries, enabled
        )
    except CommandValidationError as err:
        if err.key != "reservation_temperature_out_of_range":
            raise
        given = err.placeholders
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key=err.key,
            translation_placeholders={
                "index": given["index"],
                **{
                    name: _shown(hass, given[name])
                    for name in ("temperature", "min", "max")
                },
            },
        ) from err


def reservation_entry(
    hass: HomeAssistant, index: int, raw: Mapping[str, Any]
) -> ReservationEntry:
    """Build a schedule entry from one validated service entry."""
    mode = RESERVATION_MODES[raw[ATTR_MODE]]
    temperature = raw.get(ATTR_TEMPERATURE)
    if temperature is not None:
        temperature = _to_celsius(hass, temperature)
    if temperature is None:
        if mode is not ReservationMode.POWER_OFF:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="invalid_reservation",
                translation_placeholders={"index": str(index), "field": "temperature"},
            )
        temperature = 0.0
    at: time = raw[ATTR_TIME]
    week = 0
    for day in raw[ATTR_DAYS]:
        week |= int(WEEKDAYS[day])
    return ReservationEntry(
        enabled=raw[ATTR_ENABLED],
        week=week,
        hour=at.hour,
        minute=at.minute,
        mode=mode,
        temperature=temperature,
    )


def schedule_response(
    hass: HomeAssistant, schedule: ReservationSchedule
) -> dict[str, Any]:
    """Describe a schedule in the same shape and unit `set_reservations` takes."""
    return {
        ATTR_ENABLED: schedule.reservation_use,
        ATTR_RESERVATIONS: [
            {
                ATTR_ENABLED: entry.enabled,
                ATTR_DAYS: [
                    name for name, flag in WEEKDAYS.items() if entry.week & flag
                ],
                ATTR_TIME: f"{entry.hour:02d}:{entry.minute:02d}",
                ATTR_MODE: _MODE_NAMES.get(entry.mode, entry.mode.name.lower()),
                ATTR_TEMPERATURE: _from_celsius(hass, entry.temperature),
            }
            for entry in schedule.canonical()
        ],
    }
