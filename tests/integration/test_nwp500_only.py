"""Only NWP500s become heaters: other Navien devices on the account are left alone."""

import asyncio
import logging
from typing import TYPE_CHECKING, Any
from unittest.mock import patch

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_EMAIL, CONF_PASSWORD
from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.navien_nwp500.const import DOMAIN
from navilink_sim.accounts import (
    SimAccount,
    demo_account_with,
    tankless_device,
)
from navilink_sim.rest import devices as devices_route

from .conftest import DEMO_MAC

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from navilink_sim.accounts import SimDevice
    from navilink_sim.simulator import NaviLinkSimulator
    from tests.simulator_fixture import SimMqttClientFactory

TANKLESS = tankless_device()
TANKLESS_ONLY = SimAccount(
    email="tankless@example.com",
    password="tankless-password",
    user_seq=40004,
    devices=[TANKLESS],
)
MIXED = demo_account_with(TANKLESS)
"""The demo account (so ``mock_config_entry`` fits) with a tankless heater as well."""


@pytest.mark.simulator(accounts=[TANKLESS_ONLY, MIXED])
async def test_flow_counts_only_nwp500s(
    hass: HomeAssistant, point_at_simulator: NaviLinkSimulator
) -> None:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_EMAIL: TANKLESS_ONLY.email, CONF_PASSWORD: TANKLESS_ONLY.password},
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "no_devices"}

    with patch("custom_components.navien_nwp500.async_setup_entry", return_value=True):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_EMAIL: MIXED.email, CONF_PASSWORD: MIXED.password}
        )
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.simulator(accounts=[MIXED], time_scale=0, push_interval=None)
async def test_setup_ignores_the_tankless_device(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    point_at_simulator: NaviLinkSimulator,
    sim_mqtt_client: SimMqttClientFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    spy = sim_mqtt_client()
    await spy.connect()
    await spy.subscribe("cmd/#")

    mock_config_entry.add_to_hass(hass)
    # Waiting for a device that never reports would hang here.
    with patch("custom_components.navien_nwp500.coordinator.FIRST_DATA_TIMEOUT", 3600):
        async with asyncio.timeout(60):
            assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    assert mock_config_entry.state is ConfigEntryState.LOADED
    coordinator = mock_config_entry.runtime_data
    assert set(coordinator.data.heaters) == {DEMO_MAC}
    ignored = [m for m in caplog.messages if "not NWP500" in m]
    assert len(ignored) == 1
    assert "Tankless (type 1)" in ignored[0]

    # One more status request as a barrier: the broker keeps our order, so once
    # the spy has it, it has every request the session published before.
    await coordinator.async_request_status()
    topics: list[str] = []
    status_topic = f"cmd/52/navilink-{DEMO_MAC}/st"

    async def _collect() -> None:
        while topics.count(status_topic) < 3:  # connect, first poll, barrier
            topic, _ = await spy.next_message(within=30)
            topics.append(topic)

    await _collect()
    assert not [t for t in topics if TANKLESS.mac in t]
    assert all(t.startswith("cmd/52/") for t in topics)
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)


@pytest.mark.simulator(accounts=[MIXED], time_scale=0, push_interval=None)
async def test_device_listed_without_a_type_is_not_a_heater(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    point_at_simulator: NaviLinkSimulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The simulator always sends ``deviceType``: its list entry is patched to drop it."""
    original = devices_route._list_entry

    def without_type(device: SimDevice) -> dict[str, Any]:
        entry = original(device)
        if device.mac == TANKLESS.mac:
            del entry["deviceInfo"]["deviceType"]
        return entry

    monkeypatch.setattr(devices_route, "_list_entry", without_type)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    assert set(mock_config_entry.runtime_data.data.heaters) == {DEMO_MAC}
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)
