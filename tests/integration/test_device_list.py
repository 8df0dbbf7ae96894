"""The account's device list adds heaters by itself but never removes one.

The simulator's ``/device/list`` answers from its account's device list; the
tests empty or shrink that list (the simulated heaters keep running).
"""

from datetime import timedelta
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE, Platform
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.navien_nwp500.const import DEVICE_LIST_REFRESH_INTERVAL, DOMAIN
from navilink_sim.accounts import demo_account_with, second_heater

from .conftest import DEMO, DEMO_MAC
from .helpers import wait_for

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry
    from pytest_homeassistant_custom_component.typing import WebSocketGenerator

    from navilink_sim.accounts import SimDevice
    from navilink_sim.simulator import NaviLinkSimulator

pytestmark = [
    pytest.mark.simulator(time_scale=0, push_interval=None),
    pytest.mark.platforms(Platform.WATER_HEATER),
]

GARAGE = second_heater()
TWO_HEATERS = demo_account_with(GARAGE)


class ListReads:
    """Fires the 6-hourly device list reads one after the other, in order."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Count from now."""
        self._hass = hass
        self._start = dt_util.utcnow()
        self.done = 0

    async def next(self) -> None:
        """Let 6 hours pass: the next read runs (and the polls due by then)."""
        self.done += 1
        at = self._start + timedelta(seconds=DEVICE_LIST_REFRESH_INTERVAL * self.done)
        await self._hass.async_block_till_done(wait_background_tasks=True)
        async_fire_time_changed(self._hass, at + timedelta(seconds=1))
        await self._hass.async_block_till_done(wait_background_tasks=True)


def listed_devices(simulator: NaviLinkSimulator) -> list[SimDevice]:
    """Return the demo account's device list, which the simulator's REST API serves."""
    account = simulator.accounts.account(DEMO.email)
    assert account is not None
    return account.devices


def heater_device(
    hass: HomeAssistant, entry: MockConfigEntry, mac: str = DEMO_MAC
) -> dr.DeviceEntry | None:
    """Return the heater's device in the registry, if any."""
    return dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, mac), entry.entry_id
    )


def unlisted_issue(hass: HomeAssistant, mac: str = DEMO_MAC) -> ir.IssueEntry | None:
    """Return the repair asking about an unlisted heater, if raised."""
    return ir.async_get(hass).async_get_issue(DOMAIN, f"heater_unlisted_{mac}")


async def remove_device(
    hass: HomeAssistant,
    ws: WebSocketGenerator,
    entry: MockConfigEntry,
    device: dr.DeviceEntry,
) -> bool:
    """Delete the device from the entry as the device page does; whether allowed."""
    assert await async_setup_component(hass, "config", {})
    client = await ws(hass)
    await client.send_json_auto_id(
        {
            "type": "config/device_registry/remove_config_entry",
            "config_entry_id": entry.entry_id,
            "device_id": device.id,
        }
    )
    response = await client.receive_json()
    return bool(response["success"])


async def test_empty_device_list_removes_nothing_and_does_not_reload(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    point_at_simulator: NaviLinkSimulator,
) -> None:
    coordinator = init_integration.runtime_data
    reads = ListReads(hass)
    listed_devices(point_at_simulator).clear()
    for _ in range(3):
        await reads.next()
    assert init_integration.state is ConfigEntryState.LOADED
    assert init_integration.runtime_data is coordinator  # not reloaded
    assert set(coordinator.data.heaters) == {DEMO_MAC}
    assert heater_device(hass, init_integration) is not None
    assert er.async_entries_for_config_entry(
        er.async_get(hass), init_integration.entry_id
    )
    assert unlisted_issue(hass) is None  # a hiccup so far


async def test_heater_unlisted_for_a_day_gets_a_repair_then_the_user_deletes_it(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    point_at_simulator: NaviLinkSimulator,
    hass_ws_client: WebSocketGenerator,
) -> None:
    device = heater_device(hass, init_integration)
    assert device is not None
    assert not await remove_device(hass, hass_ws_client, init_integration, device)

    reads = ListReads(hass)
    listed_devices(point_at_simulator).clear()
    # Left out at +6 h, +12 h, +18 h and +24 h: not yet a day of reads.
    for _ in range(4):
        await reads.next()
        assert unlisted_issue(hass) is None
    await reads.next()  # +30 h: left out for a day (24 h since the first miss)
    issue = unlisted_issue(hass)
    assert issue is not None
    assert issue.translation_key == "heater_unlisted"
    assert issue.translation_placeholders == {"name": "NWP500"}
    assert (
        heater_device(hass, init_integration) is not None
    )  # still there: the user decides

    assert await remove_device(hass, hass_ws_client, init_integration, device)
    await hass.async_block_till_done()
    assert heater_device(hass, init_integration) is None
    assert not er.async_entries_for_config_entry(
        er.async_get(hass), init_integration.entry_id
    )
    assert init_integration.runtime_data.data.heaters == {}
    assert unlisted_issue(hass) is None


async def test_heater_listed_again_clears_the_repair(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    point_at_simulator: NaviLinkSimulator,
    hass_ws_client: WebSocketGenerator,
) -> None:
    devices = listed_devices(point_at_simulator)
    demo = list(devices)
    reads = ListReads(hass)
    devices.clear()
    for _ in range(5):
        await reads.next()
    assert unlisted_issue(hass) is not None

    devices.extend(demo)
    await reads.next()
    assert unlisted_issue(hass) is None
    device = heater_device(hass, init_integration)
    assert device is not None
    assert not await remove_device(hass, hass_ws_client, init_integration, device)


@pytest.mark.simulator(accounts=[TWO_HEATERS])
async def test_heater_that_joins_the_account_gets_entities_without_a_reload(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    point_at_simulator: NaviLinkSimulator,
) -> None:
    devices = listed_devices(point_at_simulator)
    garage = next(d for d in devices if d.mac == GARAGE.mac)
    devices.remove(garage)  # not on the account yet
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    coordinator = mock_config_entry.runtime_data
    assert set(coordinator.data.heaters) == {DEMO_MAC}
    registry = er.async_get(hass)

    def garage_state() -> str | None:
        entity_id = registry.async_get_entity_id(
            "water_heater", DOMAIN, f"{GARAGE.mac}_water_heater"
        )
        state = hass.states.get(entity_id) if entity_id else None
        return state.state if state else None

    devices.append(garage)  # the owner adds the heater in the NaviLink app
    await ListReads(hass).next()
    await wait_for(hass, lambda: garage_state() not in (None, STATE_UNAVAILABLE))
    assert mock_config_entry.runtime_data is coordinator  # no reload
    assert set(coordinator.data.heaters) == {DEMO_MAC, GARAGE.mac}
    assert heater_device(hass, mock_config_entry, GARAGE.mac) is not None
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)


async def test_setup_with_an_empty_device_list_is_retried(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    point_at_simulator: NaviLinkSimulator,
) -> None:
    listed_devices(point_at_simulator).clear()
    mock_config_entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(mock_config_entry.entry_id)
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
    assert mock_config_entry.error_reason_translation_key == "no_heaters_listed"


@pytest.mark.simulator(accounts=[TWO_HEATERS])
async def test_heater_left_out_at_setup_keeps_its_device(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    point_at_simulator: NaviLinkSimulator,
    hass_ws_client: WebSocketGenerator,
) -> None:
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)
    devices = listed_devices(point_at_simulator)
    devices[:] = [d for d in devices if d.mac != GARAGE.mac]

    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    assert set(mock_config_entry.runtime_data.data.heaters) == {DEMO_MAC}
    garage = heater_device(hass, mock_config_entry, GARAGE.mac)
    assert garage is not None  # kept: the list alone never removes a heater
    assert unlisted_issue(hass, GARAGE.mac) is None
    reads = ListReads(hass)
    for _ in range(5):
        await reads.next()
    issue = unlisted_issue(hass, GARAGE.mac)
    assert issue is not None
    assert issue.translation_placeholders == {"name": GARAGE.name}
    # The account does not list it: the user may delete it.
    assert await remove_device(hass, hass_ws_client, mock_config_entry, garage)
    assert heater_device(hass, mock_config_entry, GARAGE.mac) is None
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)
