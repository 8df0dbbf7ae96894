"""The account's heaters over time, from its ``/device/list``.

Read at setup and every 6 hours. A heater that joins the account is added at
once, without a reload. The list never removes a heater by itself: one it
leaves out for a day (``device_list``) gets a repair asking the user, who may
then delete the device (``async_remove_config_entry_device``).
"""

import logging
from typing import TYPE_CHECKING

from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.event import async_call_later

from .const import DEVICE_LIST_REFRESH_INTERVAL, DOMAIN
from .device_list import DeviceListWatch
from .navilink.codec import NaviLinkError
from .repairs import async_update_heater_unlisted_issue

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime

    from .heater_state import HeaterSource
    from .navilink.codec import Device

_LOGGER = logging.getLogger(__name__)


class HeaterRoster:
    """Follows the account's device list for the coordinator's heaters."""

    def __init__(self, coordinator: HeaterSource) -> None:
        """Prepare (not start) the roster of ``coordinator``'s account."""
        self._coordinator = coordinator
        self._hass = coordinator.hass
        self._watch = DeviceListWatch()
        self._cancel_refresh: CALLBACK_TYPE | None = None

    def nwp500s(self, devices: Iterable[Device]) -> list[Device]:
        """Keep the NWP500s; log each other device once (they speak another protocol)."""
        ignored = self._coordinator.account.ignored_devices
        devices = list(devices)
        others = [d for d in devices if not d.is_nwp500 and d.mac not in ignored]
        if others:
            _LOGGER.info(
                "Ignoring devices that are not NWP500 heat-pump water heaters: %s",
                ", ".join(
                    f"{d.name or 'unnamed'} (type {d.device_type})" for d in others
                ),
            )
            ignored.update(d.mac for d in others)
        return [d for d in devices if d.is_nwp500]

    @callback
    def async_first_read(self, heaters: list[Device], now: datetime) -> None:
        """Take the setup's list; heaters registered before count as known."""
        registry = dr.async_get(self._hass)
        entry_id = self._coordinator.config_entry.entry_id
        self._watch.known = {
            identifier[1]
            for device in dr.async_entries_for_config_entry(registry, entry_id)
            for identifier in device.identifiers
            if identifier[0] == DOMAIN
        }
        self._async_read(heaters, now)

    @callback
    def async_start(self) -> None:
        """Read the list again every 6 hours."""
        self._cancel_refresh = async_call_later(
            self._hass, DEVICE_LIST_REFRESH_INTERVAL, self._async_refresh
        )

    @callback
    def async_stop(self) -> None:
        """Stop reading the list."""
        if self._cancel_refresh is not None:
            self._cancel_refresh()
            self._cancel_refresh = None

    def listed(self, mac: str) -> bool:
        """Whether the latest read of the list named heater ``mac``."""
        return self._watch.listed(mac)

    @callback
    def async_forget(self, mac: str) -> None:
        """Drop a heater the user removed, and its repair."""
        self._watch.forget([mac])
        async_update_heater_unlisted_issue(self._hass, mac, "", unlisted=False)

    async def _async_refresh(self, now: datetime) -> None:
        """Add heaters that joined the account; note those the list leaves out."""
        self.async_start()
        try:
            devices = await self._coordinator.rest.async_list_devices()
        except NaviLinkError as err:
            _LOGGER.debug("Device list refresh failed: %s", err)
            return
        heaters = self.nwp500s(devices)
        self._async_read(heaters, now)
        for device in heaters:
            if device.mac not in self._coordinator.data.heaters:
                await self._coordinator.async_add_heater(device)

    @callback
    def _async_read(self, heaters: list[Device], now: datetime) -> None:
        """Raise a repair for heaters left out for long; clear it once listed again."""
        change = self._watch.read({d.mac for d in heaters}, now)
        for mac in change.unlisted:
            _LOGGER.info(
                "The NaviLink account has not listed water heater %s for a day;"
                " delete its device if it left the account",
                self._name(mac),
            )
        for mac in change.unlisted | change.back:
            async_update_heater_unlisted_issue(
                self._hass, mac, self._name(mac), unlisted=mac in change.unlisted
            )

    def _name(self, mac: str) -> str:
        heater = self._coordinator.data.heaters.get(mac)
        if heater is not None and heater.device.name:
            return heater.device.name
        device = dr.async_get(self._hass).async_get_device_by_identifier(
            (DOMAIN, mac), self._coordinator.config_entry.entry_id
        )
        return (device and (device.name_by_user or device.name)) or "NWP500"
