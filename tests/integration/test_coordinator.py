"""The coordinator's life with the account: safety poll, slow cloud.

The account's device list has its own tests (``test_device_list``).
"""

from functools import partial
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntryState
import pytest

from custom_components.navien_nwp500.navilink.codec.enums import CommandCode
from custom_components.navien_nwp500.navilink.session.session import SessionConfig

from .conftest import DEMO_MAC
from .helpers import wait_for

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from navilink_sim.simulator import NaviLinkSimulator

pytestmark = pytest.mark.simulator(time_scale=0, push_interval=None)


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
    assert mock_config_entry.error_reason_translation_key == "no_connection_within"
