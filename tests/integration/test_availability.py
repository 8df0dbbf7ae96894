"""Availability follows the facts: a lost cloud is never papered over with old data."""

import logging
from typing import TYPE_CHECKING

from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE
import pytest

from .conftest import DEMO_MAC
from .helpers import (
    advance,
    coordinator_lines,
    get_entity_id,
    get_state,
    heater_states,
    wait_for,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from navilink_sim.simulator import NaviLinkSimulator

pytestmark = pytest.mark.simulator(time_scale=0, push_interval=None)

MINUTE = 60.0
SAFETY_POLL = 5 * MINUTE


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_outage_keeps_entities_unavailable_until_the_heater_reports_again(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    coordinator = init_integration.runtime_data
    cloud = get_entity_id(hass, "binary_sensor", "cloud_connection")
    water_heater = get_entity_id(hass, "water_heater", "water_heater")
    states = heater_states(hass)
    assert len(states) > 20
    assert STATE_UNAVAILABLE not in states.values()
    assert get_state(hass, water_heater).attributes["temperature"] == 60.0

    simulator.faults.refuse_for(24 * 3600)
    simulator.faults.drop_all()
    await wait_for(hass, lambda: not coordinator.connected)
    # The heater changes while Home Assistant cannot see it.
    simulator.heaters[DEMO_MAC].setpoint = 110

    await advance(hass, MINUTE)  # past the grace period
    assert set(heater_states(hass).values()) == {STATE_UNAVAILABLE}
    assert get_state(hass, cloud).state == STATE_OFF
    for _ in range(4):  # past several safety polls
        await advance(hass, SAFETY_POLL + MINUTE)
        assert set(heater_states(hass).values()) == {STATE_UNAVAILABLE}
        assert not coordinator.last_update_success
    assert len(coordinator_lines(caplog, "unreachable")) == 1
    assert "recovered" not in caplog.text

    caplog.clear()
    simulator.faults.stop_refusing()
    # Real time from here: the session's next attempt is a few seconds away.
    await wait_for(hass, lambda: coordinator.connected, within=150)
    await wait_for(hass, lambda: STATE_UNAVAILABLE not in heater_states(hass).values())
    assert get_state(hass, water_heater).attributes["temperature"] == 55.0
    assert get_state(hass, cloud).state == STATE_ON
    assert len(coordinator_lines(caplog, "reachable again")) == 1
    assert coordinator_lines(caplog, "unreachable") == []
    assert "recovered" not in caplog.text


async def test_short_reconnect_within_the_grace_period_keeps_entities_available(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    coordinator = init_integration.runtime_data
    simulator.faults.drop_all()
    await wait_for(hass, lambda: not coordinator.connected)
    assert STATE_UNAVAILABLE not in heater_states(hass).values()
    await wait_for(hass, lambda: coordinator.connected, within=30)
    await advance(hass, MINUTE)  # the grace timer was cancelled: nothing fires
    assert STATE_UNAVAILABLE not in heater_states(hass).values()
    assert coordinator_lines(caplog, "unreachable") == []


async def test_safety_poll_while_connected_succeeds_and_asks_the_heater(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
) -> None:
    heater = simulator.heaters[DEMO_MAC]
    before = len(heater.received)
    await advance(hass, SAFETY_POLL + MINUTE)
    await wait_for(hass, lambda: len(heater.received) > before)
    assert init_integration.runtime_data.last_update_success
    assert STATE_UNAVAILABLE not in heater_states(hass).values()
