"""What several platforms and the actions share.

Client errors turned into translated Home Assistant errors, the heater lookup,
the command sequences for a mode or a vacation, and whether heat is being made.
"""

from functools import wraps
from typing import TYPE_CHECKING, Any, Final

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .const import DOMAIN
from .navilink.codec import (
    CommandValidationError,
    DhwOperationSetting,
    NaviLinkError,
    commands,
)
from .navilink.session import NotConnectedError, RequestTimeoutError

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


def translate_navilink_error(err: NaviLinkError) -> HomeAssistantError:
    """Turn a client error into the translated Home Assistant error to raise."""
    if isinstance(err, CommandValidationError):
        return ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key=err.key,
            translation_placeholders=err.placeholders,
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
        translation_placeholders={"error": str(err)},
    )


def navien_command[**P, R](
    func: Callable[P, Coroutine[Any, Any, R]],
) -> Callable[P, Coroutine[Any, Any, R]]:
    """Decorate an async action so client errors become translated HA errors.

    `CommandValidationError` becomes a `ServiceValidationError` with the builder's
    key and placeholders; any other `NaviLinkError` a `HomeAssistantError`.
    """

    @wraps(func)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await func(*args, **kwargs)
        except NaviLinkError as err:
            raise translate_navilink_error(err) from err

    return wrapper


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
