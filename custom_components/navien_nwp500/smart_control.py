"""What smart heating took over on a heater: the owner's settings and what it sent.

The owner's mode and set-point are kept from the moment the planner first
changes the heater, so that they can be given back; ``sent`` is what the
planner asked for last and ``applied`` whether the heater has shown it (until
then a different status is our own command on its way, not a change by hand).
"""

from dataclasses import dataclass
from enum import Enum, auto
from typing import TYPE_CHECKING, Any, Final

from homeassistant.util import dt as dt_util

from .helpers import mode_commands
from .navilink.codec import DhwOperationSetting, commands
from .planner import Mode

if TYPE_CHECKING:
    from datetime import datetime

    from .heater_state import HeaterState
    from .navilink.codec import Command, DeviceStatus

PLAN_MODES: Final[dict[Mode, DhwOperationSetting]] = {
    Mode.HEAT_PUMP: DhwOperationSetting.HEAT_PUMP,
    Mode.ECO: DhwOperationSetting.ENERGY_SAVER,
    Mode.HIGH_DEMAND: DhwOperationSetting.HIGH_DEMAND,
    Mode.ELECTRIC: DhwOperationSetting.ELECTRIC,
}
"""The heater's mode for each mode a plan uses."""
RETURNABLE: Final = frozenset({*PLAN_MODES.values(), DhwOperationSetting.POWER_OFF})
"""Modes the owner may have set, and so that smart heating returns to."""
_SETPOINT_TOLERANCE: Final = 0.25
"""°C: the heater reports its set-point in half degrees."""


@dataclass(frozen=True, slots=True)
class Setting:
    """A mode and a set-point, °C."""

    mode: DhwOperationSetting
    setpoint: float

    def shown_by(self, status: DeviceStatus) -> bool:
        """Whether ``status`` shows this mode and set-point."""
        shown = status.dhw_temperature_setting
        return (
            status.dhw_operation_setting is self.mode
            and shown is not None
            and abs(shown - self.setpoint) <= _SETPOINT_TOLERANCE
        )

    def commands_from(
        self, heater: HeaterState, sent: Setting | None = None
    ) -> list[Command]:
        """Return the commands that bring the heater to this setting.

        A value is sent when the status or ``sent`` (what we asked for last,
        which the status may not show yet) differs from it.
        """
        status = heater.status
        to_send: list[Command] = []
        shown = status.dhw_temperature_setting if status else None
        setpoints = [shown, sent.setpoint if sent else self.setpoint]
        if any(
            value is None or abs(value - self.setpoint) > _SETPOINT_TOLERANCE
            for value in setpoints
        ):
            to_send.append(
                commands.set_dhw_temperature(
                    heater.device, heater.feature, self.setpoint
                )
            )
        modes = [status.dhw_operation_setting if status else None]
        modes.append(sent.mode if sent else self.mode)
        if any(mode is not self.mode for mode in modes):
            to_send += mode_commands(heater, self.mode)
        return to_send

    @classmethod
    def of(cls, status: DeviceStatus | None) -> Setting | None:
        """Return the owner's setting a status shows; None when it cannot be returned to."""
        if status is None or status.dhw_temperature_setting is None:
            return None
        if status.dhw_operation_setting not in RETURNABLE:
            return None
        return cls(status.dhw_operation_setting, status.dhw_temperature_setting)


class Seen(Enum):
    """What a status says of a control."""

    NOTHING = auto()
    APPLIED = auto()
    """The heater shows what was sent, for the first time."""
    RETURNED = auto()
    """The owner's setting sent back at an unload shows, or waiting for it is over."""
    BY_HAND = auto()
    """The heater showed what was sent, and now shows another setting."""


@dataclass(frozen=True, slots=True)
class Control:
    """The owner's setting to give back, and what the planner sent last.

    ``returning_until``: the owner's setting was sent back as the entry
    unloaded, and the heater may show it only after the next load; until it
    does (or until then), no status counts as showing ``sent`` or as a
    change by hand.
    """

    owner: Setting
    sent: Setting
    applied: bool = False
    returning_until: datetime | None = None

    def seen_in(self, status: DeviceStatus, now: datetime) -> Seen:
        """Return what ``status``, received at ``now``, says of this control."""
        if self.returning_until is not None:
            if self.owner.shown_by(status) or now >= self.returning_until:
                return Seen.RETURNED
            return Seen.NOTHING
        if self.sent.shown_by(status):
            return Seen.NOTHING if self.applied else Seen.APPLIED
        if self.applied and Setting.of(status) is not None:
            return Seen.BY_HAND
        return Seen.NOTHING

    def as_stored(self) -> dict[str, Any]:
        """Return the control as stored (JSON)."""
        until = self.returning_until
        return {
            "owner": [int(self.owner.mode), self.owner.setpoint],
            "sent": [int(self.sent.mode), self.sent.setpoint],
            "applied": self.applied,
            "returning_until": until.isoformat() if until else None,
        }

    @classmethod
    def from_stored(cls, raw: Any) -> Control | None:
        """Read a stored control back; None when it is not one."""
        try:
            owner = Setting(
                DhwOperationSetting.from_raw(raw["owner"][0]), float(raw["owner"][1])
            )
            sent = Setting(
                DhwOperationSetting.from_raw(raw["sent"][0]), float(raw["sent"][1])
            )
            applied = bool(raw["applied"])
        except KeyError, IndexError, TypeError, ValueError:
            return None
        if owner.mode not in RETURNABLE or sent.mode not in RETURNABLE:
            return None
        until = dt_util.parse_datetime(str(raw.get("returning_until")))
        return cls(owner, sent, applied, until)
