"""Setup that fails leaks nothing, and its retries do not sign in with the password again."""

from functools import partial
from typing import TYPE_CHECKING, Any
from unittest.mock import patch

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers.update_coordinator import UpdateFailed
import pytest

from custom_components.navien_nwp500.account_cache import DATA_ACCOUNTS
from custom_components.navien_nwp500.coordinator import NavienCoordinator
from custom_components.navien_nwp500.navilink.session.session import (
    NaviLinkSession,
    SessionConfig,
)

from .helpers import advance, wait_for

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from navilink_sim.simulator import NaviLinkSimulator

pytestmark = pytest.mark.simulator(time_scale=0, push_interval=None)


async def _fail_first_data(sessions: list[NaviLinkSession | None], self: Any) -> None:
    sessions.append(self.session)
    raise UpdateFailed("the first data did not come")


async def _fail_platforms(
    sessions: list[NaviLinkSession | None], entry: Any, _platforms: Any
) -> None:
    sessions.append(entry.runtime_data.session)
    raise ConfigEntryNotReady("the platforms did not load")


@pytest.mark.parametrize("step", ["first_data", "platforms"])
async def test_setup_failing_after_the_session_started_closes_it(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    point_at_simulator: NaviLinkSimulator,
    step: str,
) -> None:
    sessions: list[NaviLinkSession | None] = []
    if step == "first_data":
        failing = patch.object(
            NavienCoordinator,
            "_async_wait_for_first_data",
            partial(_fail_first_data, sessions),
        )
    else:
        failing = patch.object(
            hass.config_entries,
            "async_forward_entry_setups",
            partial(_fail_platforms, sessions),
        )
    mock_config_entry.add_to_hass(hass)
    with failing:
        assert not await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
    [session] = sessions
    assert session is not None
    assert session.state == "closed"
    door = point_at_simulator.front_door
    assert door.stats.accepted == 1
    await wait_for(hass, lambda: door.live_connections == 0)


async def test_setup_retries_reuse_the_sign_in(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    point_at_simulator: NaviLinkSimulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        "custom_components.navien_nwp500.coordinator.SessionConfig",
        partial(SessionConfig, first_connect_timeout=1.0, backoff_min=0.05),
    )
    accounts, rest = point_at_simulator.accounts, point_at_simulator.rest_faults
    point_at_simulator.faults.refuse_for(24 * 3600)
    mock_config_entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(mock_config_entry.entry_id)
    for tries in range(2, 5):
        await advance(hass, 20 * 60)  # past Home Assistant's retry delay
        await wait_for(
            hass,
            lambda: (
                mock_config_entry.state is ConfigEntryState.SETUP_RETRY
                and rest.count("/device/list") == tries  # noqa: B023
            ),
            within=30,
        )
    assert accounts.sign_in_count == 1

    point_at_simulator.faults.stop_refusing()
    await advance(hass, 20 * 60)
    await wait_for(hass, lambda: mock_config_entry.state is ConfigEntryState.LOADED)
    assert accounts.sign_in_count == 1

    # Unloading forgets the tokens: the next setup signs in afresh.
    assert await hass.config_entries.async_reload(mock_config_entry.entry_id)
    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert accounts.sign_in_count == 2
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)


async def test_home_assistant_stop_closes_the_session(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    coordinator = init_integration.runtime_data
    session = coordinator.session
    assert session is not None
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
    await hass.async_block_till_done()
    assert coordinator.session is None
    assert session.state == "closed"


async def test_removing_the_entry_forgets_its_sign_in(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    assert init_integration.entry_id in hass.data[DATA_ACCOUNTS]
    await hass.config_entries.async_remove(init_integration.entry_id)
    assert init_integration.entry_id not in hass.data[DATA_ACCOUNTS]
