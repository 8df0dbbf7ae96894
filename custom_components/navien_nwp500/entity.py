"""Base entity: one Home Assistant device per water heater."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.helpers.device_registry import CONNECTION_NETWORK_MAC, DeviceInfo
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN, MANUFACTURER
from .coordinator import HeaterState, NavienCoordinator

if TYPE_CHECKING:
    from homeassistant.helpers.entity import EntityDescription

    from .navilink.codec import DeviceFeature, DeviceStatus


def heater_device_info(heater: HeaterState) -> DeviceInfo:
    """Describe a heater for the device registry from what it has reported."""
    device, feature = heater.device, heater.feature
    info = DeviceInfo(
        identifiers={(DOMAIN, device.mac)},
        connections={(CONNECTION_NETWORK_MAC, device.mac)},
        manufacturer=MANUFACTURER,
        model="NWP500",
        name=device.name or "NWP500",
    )
    if feature is not None:
        if feature.volume_gallons is not None:
            info["model"] = f"NWP500 {feature.volume_gallons} gal"
        if feature.controller_serial_number:
            info["serial_number"] = feature.controller_serial_number
        if feature.controller_sw_version is not None:
            info["sw_version"] = format_version(feature.controller_sw_version)
    return info


def format_version(packed: int) -> str:
    """Show a packed firmware version (one byte each, e.g. 0x0A010000) as 10.1.0.0."""
    return ".".join(str(packed >> shift & 0xFF) for shift in (24, 16, 8, 0))


class NavienEntity(CoordinatorEntity[NavienCoordinator]):
    """An entity of one heater, available while the heater's reports are current."""

    _attr_has_entity_name = True

    def __init__(
        self,
        coordinator: NavienCoordinator,
        mac: str,
        description: EntityDescription,
    ) -> None:
        """Bind the entity to a heater and describe it."""
        super().__init__(coordinator)
        self.entity_description = description
        self.mac = mac
        self._attr_unique_id = f"{mac}_{description.key}"
        self._attr_device_info = heater_device_info(coordinator.data.heaters[mac])

    @property
    def heater(self) -> HeaterState | None:
        """The heater's latest state, if the account still has it."""
        return self.coordinator.data.heaters.get(self.mac)

    @property
    def status(self) -> DeviceStatus | None:
        """The heater's latest status message."""
        heater = self.heater
        return heater.status if heater else None

    @property
    def feature(self) -> DeviceFeature | None:
        """The heater's capabilities and limits."""
        heater = self.heater
        return heater.feature if heater else None

    @property
    def available(self) -> bool:
        """Available while the cloud is, the heater answers and its status is fresh."""
        return (
            super().available
            and self.status is not None
            and self.coordinator.heater_available(self.mac)
        )
