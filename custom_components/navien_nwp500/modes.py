"""One vocabulary for the heater's modes, used by every entity, preset and action.

The names are Home Assistant's water-heater states where one exists (eco,
heat_pump, high_demand, electric, off); Navien's own names ("Energy Saver") only
appear in the translations of these states.
"""

from typing import TYPE_CHECKING, Final

from homeassistant.components.water_heater import (
    STATE_ECO,
    STATE_ELECTRIC,
    STATE_HEAT_PUMP,
    STATE_HIGH_DEMAND,
)
from homeassistant.const import STATE_OFF

from .navilink.codec import DhwOperationSetting, ReservationMode

if TYPE_CHECKING:
    from collections.abc import Callable

    from .navilink.codec import DeviceFeature

MODE_VACATION: Final = "vacation"

MODE_NAMES: Final[dict[DhwOperationSetting, str]] = {
    DhwOperationSetting.STANDBY: "standby",
    DhwOperationSetting.HEAT_PUMP: STATE_HEAT_PUMP,
    DhwOperationSetting.ELECTRIC: STATE_ELECTRIC,
    DhwOperationSetting.ENERGY_SAVER: STATE_ECO,
    DhwOperationSetting.HIGH_DEMAND: STATE_HIGH_DEMAND,
    DhwOperationSetting.VACATION: MODE_VACATION,
    DhwOperationSetting.POWER_OFF: STATE_OFF,
}
"""The name of each mode the heater reports (dhwOperationSetting)."""

_MODE_FLAGS: Final[
    dict[DhwOperationSetting, Callable[[DeviceFeature], bool | None]]
] = {
    DhwOperationSetting.HEAT_PUMP: lambda feature: feature.heatpump_use,
    DhwOperationSetting.ELECTRIC: lambda feature: feature.electric_use,
    DhwOperationSetting.ENERGY_SAVER: lambda feature: feature.energy_saver_use,
    DhwOperationSetting.HIGH_DEMAND: lambda feature: feature.high_demand_use,
    DhwOperationSetting.VACATION: lambda feature: feature.holiday_use,
    DhwOperationSetting.POWER_OFF: lambda feature: feature.power_use,
}


def mode_offered(feature: DeviceFeature, mode: DhwOperationSetting) -> bool:
    """Whether the heater's feature message offers ``mode`` (its flag reads True)."""
    flag = _MODE_FLAGS.get(mode)
    return flag is not None and flag(feature) is True


RESERVATION_MODES: Final[dict[str, ReservationMode]] = {
    STATE_HEAT_PUMP: ReservationMode.HEAT_PUMP,
    STATE_ELECTRIC: ReservationMode.ELECTRIC,
    STATE_ECO: ReservationMode.ENERGY_SAVER,
    STATE_HIGH_DEMAND: ReservationMode.HIGH_DEMAND,
    STATE_OFF: ReservationMode.POWER_OFF,
}
"""The modes a reservation can switch to, by name."""

LEGACY_RESERVATION_MODES: Final[dict[str, str]] = {
    "energy_saver": STATE_ECO,
    "power_off": STATE_OFF,
}
"""Names `set_reservations` took before the vocabulary was unified (still accepted)."""
