"""Unloading gives the heater back for real on the realistic heater (issue 16 §4).

Its controls apply late and its replies can be late or lost: the commands that
give the owner's setting back must reach their outcome before the session
closes, and none of them may end in a "dropped" notification.
"""

import asyncio
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any
from unittest.mock import patch

from homeassistant.components import persistent_notification
from homeassistant.components.water_heater import (
    DOMAIN as WATER_HEATER_DOMAIN,
    SERVICE_SET_TEMPERATURE,
)
from homeassistant.const import (
    ATTR_ENTITY_ID,
    ATTR_TEMPERATURE,
    EVENT_HOMEASSISTANT_STOP,
    Platform,
)
from homeassistant.core import CoreState
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.navien_nwp500 import coordinator as coordinator_module
from custom_components.navien_nwp500.command_result import EVENT_COMMAND_RESULT
from custom_components.navien_nwp500.const import DOMAIN
from tests.simulator_fixture import TEST_PROFILE

from .conftest import DEMO_MAC
from .helpers import get_entity_id, wait_for
from .smart_helpers import ECO, HIGH_DEMAND, shows_plan, switch

if TYPE_CHECKING:
    from homeassistant.core import Event, HomeAssistant

    from navilink_sim.heater import SimulatedHeater
    from navilink_sim.simulator import NaviLinkSimulator

SLOW_SETPOINTS = replace(TEST_PROFILE, slow_setpoint_chance=1.0)
"""The realistic heater, every set-point write of it slow (§17.8: over 16 s)."""

pytestmark = [
    pytest.mark.simulator(time_scale=0, push_interval=None, profile=SLOW_SETPOINTS),
    pytest.mark.platforms(Platform.SWITCH, Platform.WATER_HEATER),
]


@pytest.fixture
def outcomes(hass: HomeAssistant) -> list[Event[dict[str, Any]]]:
    """Capture the command result events."""
    return async_capture_events(hass, EVENT_COMMAND_RESULT)


def _notified(hass: HomeAssistant) -> list[str]:
    """Return the messages of the integration's notifications."""
    notifications = persistent_notification._async_get_or_create_notifications(hass)
    return [n["message"] for key, n in notifications.items() if key.startswith(DOMAIN)]


async def test_unloading_gives_the_owner_setting_back_without_a_drop(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    heater: SimulatedHeater,
    outcomes: list[Event[dict[str, Any]]],
) -> None:
    assert (heater.mode, heater.setpoint) == (ECO, 120)
    await switch(hass, "smart_heating", True)
    await wait_for(hass, lambda: shows_plan(hass, heater))
    assert heater.setpoint != 120

    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()

    assert (heater.mode, heater.setpoint) == (ECO, 120)
    assert _notified(hass) == []
    assert [e.data["outcome"] for e in outcomes[-2:]] == ["delivered", "delivered"]
    assert all(event.data["outcome"] != "closed" for event in outcomes)


async def test_a_reload_keeps_the_owner_setting_to_give_back(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    heater: SimulatedHeater,
) -> None:
    """Had the return been dropped, the reload would take the set-back for the owner's."""
    await switch(hass, "smart_heating", True)
    await wait_for(hass, lambda: shows_plan(hass, heater))

    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()

    smart = init_integration.runtime_data.smart
    await wait_for(hass, lambda: smart.get(DEMO_MAC).control is not None)
    control = smart.get(DEMO_MAC).control
    assert control is not None
    assert (control.owner.mode, control.owner.setpoint) == (ECO, 60.0)
    await wait_for(hass, lambda: shows_plan(hass, heater))
    assert _notified(hass) == []


async def test_unloading_during_a_boost_returns_without_a_drop(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    heater: SimulatedHeater,
    outcomes: list[Event[dict[str, Any]]],
) -> None:
    with pytest.raises(HomeAssistantError) as raised:  # a slow set-point write
        await hass.services.async_call(
            DOMAIN,
            "boost",
            {
                ATTR_ENTITY_ID: get_entity_id(
                    hass, WATER_HEATER_DOMAIN, "water_heater"
                ),
                "duration": {"hours": 2},
                "temperature": 62,
            },
            blocking=True,
        )
    assert raised.value.translation_key == "command_pending"
    await wait_for(hass, lambda: (heater.mode, heater.setpoint) == (HIGH_DEMAND, 124))

    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()

    assert (heater.mode, heater.setpoint) == (ECO, 120)
    assert _notified(hass) == []
    assert all(event.data["outcome"] != "closed" for event in outcomes)


@pytest.fixture
def endless_patience(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the session wait an hour for a control's evidence (set before the entry)."""
    monkeypatch.setattr(
        coordinator_module,
        "SessionConfig",
        partial(coordinator_module.SessionConfig, control_patience=3600.0),
    )


async def test_a_stop_waits_for_open_commands_only_as_long_as_a_stop_may(
    hass: HomeAssistant,
    endless_patience: None,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
) -> None:
    """A set-point the heater never confirms: the unload's wait would be an hour."""
    coordinator = init_integration.runtime_data
    session = coordinator.session
    assert session is not None
    simulator.device_links[DEMO_MAC.lower()].silent = True
    with patch("custom_components.navien_nwp500.command_result.CLOSE_WAIT", 3600):
        with pytest.raises(HomeAssistantError) as raised:
            await hass.services.async_call(
                WATER_HEATER_DOMAIN,
                SERVICE_SET_TEMPERATURE,
                {
                    ATTR_ENTITY_ID: get_entity_id(
                        hass, WATER_HEATER_DOMAIN, "water_heater"
                    ),
                    ATTR_TEMPERATURE: 52,
                },
                blocking=True,
            )
        assert raised.value.translation_key == "command_pending"

        hass.set_state(CoreState.stopping)
        try:
            hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
            async with asyncio.timeout(30):
                await hass.async_block_till_done()
        finally:
            hass.set_state(CoreState.running)

    assert session.state == "closed"
    closed = (
        "Home Assistant closed the NaviLink connection (reload, unload or stop)"
        " before NWP500 confirmed: set-point. A command not yet sent was dropped;"
        " one already sent may still apply: check the heater."
    )
    assert _notified(hass) == [closed]
