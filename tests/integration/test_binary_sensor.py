"""Binary sensors against the simulated heater, and the cloud connection sensor."""

from typing import TYPE_CHECKING
from unittest.mock import patch

from homeassistant.components.binary_sensor.const import (
    DOMAIN as BINARY_SENSOR_DOMAIN,
)
from homeassistant.const import (
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
    Platform,
)
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)

from .conftest import DEMO_MAC
from .helpers import find_entity_id, patch_status, push, wait_for

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers import entity_registry as er
    from syrupy.assertion import SnapshotAssertion

    from navilink_sim.simulator import NaviLinkSimulator

pytestmark = [
    pytest.mark.simulator(time_scale=0, push_interval=None),
    pytest.mark.platforms(Platform.BINARY_SENSOR),
]

ELECTRIC = 2
POWER_OFF = 6


def entity_id(hass: HomeAssistant, key: str) -> str | None:
    """Return the entity ID of the demo heater's binary sensor ``key``, if any."""
    return find_entity_id(hass, BINARY_SENSOR_DOMAIN, key)


def state(hass: HomeAssistant, key: str) -> str:
    """Return the state of the demo heater's binary sensor ``key``."""
    found = entity_id(hass, key)
    assert found is not None
    current = hass.states.get(found)
    assert current is not None
    return current.state


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_snapshot(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)


async def test_heating_follows_the_heater(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: NaviLinkSimulator
) -> None:
    heater = simulator.heaters[DEMO_MAC]
    assert state(hass, "heating") == STATE_OFF
    assert state(hass, "upper_element") == STATE_OFF

    heater.mode = ELECTRIC
    heater.setpoint = 130
    heater.start_draw(6.0, 600)
    simulator.advance(10)
    await push(hass, simulator)
    assert state(hass, "heating") == STATE_ON
    assert state(hass, "upper_element") == STATE_ON
    assert state(hass, "lower_element") == STATE_OFF
    assert state(hass, "compressor") == STATE_OFF
    assert state(hass, "hot_water_in_use") == STATE_ON

    heater.mode = POWER_OFF
    simulator.advance(10)
    await push(hass, simulator)
    assert state(hass, "heating") == STATE_OFF
    assert state(hass, "upper_element") == STATE_OFF


async def test_alarms(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: NaviLinkSimulator
) -> None:
    for key in ("leak", "condensate_overflow", "error", "anti_legionella_running"):
        assert state(hass, key) == STATE_OFF

    with patch_status(wtrOvrSensorUse=2, antiLegionellaOperationBusy=2):
        await push(hass, simulator)
    assert state(hass, "leak") == STATE_ON
    assert state(hass, "anti_legionella_running") == STATE_ON
    assert state(hass, "error") == STATE_OFF

    with patch_status(errorCode=990):
        await push(hass, simulator)
    assert state(hass, "leak") == STATE_OFF
    assert state(hass, "condensate_overflow") == STATE_ON
    assert state(hass, "error") == STATE_ON

    with patch_status(
        errorCode=None, antiLegionellaOperationBusy=0, wtrOvrSensorUse=None
    ):
        await push(hass, simulator)
    assert state(hass, "error") == STATE_UNKNOWN
    assert state(hass, "leak") == STATE_UNKNOWN
    assert state(hass, "anti_legionella_running") == STATE_UNKNOWN


@pytest.mark.usefixtures("short_grace_period", "entity_registry_enabled_by_default")
async def test_cloud_connection_goes_off_while_others_go_unavailable(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: NaviLinkSimulator
) -> None:
    assert state(hass, "cloud_connection") == STATE_ON

    simulator.faults.refuse_for(600)
    simulator.faults.drop_all()
    await wait_for(hass, lambda: state(hass, "heating") == STATE_UNAVAILABLE)
    assert state(hass, "cloud_connection") == STATE_OFF
    simulator.faults.stop_refusing()

    await wait_for(hass, lambda: state(hass, "cloud_connection") == STATE_ON, 30)
    # The heater's entities wait for its first status after the reconnect.
    await wait_for(hass, lambda: state(hass, "heating") != STATE_UNAVAILABLE)
    assert state(hass, "heating") == STATE_OFF


async def test_heater_that_reports_late_gets_its_entities(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    point_at_simulator: NaviLinkSimulator,
) -> None:
    point_at_simulator.faults.drop_replies(mac=DEMO_MAC)
    mock_config_entry.add_to_hass(hass)
    with patch("custom_components.navien_nwp500.coordinator.FIRST_DATA_TIMEOUT", 0.2):
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert entity_id(hass, "heating") is None

    point_at_simulator.faults.drop_replies(False, mac=DEMO_MAC)
    await point_at_simulator.push_status(DEMO_MAC)
    await hass.async_block_till_done()
    assert entity_id(hass, "heating") is None, "no entities before the feature"

    coordinator = mock_config_entry.runtime_data
    assert coordinator.session is not None
    await coordinator.session.request_device_info(
        coordinator.data.heaters[DEMO_MAC].device
    )
    await wait_for(hass, lambda: entity_id(hass, "heating") is not None)
    assert state(hass, "heating") == STATE_OFF
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)
