"""Whether a heater's status shows that a control was applied (protocol.md §5.2)."""

from typing import TYPE_CHECKING

from .enums import CommandCode, DhwOperationSetting

if TYPE_CHECKING:
    from .command import Command
    from .models import DeviceStatus


def _param(command: Command, index: int = 0) -> int | None:
    param = command.request.get("param")
    if isinstance(param, list) and len(param) > index:
        value = param[index]
        return value if isinstance(value, int) else None
    return None


_CHECKABLE = frozenset(
    {
        CommandCode.DHW_TEMPERATURE,
        CommandCode.DHW_MODE,
        CommandCode.POWER_OFF,
        CommandCode.POWER_ON,
        CommandCode.ANTI_LEGIONELLA_ON,
        CommandCode.ANTI_LEGIONELLA_OFF,
        CommandCode.TOU_ON,
        CommandCode.TOU_OFF,
    }
)


_SETTING_OF: dict[int, str] = {
    CommandCode.DHW_TEMPERATURE: "set_point",
    CommandCode.DHW_MODE: "operation",
    CommandCode.POWER_OFF: "operation",
    CommandCode.POWER_ON: "operation",
    CommandCode.ANTI_LEGIONELLA_ON: "anti_legionella",
    CommandCode.ANTI_LEGIONELLA_OFF: "anti_legionella",
    CommandCode.TOU_ON: "tou",
    CommandCode.TOU_OFF: "tou",
}


def setting_of(code: object) -> str | None:
    """Name the status setting a control code changes (None: none a status shows).

    Codes sharing a setting replace each other's effect: a power-off undoes a
    mode, whichever client sent them.
    """
    return _SETTING_OF.get(code) if isinstance(code, int) else None


def setting_shown(command: Command, status: DeviceStatus) -> tuple[object, ...] | None:
    """Return what ``status`` shows of the setting ``command`` changes (None: nothing)."""
    match setting_of(command.request.get("command")):
        case "set_point":
            shown: tuple[object, ...] = (status.dhw_temperature_setting,)
        case "operation":
            setting = status.dhw_operation_setting
            if setting is DhwOperationSetting.UNKNOWN:
                return None
            days = status.vacation_day_setting
            shown = (setting, days if setting is DhwOperationSetting.VACATION else 0)
        case "anti_legionella":
            shown = (status.anti_legionella_use, status.anti_legionella_period)
        case "tou":
            shown = (status.tou_enabled,)
        case _:
            return None
    return None if shown[0] is None else shown


def has_intent(command: Command) -> bool:
    """Whether a status can show that ``command`` was applied (see ``intent_met``)."""
    return command.acknowledged and command.request.get("command") in _CHECKABLE


def intent_met(command: Command, status: DeviceStatus) -> bool | None:
    """Whether ``status`` shows what ``command`` asked for; None: not checkable.

    The heater's state decides the fate of a control whose ack never came
    (protocol.md §5.2): set-point, DHW mode, vacation, power, anti-legionella
    (with its period) and time of use are visible in status. Demand response
    (the status shows DR *events*, not the setting), the air-filter reset and
    every non-control request have no checkable intent.
    """
    code = command.request.get("command")
    setting = status.dhw_operation_setting
    mode_unknown = setting is DhwOperationSetting.UNKNOWN
    match code:
        case CommandCode.DHW_TEMPERATURE:
            value = status.dhw_temperature_setting
            return None if value is None else round(value * 2) == _param(command)
        case CommandCode.DHW_MODE | CommandCode.POWER_OFF | CommandCode.POWER_ON if (
            mode_unknown
        ):
            return None
        case CommandCode.DHW_MODE:
            return int(setting) == _param(command) and (
                setting is not DhwOperationSetting.VACATION
                or status.vacation_day_setting == _param(command, 1)
            )
        case CommandCode.POWER_OFF:
            return setting is DhwOperationSetting.POWER_OFF
        case CommandCode.POWER_ON:
            return setting is not DhwOperationSetting.POWER_OFF
        case CommandCode.ANTI_LEGIONELLA_ON | CommandCode.ANTI_LEGIONELLA_OFF:
            enabled = status.anti_legionella_use
            if enabled is None:
                return None
            if code == CommandCode.ANTI_LEGIONELLA_OFF:
                return not enabled
            return enabled and status.anti_legionella_period == _param(command)
        case CommandCode.TOU_ON | CommandCode.TOU_OFF:
            if status.tou_enabled is None:
                return None
            return status.tou_enabled is (code == CommandCode.TOU_ON)
    return None
