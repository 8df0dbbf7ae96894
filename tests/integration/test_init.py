"""Setting up, unloading and reloading an entry against the simulator."""

import threading
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntryState
import pytest

from .conftest import DEMO_MAC

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from navilink_sim.simulator import NaviLinkSimulator


async def test_setup_connects_and_receives_status(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    coordinator = init_integration.runtime_data
    assert coordinator.connected
    await hass.async_block_till_done()
    heater = coordinator.data.heaters[DEMO_MAC]
    assert heater.feature is not None
    assert heater.status is not None


async def test_unload_closes_the_session(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    point_at_simulator: NaviLinkSimulator,
) -> None:
    coordinator = init_integration.runtime_data
    session = coordinator.session
    assert session is not None
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.NOT_LOADED
    assert coordinator.session is None
    assert session.state == "closed"


@pytest.mark.simulator(aws_lifetime=3600)
async def test_wrong_password_starts_reauth(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    point_at_simulator: NaviLinkSimulator,
) -> None:
    point_at_simulator.faults.reject_passwords = True
    mock_config_entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.SETUP_ERROR
    assert mock_config_entry.error_reason_translation_key == "invalid_auth"
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]


async def test_unreachable_cloud_retries_setup(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    point_at_simulator: NaviLinkSimulator,
) -> None:
    point_at_simulator.faults.rest_fail(503, count=10)
    mock_config_entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(mock_config_entry.entry_id)
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
    assert mock_config_entry.error_reason_translation_key == "cannot_connect"


async def test_reload_leaves_one_session(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    old = init_integration.runtime_data.session
    threads_before = threading.active_count()
    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert old is not None
    assert old.state == "closed"
    new = init_integration.runtime_data.session
    assert new is not None
    assert new is not old
    assert new.client_id != old.client_id
    assert threading.active_count() <= threads_before + 1
