"""The heater's firmware as a read-only update entity (the heater installs by itself)."""

from typing import TYPE_CHECKING, override

from homeassistant.components.update import (
    UpdateDeviceClass,
    UpdateEntity,
    UpdateEntityDescription,
)
from homeassistant.core import callback
from homeassistant.helpers import device_registry as dr

from .const import DOMAIN
from .entity import NavienEntity, async_add_heater_entities, format_version
from .heater_details import async_read_firmware

if TYPE_CHECKING:
    from collections.abc import Iterable

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity import Entity
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .coordinator import HeaterState, NavienConfigEntry, NavienCoordinator
    from .heater_details import HeaterDetail
    from .navilink.cloud import FirmwareComponent

PARALLEL_UPDATES = 0

FIRMWARE = UpdateEntityDescription(
    key="firmware",
    translation_key="firmware",
    device_class=UpdateDeviceClass.FIRMWARE,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: NavienConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a heater's firmware entity once the cloud has told its firmware."""

    def build(
        coordinator: NavienCoordinator, mac: str, _heater: HeaterState
    ) -> Iterable[Entity]:
        firmware = async_read_firmware(coordinator.reader, mac)
        added = False

        @callback
        def _add_when_known() -> None:
            nonlocal added
            if firmware.data and not added:
                added = True
                async_add_entities([NavienFirmwareUpdate(coordinator, mac, firmware)])

        entry.async_on_unload(firmware.async_add_listener(_add_when_known))
        return ()

    async_add_heater_entities(entry, async_add_entities, build)


def controller_firmware(
    components: Iterable[FirmwareComponent], controller_sw_code: int | None
) -> FirmwareComponent | None:
    """Pick the controller's component: the feature's code, else the first listed."""
    listed = list(components)
    return next(
        (c for c in listed if c.sw_code == controller_sw_code),
        listed[0] if listed else None,
    )


class NavienFirmwareUpdate(NavienEntity, UpdateEntity):
    """The controller's installed firmware and one it has downloaded, if any.

    Read-only: the heater installs downloaded firmware by itself. The device
    registry's firmware version follows what the heater reports.
    """

    def __init__(
        self,
        coordinator: NavienCoordinator,
        mac: str,
        firmware: HeaterDetail[tuple[FirmwareComponent, ...]],
    ) -> None:
        """Follow the heater's firmware reads besides its status."""
        super().__init__(coordinator, mac, FIRMWARE)
        self._firmware = firmware

    @override
    async def async_added_to_hass(self) -> None:
        """Listen to firmware reads."""
        await super().async_added_to_hass()
        self.async_on_remove(self._firmware.async_add_listener(self._firmware_changed))
        self._sync_device_registry()

    @callback
    def _firmware_changed(self) -> None:
        self._sync_device_registry()
        self.async_write_ha_state()

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        """Follow a new feature message, which may carry a new version."""
        self._sync_device_registry()
        super()._handle_coordinator_update()

    @property
    def _controller(self) -> FirmwareComponent | None:
        feature = self.feature
        return controller_firmware(
            self._firmware.data or (), feature.controller_sw_code if feature else None
        )

    @property
    @override
    def available(self) -> bool:
        """Available with the heater, once the cloud has told its firmware."""
        return super().available and self._controller is not None

    @property
    @override
    def installed_version(self) -> str | None:
        """The controller's installed firmware."""
        controller = self._controller
        if controller is not None:
            return format_version(controller.version)
        feature = self.feature
        if feature is not None and feature.controller_sw_version is not None:
            return format_version(feature.controller_sw_version)
        return None

    @property
    @override
    def latest_version(self) -> str | None:
        """A downloaded firmware waiting to be installed, else the installed one."""
        controller = self._controller
        if controller is not None and controller.downloaded_version:
            return format_version(controller.downloaded_version)
        return self.installed_version

    @callback
    def _sync_device_registry(self) -> None:
        """Give the device the firmware version the heater reports now."""
        installed = self.installed_version
        registry = dr.async_get(self.hass)
        device = registry.async_get_device_by_identifier(
            (DOMAIN, self.mac), self.coordinator.config_entry.entry_id
        )
        if (
            installed is not None
            and device is not None
            and device.sw_version != installed
        ):
            registry.async_update_device(device.id, sw_version=installed)
