"""Fixtures that run the integration inside Home Assistant against the simulator."""

import contextlib
from typing import TYPE_CHECKING, Any
from unittest.mock import PropertyMock, patch

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_EMAIL, CONF_PASSWORD
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension

from custom_components.navien_nwp500.cloud_override import (
    ENV_API_URL,
    ENV_CA_FILE,
    ENV_IOT_HOST,
    ENV_IOT_PORT,
)
from custom_components.navien_nwp500.const import DOMAIN
from custom_components.navien_nwp500.energy import CounterPoller
from custom_components.navien_nwp500.navilink.session import SessionConfig
from navilink_sim.accounts import demo_account
from tests.simulator_fixture import TEST_DELAY_SCALE

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from homeassistant.core import HomeAssistant
    from syrupy.assertion import SnapshotAssertion

    from navilink_sim.heater import SimulatedHeater
    from navilink_sim.simulator import NaviLinkSimulator

DEMO = demo_account()
DEMO_MAC = DEMO.devices[0].mac


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``platforms`` marker."""
    config.addinivalue_line(
        "markers",
        "platforms(*platforms): load only these platforms of the integration",
    )
    config.addinivalue_line(
        "markers", "counters: let the integration query the heater's counters"
    )


COMPRESSED_TIMEOUTS = {
    "custom_components.navien_nwp500.command_result.COMMAND_OUTCOME_TIMEOUT": 15.0,
    "custom_components.navien_nwp500.command_result.CLOSE_WAIT": 60.0,
    "custom_components.navien_nwp500.command_result.STOP_CLOSE_WAIT": 10.0,
    "custom_components.navien_nwp500.energy.QUERY_TIMEOUT": 30.0,
    "custom_components.navien_nwp500.heater_details.SCHEDULE_READ_TIMEOUT": 10.0,
    "custom_components.navien_nwp500.reservations.REPLY_TIMEOUT": 10.0,
    "custom_components.navien_nwp500.reservations.CONFIRM_TIMEOUT": 20.0,
    "custom_components.navien_nwp500.reservations.CONFIRM_RETRY_DELAY": 1.0,
    "custom_components.navien_nwp500.services.REPLY_TIMEOUT": 10.0,
    "custom_components.navien_nwp500.smart_heating.GIVE_BACK_PATIENCE": 180.0,
}
"""The integration's waits for the heater, at their full length (seconds)."""


@pytest.fixture(autouse=True)
def compressed_timeouts() -> Iterator[None]:
    """Compress the integration's waits for the heater as much as the heater's delays.

    A reply the realistic heater loses then costs a test a fraction of a second,
    and a late control stays as late, relative to the wait, as in real life.
    """
    defaults = SessionConfig()
    session_waits = {
        "control_confirm_timeout": defaults.control_confirm_timeout * TEST_DELAY_SCALE,
        "request_timeout": defaults.request_timeout * TEST_DELAY_SCALE,
        "control_spacing": defaults.control_spacing * TEST_DELAY_SCALE,
        "control_patience": defaults.control_patience * TEST_DELAY_SCALE,
        "status_poll_interval": defaults.status_poll_interval * TEST_DELAY_SCALE,
        "feature_retry_min": defaults.feature_retry_min * TEST_DELAY_SCALE,
    }

    def session_config(**options: Any) -> SessionConfig:
        return SessionConfig(**(session_waits | options))

    with contextlib.ExitStack() as stack:
        for target, seconds in COMPRESSED_TIMEOUTS.items():
            stack.enter_context(patch(target, seconds * TEST_DELAY_SCALE))
        stack.enter_context(
            patch(
                "custom_components.navien_nwp500.coordinator.SessionConfig",
                session_config,
            )
        )
        yield


@pytest.fixture(autouse=True)
def counter_reads(request: pytest.FixtureRequest) -> Iterator[None]:
    """Keep the background counter queries out of tests not marked ``counters``.

    They would interleave with the requests other tests look for.
    """
    if request.node.get_closest_marker("counters") is not None:
        yield
        return
    with patch.object(CounterPoller, "async_start"):
        yield


@pytest.fixture(autouse=True)
def back_to_back_reads() -> Iterator[None]:
    """Let the reader start a heater's next read as soon as one ends.

    Its spacing (a second) would add up to minutes over the suite; the test of
    the spacing rule sets it again.
    """
    with patch("custom_components.navien_nwp500.reader.READ_SPACING", 0.0):
        yield


@pytest.fixture(autouse=True)
def platforms(request: pytest.FixtureRequest) -> Iterator[None]:
    """Load only the platforms named by the closest ``platforms`` marker, if any."""
    marker = request.node.get_closest_marker("platforms")
    if marker is None:
        yield
        return
    with patch("custom_components.navien_nwp500.PLATFORMS", list(marker.args)):
        yield


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Serialize with Home Assistant's extension."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture
def entity_registry_enabled_by_default() -> Iterator[None]:
    """Enable every entity."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        yield


@pytest.fixture
def short_grace_period() -> Iterator[None]:
    """Mark entities unavailable 0.2 s after a disconnect."""
    with patch(
        "custom_components.navien_nwp500.availability.UNAVAILABLE_GRACE_PERIOD", 0.2
    ):
        yield


@pytest.fixture
def heater(point_at_simulator: NaviLinkSimulator) -> SimulatedHeater:
    """Return the simulated demo heater."""
    return point_at_simulator.heaters[DEMO_MAC.lower()]


@pytest.fixture
def mock_config_entry() -> MockConfigEntry:
    """Return a config entry for the simulator's demo account."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=DEMO.email,
        unique_id=str(DEMO.user_seq),
        data={CONF_EMAIL: DEMO.email, CONF_PASSWORD: DEMO.password},
        version=1,
        minor_version=1,
    )


@pytest.fixture
def point_at_simulator(
    simulator: NaviLinkSimulator, monkeypatch: pytest.MonkeyPatch
) -> NaviLinkSimulator:
    """Point the integration's endpoints at the running simulator."""
    endpoints = simulator.endpoints_kwargs
    monkeypatch.setenv(ENV_API_URL, endpoints["api_base_url"])
    monkeypatch.setenv(ENV_IOT_HOST, endpoints["iot_host"])
    monkeypatch.setenv(ENV_IOT_PORT, str(endpoints["iot_port"]))
    monkeypatch.setenv(ENV_CA_FILE, endpoints["ca_file"])
    return simulator


@pytest.fixture
async def init_integration(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    point_at_simulator: NaviLinkSimulator,
) -> AsyncIterator[MockConfigEntry]:
    """Set up the demo account's entry against the simulator; unload it after."""
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.LOADED
    yield mock_config_entry
    if mock_config_entry.state is ConfigEntryState.LOADED:
        assert await hass.config_entries.async_unload(mock_config_entry.entry_id)
        await hass.async_block_till_done()
