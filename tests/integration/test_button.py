"""Buttons against the simulated heater."""

from typing import TYPE_CHECKING

from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.const import ATTR_ENTITY_ID, Platform
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)

from custom_components.navien_nwp500.const import DOMAIN
from custom_components.navien_nwp500.navilink.codec.enums import CommandCode

from .conftest import DEMO_MAC
from .helpers import get_entity_id, wait_for

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers import entity_registry as er
    from syrupy.assertion import SnapshotAssertion

    from custom_components.navien_nwp500.coordinator import NavienCoordinator
    from custom_components.navien_nwp500.navilink.codec.models import DeviceStatus
    from navilink_sim.simulator import NaviLinkSimulator

pytestmark = [
    pytest.mark.simulator(time_scale=0, push_interval=None),
    pytest.mark.platforms(Platform.BUTTON),
]


async def press(hass: HomeAssistant, key: str) -> None:
    """Press the demo heater's button ``key``."""
    found = get_entity_id(hass, BUTTON_DOMAIN, key)
    await hass.services.async_call(
        BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: found}, blocking=True
    )


def status(coordinator: NavienCoordinator) -> DeviceStatus:
    """Return the demo heater's latest status in Home Assistant."""
    found = coordinator.data.heaters[DEMO_MAC].status
    assert found is not None
    return found


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_snapshot(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)


async def test_request_status_fetches_a_fresh_status(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: NaviLinkSimulator
) -> None:
    """A change the heater did not push shows up after the button is pressed."""
    coordinator = init_integration.runtime_data
    simulator.heaters[DEMO_MAC].vacation_days = 9
    await press(hass, "request_status")
    await wait_for(hass, lambda: status(coordinator).vacation_day_setting == 9)
    request = simulator.heaters[DEMO_MAC].received[-1]["request"]
    assert request["command"] == CommandCode.STATUS_REQUEST


async def test_request_status_refused_while_offline(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: NaviLinkSimulator
) -> None:
    coordinator = init_integration.runtime_data
    simulator.faults.refuse_for(30)
    simulator.faults.drop_all()
    await wait_for(hass, lambda: not coordinator.connected)

    with pytest.raises(HomeAssistantError) as err:
        await press(hass, "request_status")
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == "not_connected"
    simulator.faults.stop_refusing()


async def test_reset_air_filter(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: NaviLinkSimulator
) -> None:
    coordinator = init_integration.runtime_data
    assert status(coordinator).air_filter_alarm_elapsed == 120

    await press(hass, "reset_air_filter")
    await wait_for(hass, lambda: status(coordinator).air_filter_alarm_elapsed == 0)
    request = simulator.heaters[DEMO_MAC].received[-1]["request"]
    assert request["command"] == CommandCode.AIR_FILTER_RESET


async def test_reset_air_filter_while_offline_is_sent_after_reconnect(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    coordinator = init_integration.runtime_data
    simulator.faults.refuse_for(600)
    simulator.faults.drop_all()
    await wait_for(hass, lambda: not coordinator.connected)

    await press(hass, "reset_air_filter")
    assert "queued: sent when the connection is back, unless" in caplog.text
    simulator.faults.stop_refusing()

    await wait_for(
        hass, lambda: status(coordinator).air_filter_alarm_elapsed == 0, within=30
    )
