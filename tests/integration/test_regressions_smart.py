"""Regressions smart heating showed on the realistic heater."""

import json
from typing import TYPE_CHECKING, Any

from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import STATE_ON, Platform
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.navien_nwp500.logbook import EVENT_SMART_HEATING

from .conftest import DEMO_MAC
from .helpers import push, wait_for
from .smart_helpers import (
    messages,
    shows_plan,
    smart_timings,  # noqa: F401  (autouse)
    state,
    switch,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from navilink_sim.heater import SimulatedHeater
    from navilink_sim.simulator import NaviLinkSimulator

pytestmark = [
    pytest.mark.simulator(time_scale=0, push_interval=None),
    pytest.mark.platforms(Platform.SENSOR, Platform.SWITCH, Platform.WATER_HEATER),
]


async def test_a_status_reply_overtaken_by_a_newer_one_is_no_change_by_hand(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    heater: SimulatedHeater,
) -> None:
    """A reply to an old status request, arriving last, showed the heater as it was.

    Each reply leaves the realistic heater after its own delay: a status
    composed before smart heating's set-back applied could arrive after one
    showing it, and smart heating took the old set-point for a change by hand
    and turned itself off.
    """
    logged = async_capture_events(hass, EVENT_SMART_HEATING)
    link = simulator.device_links[DEMO_MAC.lower()]
    owner_setpoint = heater.setpoint
    smart = init_integration.runtime_data.smart.get(DEMO_MAC)

    await switch(hass, "smart_heating", True)
    await wait_for(
        hass,
        lambda: (
            shows_plan(hass, heater)
            and smart.control is not None
            and smart.control.applied
        ),
    )
    old_replies = [
        (topic, message)
        for topic, raw in link.published
        if (message := json.loads(raw)).get("requestTopic", "").endswith("/st")
        and message["response"]["status"]["dhwTemperatureSetting"] == owner_setpoint
    ]
    assert old_replies  # the status the integration read before the set-back
    await link._publish(*old_replies[0])
    await push(hass, simulator)  # after the late copy on the same link

    assert "smart_changed_by_hand" not in messages(logged)
    assert state(hass, SWITCH_DOMAIN, "smart_heating") == STATE_ON
    assert shows_plan(hass, heater)
    status: Any = init_integration.runtime_data.data.heaters[DEMO_MAC].status
    assert status.raw["dhwTemperatureSetting"] == heater.setpoint
