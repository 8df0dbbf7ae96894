"""The coordinator's life with the account: device changes, safety poll, slow cloud."""

from functools import partial
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntryState
from homeassistant.helpers import device_registry as dr
import pytest

from custom_components.navien_nwp500 import async_remove_config_entry_device
from custom_components.navien_nwp500.const import DOMAIN
from custom_components.navien_nwp500.navilink.codec.enums import CommandCode
from custom_components.navien_nwp500.navilink.session.session import SessionConfig

from .conftest import DEMO, DEMO_MAC
from .helpers import wait_for

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from navilink_sim.simulator import NaviLinkSimulator

pytestmark = pytest.mark.simulator(time_scale=0, push_interval=None)


async def test_heater_removed_from_account_is_removed_from_home_assistant(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    point_at_simulator: NaviLinkSimulator,
) -> None:
    registry = dr.async_get(hass)
    identifier = (DOMAIN, DEMO_MAC)
    device = registry.async_get_device_by_identifier(
        identifier, init_integration.entry_id
    )
    assert device is not None
    assert not await async_remove_config_entry_device(hass, init_integration, device)

    account = point_at_simulator.accounts.account(DEMO.email)
    assert account is not None
    account.devices.clear()
    await init_integration.runtime_data._async_refresh_device_list(None)
    await wait_for(
        hass,
        lambda: (
            init_integration.state is ConfigEntryState.LOADED
            and not init_integration.runtime_data.data.heaters
        ),
    )
    assert (
        registry.async_get_device_by_identifier(identifier, init_integration.entry_id)
        is None
    )


async def test_unchanged_device_list_does_not_reload(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    coordinator = init_integration.runtime_data
    await coordinator._async_refresh_device_list(None)
    await hass.async_block_till_done()
    assert init_integration.runtime_data is coordinator


async def test_safety_poll_requests_status(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    point_at_simulator: NaviLinkSimulator,
) -> None:
    heater = point_at_simulator.heaters[DEMO_MAC]
    before = len(heater.received)
    await init_integration.runtime_data.async_request_status()
    await wait_for(
        hass,
        lambda: any(
            r["request"]["command"] == CommandCode.STATUS_REQUEST
            for r in heater.received[before:]
        ),
    )


async def test_session_that_cannot_connect_retries_setup(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    point_at_simulator: NaviLinkSimulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        "custom_components.navien_nwp500.coordinator.SessionConfig",
        partial(SessionConfig, first_connect_timeout=1.0, backoff_min=0.05),
    )
    point_at_simulator.faults.refuse_for(30)
    mock_config_entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(mock_config_entry.entry_id)
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
    assert mock_config_entry.error_reason_translation_key == "cannot_connect"
