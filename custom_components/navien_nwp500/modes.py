"""One vocabulary for the heater's modes, used by every entity, preset and action.

The names are Home Assistant's water-heater states where one exists (eco,
heat_pump, high_demand, electric, off); Navien's own names ("Energy Saver") only
appear in the translations of these states.
"""

from __future__ import annotations

from typing import Final

from homeassistant.components.water_heater import (
    STATE_ECO,
    STATE_ELECTRIC,
    STATE_HEAT_PUMP,
    STATE_HIGH_DEMAND,
)
from homeassistant.const import STATE_OFF

from .navilink.codec import DhwOperationSetting, ReservationMode

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
