"""Each heater is available only while it answers, apart from the cloud and the others."""

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from homeassistant.const import STATE_ON, STATE_UNAVAILABLE
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.navien_nwp500.command_result import EVENT_COMMAND_RESULT
from custom_components.navien_nwp500.const import DOMAIN, HEATER_OFFLINE_ISSUE_DELAY
from custom_components.navien_nwp500.navilink.codec import commands
from navilink_sim.accounts import demo_account_with, second_heater
from navilink_sim.official_app import APP_CLIENT_PREFIX

from .conftest import DEMO_MAC
from .helpers import (
    advance,
    coordinator_lines,
    get_entity_id,
    get_state,
    heater_states,
    push,
    wait_for,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from navilink_sim.simulator import NaviLinkSimulator

pytestmark = [
    pytest.mark.simulator(time_scale=0, push_interval=None),
    pytest.mark.usefixtures("entity_registry_enabled_by_default"),
]

SAFETY_POLL = 5 * 60.0
ISSUE_ID = f"heater_offline_{DEMO_MAC}"


async def _next_poll(hass: HomeAssistant) -> None:
    await advance(hass, SAFETY_POLL + 60)


def _all(hass: HomeAssistant, state: str, mac: str = DEMO_MAC) -> bool:
    states = set(heater_states(hass, mac).values())
    return (
        states == {state}
        if state == STATE_UNAVAILABLE
        else STATE_UNAVAILABLE not in states
    )


async def test_heater_off_wifi_goes_unavailable_raises_a_repair_and_comes_back(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    coordinator = init_integration.runtime_data
    cloud = get_entity_id(hass, "binary_sensor", "cloud_connection")
    issues = ir.async_get(hass)
    await push(hass, simulator)  # every answer to setup's requests is in
    simulator.faults.silence_device(DEMO_MAC)

    await _next_poll(hass)  # asks; the heater stays silent
    assert _all(hass, "available")
    await _next_poll(hass)  # one poll missed, and /device/list says disconnected
    assert _all(hass, STATE_UNAVAILABLE)
    assert get_state(hass, cloud).state == STATE_ON
    assert coordinator.last_update_success
    assert len(coordinator_lines(caplog, "does not answer")) == 1
    assert issues.async_get_issue(DOMAIN, ISSUE_ID) is None

    await advance(hass, HEATER_OFFLINE_ISSUE_DELAY + 60)
    issue = issues.async_get_issue(DOMAIN, ISSUE_ID)
    assert issue is not None
    assert issue.translation_key == "heater_offline"
    assert issue.translation_placeholders == {"name": "NWP500"}

    simulator.faults.unsilence_device(DEMO_MAC)
    await _next_poll(hass)
    await wait_for(hass, lambda: _all(hass, "available"))
    assert issues.async_get_issue(DOMAIN, ISSUE_ID) is None
    assert len(coordinator_lines(caplog, "answers again")) == 1
    assert len(coordinator_lines(caplog, "does not answer")) == 1
    assert coordinator_lines(caplog, "unreachable") == []


async def test_silent_heater_not_listed_offline_goes_unavailable_after_two_polls(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
) -> None:
    await push(hass, simulator)
    simulator.faults.drop_replies(mac=DEMO_MAC)
    await _next_poll(hass)  # asks
    simulator.faults.rest_fail(503, path="/device/list")
    await _next_poll(hass)  # one missed; the device list cannot be read
    assert _all(hass, "available")
    await _next_poll(hass)  # two missed; the device list says connected
    assert _all(hass, STATE_UNAVAILABLE)
    liveness = init_integration.runtime_data.liveness(DEMO_MAC)
    assert liveness is not None
    assert liveness.missed_polls == 2

    simulator.faults.drop_replies(False, mac=DEMO_MAC)
    await simulator.push_status(DEMO_MAC)
    await wait_for(hass, lambda: _all(hass, "available"))


@pytest.mark.simulator(accounts=[demo_account_with(second_heater())])
async def test_one_heater_offline_leaves_the_other_available(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
) -> None:
    garage = second_heater().mac
    assert heater_states(hass, garage)
    assert _all(hass, "available", garage)
    await push(hass, simulator, garage)
    simulator.faults.silence_device(garage)
    await _next_poll(hass)
    await _next_poll(hass)
    assert _all(hass, STATE_UNAVAILABLE, garage)
    assert _all(hass, "available", DEMO_MAC)
    await advance(hass, HEATER_OFFLINE_ISSUE_DELAY + 60)
    issues = ir.async_get(hass)
    assert issues.async_get_issue(DOMAIN, f"heater_offline_{garage}") is not None
    assert issues.async_get_issue(DOMAIN, ISSUE_ID) is None
    assert _all(hass, "available", DEMO_MAC)


async def test_a_silent_heaters_command_waits_and_is_delivered_when_it_answers(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
) -> None:
    coordinator = init_integration.runtime_data
    session = coordinator.session
    assert session is not None
    heater = simulator.heaters[DEMO_MAC]
    results = async_capture_events(hass, EVENT_COMMAND_RESULT)
    await push(hass, simulator)
    simulator.faults.silence_device(DEMO_MAC)
    await _next_poll(hass)
    await _next_poll(hass)
    assert _all(hass, STATE_UNAVAILABLE)

    device = coordinator.data.heaters[DEMO_MAC].device
    setpoint = commands.set_dhw_temperature(device, None, 52.0)
    # Untracked by Home Assistant, so that settling HA does not wait for it.
    sending = asyncio.ensure_future(coordinator.async_send(setpoint))
    await wait_for(hass, lambda: session.statistics()["queue"]["pending"] == 1)
    assert results == []  # held for the heater, not sent into the void

    simulator.faults.unsilence_device(DEMO_MAC)
    await _next_poll(hass)
    await wait_for(hass, lambda: len(results) == 1, within=30.0)
    with pytest.raises(HomeAssistantError) as raised:
        await sending  # its 15 s ran out while the heater was silent
    assert raised.value.translation_key == "command_pending"
    assert results[0].data["outcome"] == "delivered"  # the event followed
    assert heater.setpoint == 104  # 52 °C in half degrees
    assert [
        r["request"].get("param")
        for r in heater.received
        if r["request"].get("mode")
        and not r["clientID"].startswith(APP_CLIENT_PREFIX)  # the household app's
    ] == [[104]]


async def test_only_a_status_brings_a_silent_heater_back(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A feature reply after an outage leaves the old status unavailable."""
    coordinator = init_integration.runtime_data
    session = coordinator.session
    assert session is not None
    heater = simulator.heaters[DEMO_MAC]
    await push(hass, simulator)
    simulator.faults.silence_device(DEMO_MAC)
    await _next_poll(hass)
    await _next_poll(hass)
    assert _all(hass, STATE_UNAVAILABLE)

    # Back on Wi-Fi, but its status replies are lost: it only answers device info.
    answer = heater.handle

    def feature_only(topic: str, payload: Any) -> list[Any]:
        return [r for r in answer(topic, payload) if "status" not in r[1]["response"]]

    monkeypatch.setattr(heater, "handle", feature_only)
    simulator.faults.unsilence_device(DEMO_MAC)
    before = coordinator.data.heaters[DEMO_MAC].feature
    await session.request_device_info(coordinator.data.heaters[DEMO_MAC].device)
    await wait_for(
        hass, lambda: coordinator.data.heaters[DEMO_MAC].feature is not before
    )
    assert _all(hass, STATE_UNAVAILABLE)
    assert not coordinator.heater_available(DEMO_MAC)

    monkeypatch.setattr(heater, "handle", answer)
    await simulator.push_status(DEMO_MAC)
    await wait_for(hass, lambda: _all(hass, "available"))
