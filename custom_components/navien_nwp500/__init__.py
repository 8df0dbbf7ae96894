"""The Navien NWP500 (NaviLink) integration."""

from typing import TYPE_CHECKING

from homeassistant.const import EVENT_HOMEASSISTANT_STOP, Platform
from homeassistant.helpers import config_validation as cv, device_registry as dr

from .account_cache import async_forget_account
from .boost import async_remove_stored_boosts
from .const import DOMAIN
from .coordinator import NavienConfigEntry, NavienCoordinator
from .hot_water_tanks import async_remove_stored_cold_water
from .services import async_setup_services
from .smart_store import async_remove_stored_smart_heating

if TYPE_CHECKING:
    from homeassistant.core import Event, HomeAssistant
    from homeassistant.helpers.typing import ConfigType

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.CALENDAR,
    Platform.CLIMATE,
    Platform.NUMBER,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.TIME,
    Platform.UPDATE,
    Platform.WATER_HEATER,
]


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the integration's actions."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: NavienConfigEntry) -> bool:
    """Connect to the NaviLink cloud and set up the heaters of the account."""
    coordinator = NavienCoordinator(hass, entry)
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = coordinator
    await coordinator.boosts.async_load()
    await coordinator.smart.async_load()

    async def _async_close_on_stop(_event: Event) -> None:
        await coordinator.async_shutdown()

    entry.async_on_unload(
        hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, _async_close_on_stop)
    )
    entry.async_on_unload(entry.add_update_listener(_async_options_updated))
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def _async_options_updated(hass: HomeAssistant, entry: NavienConfigEntry) -> None:
    """Apply new options without a reload (a reload would flood the logbook)."""
    entry.runtime_data.apply_options()


async def async_unload_entry(hass: HomeAssistant, entry: NavienConfigEntry) -> bool:
    """End any boost and smart heating, unload the platforms; then close the session.

    A boost ends with the entry (its heater goes back to what was before), and
    smart heating gives the owner's mode and set-point back, but not when Home
    Assistant stops: then both stay stored and go on after the restart.
    """
    await entry.runtime_data.boosts.async_restore_all()
    await entry.runtime_data.smart.async_restore_all()
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        async_forget_account(hass, entry.entry_id)
    return unloaded


async def async_remove_entry(hass: HomeAssistant, entry: NavienConfigEntry) -> None:
    """Forget a removed entry's tokens, boosts, smart heating and cold water (even if never set up)."""
    async_forget_account(hass, entry.entry_id)
    await async_remove_stored_boosts(hass, entry.entry_id)
    await async_remove_stored_smart_heating(hass, entry.entry_id)
    await async_remove_stored_cold_water(hass, entry.entry_id)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: NavienConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Let the user delete a heater the account's device list no longer names.

    The only way a heater leaves: the device list never removes one by itself.
    """
    coordinator = entry.runtime_data
    macs = {i[1] for i in device.identifiers if i[0] == DOMAIN}
    if any(coordinator.roster.listed(mac) for mac in macs):
        return False
    coordinator.async_forget_heaters(macs)
    return True
