"""What several platforms and the actions share.

Client errors turned into translated Home Assistant errors, the heater lookup,
the command sequences for a mode or a vacation, and whether heat is being made.
"""

from functools import wraps
from typing import TYPE_CHECKING, Any, Final

from homeassistant.const import UnitOfTemperature
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.entity import Entity
from homeassistant.util.unit_conversion import TemperatureConverter

from .const import DOMAIN
from .navilink.codec import (
    CommandValidationError,
    DhwOperationSetting,
    NaviLinkError,
    commands,
)
from .navilink.session import NotConnectedError, RequestTimeoutError
from .texts import error_text, localized_placeholders, number_text

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine

    from .heater_state import HeaterSource, HeaterState
    from .navilink.codec import Command, DeviceStatus

POWER_OFF: Final = DhwOperationSetting.POWER_OFF


def heating_now(status: DeviceStatus) -> bool | None:
    """Whether heat is being made: the compressor or an element reads ON (§8.2).

    Idle only when all three read OFF; a flag that reads 0 (not reported) or is
    missing makes it unknown (None). A start sequence (evaporator fan running,
    compressor not yet on) is not heating, and neither ``operationMode`` nor
    ``currentHeatUse`` is a test: they name the controller's cycle, not heat flow.
    """
    flags = (status.comp_use, status.heat_upper_use, status.heat_lower_use)
    if any(flags):
        return True
    if all(flag is False for flag in flags):
        return False
    return None


def temperature_in_user_unit(hass: HomeAssistant | None, celsius: float) -> str:
    """Say a temperature with its unit, as the user sees it (whole °F, or °C)."""
    if hass is None or hass.config.units.temperature_unit == UnitOfTemperature.CELSIUS:
        return f"{number_text(hass, celsius)} {UnitOfTemperature.CELSIUS}"
    unit = hass.config.units.temperature_unit
    shown = TemperatureConverter.convert(celsius, UnitOfTemperature.CELSIUS, unit)
    return f"{number_text(hass, shown, digits=0)} {unit}"


def _placeholders(
    err: CommandValidationError, hass: HomeAssistant | None
) -> dict[str, str]:
    """Return the error's placeholders in the user's unit and language."""
    placeholders = dict(err.placeholders)
    if hass is not None:
        placeholders = localized_placeholders(hass, placeholders)
    if err.key == "temperature_out_of_range":
        for bound in ("min", "max"):
            placeholders[bound] = temperature_in_user_unit(
                hass, float(placeholders[bound])
            )
    return placeholders


def translate_navilink_error(
    err: NaviLinkError, hass: HomeAssistant | None = None
) -> HomeAssistantError:
    """Turn a client error into the translated Home Assistant error to raise.

    With ``hass``, temperatures are in the user's unit and words (a feature,
    a schedule field) in the user's language.
    """
    if isinstance(err, CommandValidationError):
        return ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key=err.key,
            translation_placeholders=_placeholders(err, hass),
        )
    if isinstance(err, NotConnectedError):
        return HomeAssistantError(
            translation_domain=DOMAIN, translation_key="not_connected"
        )
    if isinstance(err, RequestTimeoutError):
        return HomeAssistantError(translation_domain=DOMAIN, translation_key="no_reply")
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key="command_failed",
        translation_placeholders={"error": error_text(hass, err)},
    )


def navien_command[**P, R](
    func: Callable[P, Coroutine[Any, Any, R]],
) -> Callable[P, Coroutine[Any, Any, R]]:
    """Decorate an async action so client errors become translated HA errors.

    `CommandValidationError` becomes a `ServiceValidationError` with the builder's
    key and placeholders; any other `NaviLinkError` a `HomeAssistantError`. The
    first argument (the entity or the action call) gives the user's unit and
    language, which our own validation errors' placeholders are said in too.
    """

    @wraps(func)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        hass = _hass_of(args[0]) if args else None
        try:
            return await func(*args, **kwargs)
        except NaviLinkError as err:
            raise translate_navilink_error(err, hass) from err
        except ServiceValidationError as err:
            raise _localized(err, hass) from err.__cause__

    return wrapper


def _localized(
    err: ServiceValidationError, hass: HomeAssistant | None
) -> ServiceValidationError:
    """Return our validation error with its placeholders' words translated."""
    placeholders = err.translation_placeholders
    if hass is None or err.translation_domain != DOMAIN or not placeholders:
        return err
    localized = localized_placeholders(hass, placeholders)
    if localized == placeholders:
        return err
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=err.translation_key,
        translation_placeholders=localized,
    )


def _hass_of(target: object) -> HomeAssistant | None:
    """Return the Home Assistant an entity or an action call belongs to."""
    if isinstance(target, Entity | ServiceCall):
        return target.hass
    return None


def heater_or_raise(coordinator: HeaterSource, mac: str) -> HeaterState:
    """Return a heater's state, or raise when the account no longer has it."""
    heater = coordinator.data.heaters.get(mac)
    if heater is None:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="heater_not_found",
            translation_placeholders={"mac": mac},
        )
    return heater


def _after_power_on(heater: HeaterState, command: Command) -> list[Command]:
    """Prefix `command` with a power-on when the heater is off."""
    status = heater.status
    if status is not None and status.dhw_operation_setting is POWER_OFF:
        return [commands.power(heater.device, heater.feature, True), command]
    return [command]


def mode_commands(heater: HeaterState, mode: DhwOperationSetting) -> list[Command]:
    """Build the commands that put a heater in `mode` (1-4 or POWER_OFF), in order.

    A heater that is off is powered on first; the device keeps its mode, so a
    power-on alone may already be enough, but the mode is sent anyway.
    """
    if mode is POWER_OFF:
        return [commands.power(heater.device, heater.feature, False)]
    return _after_power_on(
        heater, commands.set_dhw_mode(heater.device, heater.feature, mode)
    )


def vacation_commands(heater: HeaterState, days: int) -> list[Command]:
    """Build the commands that start a vacation of `days`, powering on first if off."""
    return _after_power_on(
        heater, commands.set_vacation(heater.device, heater.feature, days)
    )
