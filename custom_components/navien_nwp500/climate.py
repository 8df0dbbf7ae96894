"""The tank as a thermostat, for the thermostat card: heat/off, set-point, presets.

The water heater entity is the main control; this one exists for dashboards that
use the thermostat card, so it is disabled by default on new installs.
"""

from typing import TYPE_CHECKING, Any, Final, override

from homeassistant.components.climate import ClimateEntity, ClimateEntityDescription
from homeassistant.components.climate.const import (
    ATTR_HVAC_MODE,
    ClimateEntityFeature,
    HVACAction,
    HVACMode,
)
from homeassistant.const import (
    ATTR_TEMPERATURE,
)

from .entity import NavienTankEntity, async_add_heater_entities
from .helpers import (
    heater_or_raise,
    heating_now,
    mode_commands,
    navien_command,
    vacation_commands,
)
from .modes import MODE_NAMES, mode_offered
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

# The Navien modes offered as presets; presets use the modes' names.
_PRESETS: Final[dict[DhwOperationSetting, str]] = {
    mode: MODE_NAMES[mode]
    for mode in (
        DhwOperationSetting.HEAT_PUMP,
        DhwOperationSetting.ELECTRIC,
        DhwOperationSetting.ENERGY_SAVER,
        DhwOperationSetting.HIGH_DEMAND,
        DhwOperationSetting.VACATION,
    )
}
_FROM_PRESET: Final = {preset: mode for mode, preset in _PRESETS.items()}

DESCRIPTION = ClimateEntityDescription(
    key="climate", translation_key="tank", entity_registry_enabled_default=False
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: NavienConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a thermostat for every heater that has reported its features."""

    def _build(
        coordinator: NavienCoordinator, mac: str, _heater: HeaterState
    ) -> list[NavienTankThermostat]:
        return [NavienTankThermostat(coordinator, mac, DESCRIPTION)]

    async_add_heater_entities(entry, async_add_entities, _build)


class NavienTankThermostat(NavienTankEntity, ClimateEntity):
    """The tank as a thermostat that heats or is off.

    Like the water heater entity it serves the temperature members under the
    2026.10 and the 2026.11 `native_*` names, and shows only reported state.
    """

    entity_description: ClimateEntityDescription

    @property
    @override
    def supported_features(self) -> ClimateEntityFeature:
        """Offer only what the feature message allows."""
        feature = self.feature
        supported = ClimateEntityFeature(0)
        if feature is None:
            return supported
        if feature.temperature_control_supported:
            supported |= ClimateEntityFeature.TARGET_TEMPERATURE
        if feature.dhw_use and self.preset_modes:
            supported |= ClimateEntityFeature.PRESET_MODE
        if feature.power_use:
            supported |= ClimateEntityFeature.TURN_ON | ClimateEntityFeature.TURN_OFF
        return supported

    @property
    @override
    def hvac_modes(self) -> list[HVACMode]:
        """Heat, and off when the heater can be powered off."""
        feature = self.feature
        if feature is not None and feature.power_use:
            return [HVACMode.HEAT, HVACMode.OFF]
        return [HVACMode.HEAT]

    @property
    @override
    def hvac_mode(self) -> HVACMode | None:
        """Off while powered off, otherwise heat."""
        status = self.status
        if (
            status is None
            or status.dhw_operation_setting is DhwOperationSetting.UNKNOWN
        ):
            return None
        if status.dhw_operation_setting is DhwOperationSetting.POWER_OFF:
            return HVACMode.OFF
        return HVACMode.HEAT

    @property
    @override
    def hvac_action(self) -> HVACAction | None:
        """Off while powered off; heating while heat is made (`heating_now`), else idle.

        None (unknown) when the heater does not report its heat sources.
        """
        status = self.status
        if status is None:
            return None
        if status.dhw_operation_setting is DhwOperationSetting.POWER_OFF:
            return HVACAction.OFF
        heating = heating_now(status)
        if heating is None:
            return None
        return HVACAction.HEATING if heating else HVACAction.IDLE

    @property
    @override
    def preset_modes(self) -> list[str]:
        """The Navien modes this heater offers, and vacation."""
        feature = self.feature
        if feature is None:
            return []
        return [
            preset for mode, preset in _PRESETS.items() if mode_offered(feature, mode)
        ]

    @property
    @override
    def preset_mode(self) -> str | None:
        """The selected Navien mode; none while powered off."""
        status = self.status
        if status is None or status.dhw_operation_setting not in _PRESETS:
            return None
        return _PRESETS[status.dhw_operation_setting]

    @navien_command
    @override
    async def async_set_temperature(self, **kwargs: Any) -> None:
        """Change the set-point, powering on or off first when a mode is given."""
        heater = heater_or_raise(self.coordinator, self.mac)
        to_send: list[Command] = []
        if (hvac_mode := kwargs.get(ATTR_HVAC_MODE)) is not None:
            to_send = self._hvac_mode_commands(heater, HVACMode(hvac_mode))
        to_send.append(
            commands.set_dhw_temperature(
                heater.device, heater.feature, kwargs[ATTR_TEMPERATURE]
            )
        )
        await self.coordinator.async_send_all(to_send)

    @navien_command
    @override
    async def async_set_hvac_mode(self, hvac_mode: HVACMode) -> None:
        """Power the heater off for "off" and on for "heat"."""
        heater = heater_or_raise(self.coordinator, self.mac)
        await self.coordinator.async_send_all(
            self._hvac_mode_commands(heater, hvac_mode)
        )

    @override
    async def async_turn_on(self) -> None:
        """Power the heater on; it resumes its mode."""
        await self.async_set_hvac_mode(HVACMode.HEAT)

    @override
    async def async_turn_off(self) -> None:
        """Power the heater off."""
        await self.async_set_hvac_mode(HVACMode.OFF)

    @navien_command
    @override
    async def async_set_preset_mode(self, preset_mode: str) -> None:
        """Select a mode, or start a vacation of the *Vacation length* set."""
        heater = heater_or_raise(self.coordinator, self.mac)
        mode = _FROM_PRESET[preset_mode]
        if mode is DhwOperationSetting.VACATION:
            to_send = vacation_commands(heater, vacation_length(self.hass, self.mac))
        else:
            to_send = mode_commands(heater, mode)
        await self.coordinator.async_send_all(to_send)

    def _hvac_mode_commands(
        self, heater: HeaterState, hvac_mode: HVACMode
    ) -> list[Command]:
        """Off powers off; heat powers on (nothing when it already is on)."""
        on = hvac_mode is not HVACMode.OFF
        if self.hvac_mode is (HVACMode.HEAT if on else HVACMode.OFF):
            return []
        return [commands.power(heater.device, heater.feature, on)]
