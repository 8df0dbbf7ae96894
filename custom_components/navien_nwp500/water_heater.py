"""The water heater entity: the tank, its set-point, mode, vacation and power."""

from typing import TYPE_CHECKING, Any, Final, override

from homeassistant.components.water_heater import (
    STATE_ECO,
    STATE_ELECTRIC,
    STATE_HEAT_PUMP,
    STATE_HIGH_DEMAND,
    WaterHeaterEntity,
    WaterHeaterEntityDescription,
)
from homeassistant.components.water_heater.const import WaterHeaterEntityFeature
from homeassistant.const import (
    ATTR_TEMPERATURE,
    STATE_OFF,
)
from homeassistant.core import callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.restore_state import RestoredExtraData, RestoreEntity

from .const import DOMAIN
from .entity import NavienTankEntity, async_add_heater_entities
from .helpers import (
    heater_or_raise,
    mode_commands,
    navien_command,
    vacation_commands,
)
from .modes import MODE_VACATION, mode_offered
from .navilink.codec import DhwOperationSetting, commands
from .vacation import vacation_length

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .coordinator import HeaterState, NavienConfigEntry, NavienCoordinator
    from .navilink.codec import Command

# Actions wait for their command's outcome (up to 15 s); the session's queue
# already orders, paces and supersedes commands, so actions need no semaphore.
PARALLEL_UPDATES = 0

# Navien mode -> HA operation mode.
_MODES: Final[dict[DhwOperationSetting, str]] = {
    DhwOperationSetting.HEAT_PUMP: STATE_HEAT_PUMP,
    DhwOperationSetting.ELECTRIC: STATE_ELECTRIC,
    DhwOperationSetting.ENERGY_SAVER: STATE_ECO,
    DhwOperationSetting.HIGH_DEMAND: STATE_HIGH_DEMAND,
    DhwOperationSetting.VACATION: MODE_VACATION,
    DhwOperationSetting.POWER_OFF: STATE_OFF,
}
_SELECTABLE: Final = frozenset(_MODES) - {
    DhwOperationSetting.POWER_OFF,
    DhwOperationSetting.VACATION,
}
"""The modes a vacation returns to."""
_FROM_HA: Final = {ha_mode: mode for mode, ha_mode in _MODES.items()}

_RESTORE_KEY: Final = "mode_before_vacation"

DESCRIPTION = WaterHeaterEntityDescription(
    key="water_heater", translation_key="water_heater", name=None
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: NavienConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a water heater entity for every heater that has reported its features."""

    def _build(
        coordinator: NavienCoordinator, mac: str, _heater: HeaterState
    ) -> list[NavienWaterHeater]:
        return [NavienWaterHeater(coordinator, mac, DESCRIPTION)]

    async_add_heater_entities(entry, async_add_entities, _build)


class NavienWaterHeater(NavienTankEntity, WaterHeaterEntity, RestoreEntity):
    """The tank as a water heater.

    Temperature members exist under both the 2026.10 names and the 2026.11
    `native_*` names, so either version reads them without a deprecation warning.
    The state always comes from what the heater reports; actions only send.
    A vacation is both away mode and the operation "vacation" (what the heater
    and the *Mode* sensor report). The last mode before a vacation is kept
    across restarts (restore data): the heater does not report it, and ending a
    vacation returns to it.
    """

    entity_description: WaterHeaterEntityDescription
    _last_mode: DhwOperationSetting | None = None

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        """Remember the last real mode, to show it during a vacation and return to it."""
        status = self.status
        if status is not None and status.dhw_operation_setting in _SELECTABLE:
            self._last_mode = status.dhw_operation_setting
        super()._handle_coordinator_update()

    @override
    async def async_added_to_hass(self) -> None:
        """Restore the mode before a vacation, then follow what the heater reports."""
        await super().async_added_to_hass()
        if (extra := await self.async_get_last_extra_data()) is not None:
            self._last_mode = _selectable_mode(extra.as_dict().get(_RESTORE_KEY))
        self._handle_coordinator_update()

    @property
    @override
    def extra_restore_state_data(self) -> RestoredExtraData:
        """Keep the last real mode, to end a vacation that outlives a restart."""
        mode = self._last_mode
        return RestoredExtraData({_RESTORE_KEY: None if mode is None else int(mode)})

    @property
    @override
    def supported_features(self) -> WaterHeaterEntityFeature:
        """Offer only what the feature message allows."""
        feature = self.feature
        supported = WaterHeaterEntityFeature(0)
        if feature is None:
            return supported
        if feature.temperature_control_supported:
            supported |= WaterHeaterEntityFeature.TARGET_TEMPERATURE
        if feature.dhw_use and self.operation_list:
            supported |= WaterHeaterEntityFeature.OPERATION_MODE
        if feature.dhw_use and feature.holiday_use:
            supported |= WaterHeaterEntityFeature.AWAY_MODE
        if feature.power_use:
            supported |= WaterHeaterEntityFeature.ON_OFF
        return supported

    @property
    @override
    def operation_list(self) -> list[str]:
        """The HA modes whose Navien mode the heater supports."""
        feature = self.feature
        if feature is None:
            return []
        return [
            ha_mode for mode, ha_mode in _MODES.items() if mode_offered(feature, mode)
        ]

    @property
    @override
    def current_operation(self) -> str | None:
        """The mode the heater reports, "vacation" included."""
        status = self.status
        if status is None:
            return None
        return _MODES.get(status.dhw_operation_setting)

    @property
    @override
    def is_away_mode_on(self) -> bool | None:
        """Away mode is the heater's vacation mode."""
        status = self.status
        if (
            status is None
            or status.dhw_operation_setting is DhwOperationSetting.UNKNOWN
        ):
            return None
        return status.dhw_operation_setting is DhwOperationSetting.VACATION

    @navien_command
    @override
    async def async_set_temperature(self, **kwargs: Any) -> None:
        """Change the set-point (and the mode, when one is given)."""
        heater = heater_or_raise(self.coordinator, self.mac)
        to_send = [
            commands.set_dhw_temperature(
                heater.device, heater.feature, kwargs[ATTR_TEMPERATURE]
            )
        ]
        if (operation_mode := kwargs.get("operation_mode")) is not None:
            to_send = self._mode_commands(heater, operation_mode) + to_send
        await self.coordinator.async_send_all(to_send)

    @navien_command
    @override
    async def async_set_operation_mode(self, operation_mode: str) -> None:
        """Select a mode; "off" powers the heater off, others power it on first."""
        heater = heater_or_raise(self.coordinator, self.mac)
        await self.coordinator.async_send_all(
            self._mode_commands(heater, operation_mode)
        )

    @navien_command
    @override
    async def async_turn_away_mode_on(self) -> None:
        """Start a vacation of the length set on the *Vacation length* number."""
        heater = heater_or_raise(self.coordinator, self.mac)
        await self.coordinator.async_send_all(
            vacation_commands(heater, vacation_length(self.hass, self.mac))
        )

    @navien_command
    @override
    async def async_turn_away_mode_off(self) -> None:
        """End the vacation: back to the mode from before it.

        When that mode is unknown (never seen, nothing restored) nothing is
        guessed: the user is asked to choose an operation mode instead.
        """
        heater = heater_or_raise(self.coordinator, self.mac)
        if not self.is_away_mode_on:
            return
        if self._last_mode is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="mode_before_away_unknown"
            )
        await self.coordinator.async_send_all(mode_commands(heater, self._last_mode))

    @navien_command
    @override
    async def async_turn_on(self, **kwargs: Any) -> None:
        """Power the heater on; it resumes its mode."""
        heater = heater_or_raise(self.coordinator, self.mac)
        await self.coordinator.async_send(
            commands.power(heater.device, heater.feature, True)
        )

    @navien_command
    @override
    async def async_turn_off(self, **kwargs: Any) -> None:
        """Power the heater off."""
        heater = heater_or_raise(self.coordinator, self.mac)
        await self.coordinator.async_send(
            commands.power(heater.device, heater.feature, False)
        )

    def _mode_commands(self, heater: HeaterState, operation_mode: str) -> list[Command]:
        """Build the commands for an operation; "vacation" lasts *Vacation length*."""
        mode = self._navien_mode(operation_mode)
        if mode is DhwOperationSetting.VACATION:
            return vacation_commands(heater, vacation_length(self.hass, self.mac))
        return mode_commands(heater, mode)

    def _navien_mode(self, operation_mode: str) -> DhwOperationSetting:
        """Map an HA operation mode back to the Navien one this heater offers."""
        if operation_mode not in self.operation_list:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="invalid_mode",
                translation_placeholders={"mode": operation_mode},
            )
        return _FROM_HA[operation_mode]


def _selectable_mode(value: object) -> DhwOperationSetting | None:
    """Read a stored mode back; anything but a selectable mode reads as None."""
    mode = DhwOperationSetting.from_raw(value)
    return mode if mode in _SELECTABLE else None
