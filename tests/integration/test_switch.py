"""Switches against the simulated heater: state from the heater's acks only."""

import contextlib
from typing import TYPE_CHECKING, Any
from unittest.mock import patch

from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    STATE_UNKNOWN,
    Platform,
)
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)

from custom_components.navien_nwp500.navilink.codec.enums import CommandCode
from navilink_sim.heater import SimulatedHeater

from .conftest import DEMO_MAC
from .helpers import get_entity_id, wait_for

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers import entity_registry as er
    from syrupy.assertion import SnapshotAssertion

    from navilink_sim.simulator import NaviLinkSimulator

pytestmark = [
    pytest.mark.simulator(time_scale=0, push_interval=None),
    pytest.mark.platforms(Platform.SWITCH),
]


def entity_id(hass: HomeAssistant, key: str) -> str:
    """Return the entity ID of the demo heater's switch ``key``."""
    return get_entity_id(hass, SWITCH_DOMAIN, key)


def last_command(simulator: NaviLinkSimulator) -> int:
    """Return the command code of the newest request the heater received."""
    return int(simulator.heaters[DEMO_MAC].received[-1]["request"]["command"])


async def switch(hass: HomeAssistant, service: str, key: str) -> None:
    """Call a switch service on the demo heater's switch ``key``."""
    await hass.services.async_call(
        SWITCH_DOMAIN, service, {ATTR_ENTITY_ID: entity_id(hass, key)}, blocking=True
    )


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_snapshot(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)


async def test_anti_legionella_keeps_the_period(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: NaviLinkSimulator
) -> None:
    heater = simulator.heaters[DEMO_MAC]
    heater.anti_legionella_period = 12
    await simulator.push_status(DEMO_MAC)
    anti_leg = entity_id(hass, "anti_legionella")

    await switch(hass, SERVICE_TURN_OFF, "anti_legionella")
    await wait_for(hass, lambda: hass.states.get(anti_leg).state == STATE_OFF)
    assert last_command(simulator) == CommandCode.ANTI_LEGIONELLA_OFF
    assert heater.anti_legionella is False

    await switch(hass, SERVICE_TURN_ON, "anti_legionella")
    await wait_for(hass, lambda: hass.states.get(anti_leg).state == STATE_ON)
    assert heater.received[-1]["request"]["param"] == [12]
    assert heater.anti_legionella_period == 12


async def test_anti_legionella_on_without_a_usable_period_uses_seven_days(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: NaviLinkSimulator
) -> None:
    heater = simulator.heaters[DEMO_MAC]
    heater.anti_legionella = False
    heater.anti_legionella_period = 0
    await simulator.push_status(DEMO_MAC)
    anti_leg = entity_id(hass, "anti_legionella")
    await wait_for(hass, lambda: hass.states.get(anti_leg).state == STATE_OFF)

    await switch(hass, SERVICE_TURN_ON, "anti_legionella")
    await wait_for(hass, lambda: hass.states.get(anti_leg).state == STATE_ON)
    assert heater.received[-1]["request"]["command"] == CommandCode.ANTI_LEGIONELLA_ON
    assert heater.anti_legionella_period == 7


async def test_tou_follows_the_heater(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: NaviLinkSimulator
) -> None:
    heater = simulator.heaters[DEMO_MAC]
    tou = entity_id(hass, "tou")
    assert hass.states.get(tou).state == STATE_OFF

    await switch(hass, SERVICE_TURN_ON, "tou")
    await wait_for(hass, lambda: hass.states.get(tou).state == STATE_ON)
    assert last_command(simulator) == CommandCode.TOU_ON
    assert heater.tou is True

    await switch(hass, SERVICE_TURN_OFF, "tou")
    await wait_for(hass, lambda: hass.states.get(tou).state == STATE_OFF)
    assert last_command(simulator) == CommandCode.TOU_OFF


async def test_demand_response_follows_the_event_status(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: NaviLinkSimulator
) -> None:
    heater = simulator.heaters[DEMO_MAC]
    dr = entity_id(hass, "demand_response")
    assert hass.states.get(dr).state == STATE_OFF

    await switch(hass, SERVICE_TURN_ON, "demand_response")
    await wait_for(hass, lambda: hass.states.get(dr).state == STATE_ON)
    assert last_command(simulator) == CommandCode.DR_ON
    assert heater.status["drEventStatus"] == 1


@pytest.mark.parametrize(
    ("dr_event_status", "expected"),
    [(2, STATE_ON), (6, STATE_ON), (0, STATE_OFF), (None, STATE_UNKNOWN)],
)
async def test_demand_response_reads_any_event_state_as_on(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    dr_event_status: int | None,
    expected: str,
) -> None:
    """Any CTA-2045 state means DR is enabled; a missing field means unknown."""
    original = SimulatedHeater._status

    def status(heater: SimulatedHeater, command: int) -> dict[str, Any]:
        wire = original(heater, command)
        wire.pop("drEventStatus")
        if dr_event_status is not None:
            wire["drEventStatus"] = dr_event_status
        return wire

    dr = entity_id(hass, "demand_response")
    with patch.object(SimulatedHeater, "_status", status):
        # A late reply composed before the patch may land after one push: push again.
        for _attempt in range(10):
            await simulator.push_status(DEMO_MAC)
            with contextlib.suppress(TimeoutError):
                await wait_for(hass, lambda: hass.states.get(dr).state == expected, 3.0)
                break
        assert hass.states.get(dr).state == expected


async def test_no_state_before_the_ack(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: NaviLinkSimulator
) -> None:
    """A heater that takes the command but does not answer leaves the switch as it was."""
    simulator.faults.drop_replies(mac=DEMO_MAC)
    with pytest.raises(HomeAssistantError) as raised:
        await switch(hass, SERVICE_TURN_ON, "tou")
    assert raised.value.translation_key == "command_pending"  # no answer in 15 s
    await wait_for(hass, lambda: simulator.heaters[DEMO_MAC].tou)
    await hass.async_block_till_done()
    assert hass.states.get(entity_id(hass, "tou")).state == STATE_OFF


async def test_switch_while_offline_is_sent_after_reconnect(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    coordinator = init_integration.runtime_data
    simulator.faults.refuse_for(600)
    simulator.faults.drop_all()
    await wait_for(hass, lambda: not coordinator.connected)

    await switch(hass, SERVICE_TURN_ON, "tou")
    assert "queued: sent when the connection is back, unless" in caplog.text
    assert simulator.heaters[DEMO_MAC].tou is False
    simulator.faults.stop_refusing()

    tou = entity_id(hass, "tou")
    await wait_for(hass, lambda: hass.states.get(tou).state == STATE_ON, within=30)
    assert simulator.heaters[DEMO_MAC].tou is True


async def test_unsupported_heater_gets_no_switches(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    point_at_simulator: NaviLinkSimulator,
) -> None:
    unsupported = {
        "antiLegionellaSettingUse": 1,
        "programReservationUse": 1,
        "drSettingUse": 1,
    }
    original = SimulatedHeater.feature
    assert original.fget is not None
    feature = property(lambda heater: {**original.fget(heater), **unsupported})
    with patch.object(SimulatedHeater, "feature", feature):
        mock_config_entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        await hass.async_block_till_done()
        # Only smart heating's switches, which every heat-pump heater has.
        assert sorted(hass.states.async_entity_ids(SWITCH_DOMAIN)) == [
            "switch.nwp500_ready_by",
            "switch.nwp500_smart_heating",
        ]
        assert await hass.config_entries.async_unload(mock_config_entry.entry_id)


async def test_heater_reporting_late_gets_its_entities(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    point_at_simulator: NaviLinkSimulator,
) -> None:
    """Switches, numbers and buttons appear once a silent heater reports."""
    platforms = [Platform.BUTTON, Platform.NUMBER, Platform.SWITCH]
    point_at_simulator.faults.drop_replies(mac=DEMO_MAC)
    mock_config_entry.add_to_hass(hass)
    with (
        patch("custom_components.navien_nwp500.PLATFORMS", platforms),
        patch("custom_components.navien_nwp500.coordinator.FIRST_DATA_TIMEOUT", 0.1),
    ):
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        await hass.async_block_till_done()
        assert hass.states.async_entity_ids() == []

        point_at_simulator.faults.drop_replies(False, mac=DEMO_MAC)
        coordinator = mock_config_entry.runtime_data
        assert coordinator.session is not None
        device = coordinator.data.heaters[DEMO_MAC].device
        await coordinator.session.request_device_info(device)
        await coordinator.async_request_status()
        await wait_for(hass, lambda: len(hass.states.async_entity_ids()) == 12)
        await wait_for(
            hass,
            lambda: hass.states.get(entity_id(hass, "tou")).state == STATE_OFF,
        )
        assert await hass.config_entries.async_unload(mock_config_entry.entry_id)
