"""How the status sensors read their state from a status message.

The values the table of status sensors (``sensor``) shows that take more than
reading one field: enum state names, the error text, the air filter's hours
left, the vacation days left and the TOU state.
"""

from typing import TYPE_CHECKING, Final

from .navilink.codec import DhwOperationSetting, error_description

if TYPE_CHECKING:
    from .navilink.codec import DeviceStatus, WireEnum


def enum_options(cls: type[WireEnum]) -> list[str]:
    """Return the state names of an enum sensor: its members but UNKNOWN."""
    return [member.name.lower() for member in cls if member.name != "UNKNOWN"]


def enum_state(member: WireEnum) -> str | None:
    """Return the state name of a decoded enum; None (unknown) for UNKNOWN."""
    return None if member.name == "UNKNOWN" else member.name.lower()


NO_ERROR: Final = "no_error"
"""The *Error* sensor's state while the heater reports no error."""


def error_text(status: DeviceStatus) -> str | None:
    """Describe the error as the front panel shows it, e.g. "E799 Water leak detected".

    Code 0 is the state ``no_error``, translated like an enum state ("No
    error"). The code texts are not: the code table is open ended (unlisted
    codes and sub-codes exist), so an enum cannot hold them.
    """
    code, sub = status.error_code, status.sub_error_code
    if code is None:
        return None
    if code == 0:
        return NO_ERROR
    label = f"E{code:03d}" + (f"-{sub:02d}" if sub else "")
    meaning = error_description(code, sub)
    return f"{label} {meaning}" if meaning else label


def air_filter_remaining(status: DeviceStatus) -> int | None:
    """Fan hours left before the filter reminder (period minus hours since reset)."""
    period, used = status.air_filter_alarm_period, status.cumulated_op_time_eva_fan
    if not period or used is None:
        return None
    return max(0, period - used)


def vacation_days_left(status: DeviceStatus) -> int | None:
    """Days of vacation left; unknown (None) while the heater is not on vacation."""
    if status.dhw_operation_setting is not DhwOperationSetting.VACATION:
        return None
    setting, elapsed = status.vacation_day_setting, status.vacation_day_elapsed
    if setting is None or elapsed is None:
        return None
    return max(0, setting - elapsed)


def tou_state(status: DeviceStatus) -> str | None:
    """Say whether TOU is off, followed, or overridden by the user."""
    if status.tou_enabled is None:
        return None
    if not status.tou_enabled:
        return "off"
    return "override" if status.tou_override_active else "following"
