"""The firmware update entity against the simulator's REST firmware info."""

from datetime import timedelta
from typing import TYPE_CHECKING

from homeassistant.components.update import DOMAIN as UPDATE_DOMAIN
from homeassistant.const import STATE_OFF, STATE_ON, Platform
from homeassistant.helpers import device_registry as dr
from homeassistant.util.dt import utcnow
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.navien_nwp500.const import DOMAIN
from custom_components.navien_nwp500.heater_details import (
    DETAILS_REFRESH_INTERVAL,
    DETAILS_RETRY_AFTER,
)

from .conftest import DEMO_MAC
from .helpers import find_entity_id, get_state, wait_for

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers import entity_registry as er
    from pytest_homeassistant_custom_component.common import MockConfigEntry
    from syrupy.assertion import SnapshotAssertion

    from navilink_sim.heater import SimulatedHeater
    from navilink_sim.simulator import NaviLinkSimulator

pytestmark = [
    pytest.mark.simulator(time_scale=0, push_interval=None),
    pytest.mark.platforms(Platform.UPDATE),
]

CONTROLLER = 0x02000711


async def firmware_entity(hass: HomeAssistant) -> str:
    """Wait for the firmware entity (it comes once the cloud told the firmware)."""
    await wait_for(
        hass, lambda: find_entity_id(hass, UPDATE_DOMAIN, "firmware") is not None
    )
    found = find_entity_id(hass, UPDATE_DOMAIN, "firmware")
    assert found is not None
    await wait_for(hass, lambda: hass.states.get(found) is not None)
    return found


async def next_day(hass: HomeAssistant) -> None:
    """Let a day pass, so the daily firmware read runs."""
    async_fire_time_changed(
        hass, utcnow() + DETAILS_REFRESH_INTERVAL + timedelta(seconds=1)
    )
    await hass.async_block_till_done()


def sw_version(hass: HomeAssistant, entry: MockConfigEntry) -> str | None:
    """Return the heater device's firmware version in the device registry."""
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, DEMO_MAC), entry.entry_id
    )
    assert device is not None
    return device.sw_version


def set_controller(heater: SimulatedHeater, version: int, downloaded: int) -> None:
    """Change what the cloud reports for the heater's controller firmware."""
    for component in heater.device.firmwares:
        if component["curSwCode"] == CONTROLLER:
            component["curVersion"] = version
            component["downloadedVersion"] = downloaded


async def test_snapshot(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Registry entry and state of the firmware entity (read-only: no features)."""
    entity_id = await firmware_entity(hass)
    assert entity_registry.async_get(entity_id) == snapshot(name="entry")
    assert get_state(hass, entity_id) == snapshot(name="state")


async def test_pending_download_then_installed(
    hass: HomeAssistant, init_integration: MockConfigEntry, heater: SimulatedHeater
) -> None:
    """A downloaded version shows as an update; once installed the device follows."""
    entity_id = await firmware_entity(hass)
    state = get_state(hass, entity_id)
    assert state.state == STATE_OFF
    assert state.attributes["installed_version"] == "10.1.0.0"
    assert sw_version(hass, init_integration) == "10.1.0.0"

    set_controller(heater, 0x0A010000, 0x0A020000)
    await next_day(hass)
    await wait_for(hass, lambda: get_state(hass, entity_id).state == STATE_ON)
    assert get_state(hass, entity_id).attributes["latest_version"] == "10.2.0.0"

    set_controller(heater, 0x0A020000, 0)
    await next_day(hass)
    await wait_for(hass, lambda: get_state(hass, entity_id).state == STATE_OFF)
    assert get_state(hass, entity_id).attributes["installed_version"] == "10.2.0.0"
    assert sw_version(hass, init_integration) == "10.2.0.0"


async def test_no_firmware_info_no_entity(
    hass: HomeAssistant, heater: SimulatedHeater, mock_config_entry: MockConfigEntry
) -> None:
    """A heater whose firmware the cloud does not list gets no firmware entity."""
    heater.device.firmwares = []
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert find_entity_id(hass, UPDATE_DOMAIN, "firmware") is None
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)


async def test_failed_read_is_retried_within_the_day(
    hass: HomeAssistant,
    point_at_simulator: NaviLinkSimulator,
    mock_config_entry: MockConfigEntry,
) -> None:
    """A failed first firmware read is tried again after 15 minutes, not a day."""
    point_at_simulator.rest_faults.fail_next(500, count=5, path="/device/firmware/info")
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert point_at_simulator.rest_faults.count("/device/firmware/info") > 0
    assert find_entity_id(hass, UPDATE_DOMAIN, "firmware") is None

    while point_at_simulator.rest_faults.take_failure("/device/firmware/info"):
        pass  # the cloud answers again
    async_fire_time_changed(hass, utcnow() + timedelta(seconds=DETAILS_RETRY_AFTER + 1))
    entity_id = await firmware_entity(hass)
    assert get_state(hass, entity_id).attributes["installed_version"] == "10.1.0.0"
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)
