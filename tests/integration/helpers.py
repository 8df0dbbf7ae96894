"""Helpers for the integration tests: registry lookups, states, pushes, time, logs."""

import asyncio
from datetime import timedelta
import json
import logging
from typing import TYPE_CHECKING, Any
from unittest.mock import patch

from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.navien_nwp500.const import DOMAIN
from custom_components.navien_nwp500.sensor_energy import (
    ENERGY_SENSORS,
    MAINTENANCE_SENSORS,
)
from custom_components.navien_nwp500.smart_entities import SMART_ENTITIES
from navilink_sim.heater import SimulatedHeater
from navilink_sim.official_app import APP_CLIENT_PREFIX

from .conftest import DEMO_MAC

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping

    from homeassistant.core import HomeAssistant, State
    import pytest

    from navilink_sim.simulator import NaviLinkSimulator


async def wait_for(
    hass: HomeAssistant, predicate: Callable[[], bool], within: float = 30.0
) -> None:
    """Wait until ``predicate()`` is true, letting Home Assistant run meanwhile."""
    async with asyncio.timeout(within):
        while True:
            await hass.async_block_till_done()
            if predicate():
                return
            await asyncio.sleep(0.05)


async def allowing_pending(action: Awaitable[Any]) -> None:
    """Run an action a slow (realistic) heater may outlast.

    Its wait then ends with "still pending" (README) though the heater applies
    the command later; the test waits for the heater to show it. Any other
    error is raised.
    """
    try:
        await action
    except HomeAssistantError as err:
        if err.translation_key != "command_pending":
            raise


async def outcomes_known(hass: HomeAssistant) -> None:
    """Wait until every command given to the session has its final outcome."""
    results = hass.config_entries.async_entries(DOMAIN)[0].runtime_data.command_results
    await wait_for(hass, lambda: not results._pending)


def find_entity_id(hass: HomeAssistant, domain: str, key: str) -> str | None:
    """Return the entity ID of the demo heater's ``domain`` entity ``key``, if any."""
    return er.async_get(hass).async_get_entity_id(domain, DOMAIN, f"{DEMO_MAC}_{key}")


def get_entity_id(hass: HomeAssistant, domain: str, key: str) -> str:
    """Return the entity ID of the demo heater's ``domain`` entity ``key``."""
    found = find_entity_id(hass, domain, key)
    assert found is not None
    return found


def get_state(hass: HomeAssistant, entity_id: str) -> State:
    """Return the state of ``entity_id``, which must exist."""
    state = hass.states.get(entity_id)
    assert state is not None
    return state


def commands(heater: SimulatedHeater) -> list[int]:
    """Return the command codes the heater received from us, oldest first.

    The household app's own controls (the realistic heater's) are left out.
    """
    return [
        message["request"]["command"]
        for message in heater.received
        if not str(message.get("clientID")).startswith(APP_CLIENT_PREFIX)
    ]


def patch_status(**changes: Any) -> Any:
    """Patch the simulated status: a value replaces a field, None removes it."""
    original = SimulatedHeater._status

    def status(heater: SimulatedHeater, command: int) -> dict[str, Any]:
        wire = original(heater, command)
        for key, value in changes.items():
            if value is None:
                wire.pop(key)
            else:
                wire[key] = value
        return wire

    return patch.object(SimulatedHeater, "_status", status)


async def push(
    hass: HomeAssistant, simulator: NaviLinkSimulator, mac: str = DEMO_MAC
) -> None:
    """Make the heater publish a status and wait until Home Assistant has had it.

    Waiting for this very payload, not just any new status, keeps a late reply
    to an earlier request from passing for it; waiting first until the heater
    has no late reply or control left keeps one from landing after it.
    """
    coordinator = hass.config_entries.async_entries(DOMAIN)[0].runtime_data
    await wait_for(hass, lambda: simulator.device_links[mac.lower()].idle)
    seen: list[Mapping[str, Any]] = []

    def record() -> None:
        status = coordinator.data.heaters[mac].status
        if status is not None:
            seen.append(status.raw)

    unsubscribe = coordinator.async_add_listener(record)
    try:
        await simulator.push_status(mac)
        _topic, payload = simulator.device_links[mac].published[-1]
        pushed = json.loads(payload)["response"]["status"]
        await wait_for(hass, lambda: pushed in seen)
    finally:
        unsubscribe()


COORDINATOR_LOGGERS = frozenset(  # the coordinator and its availability part
    {
        "custom_components.navien_nwp500.coordinator",
        "custom_components.navien_nwp500.availability",
    }
)


async def advance(hass: HomeAssistant, seconds: float) -> None:
    """Fire every Home Assistant timer due within ``seconds`` from now, then settle.

    It compresses time for the coordinator's timers (grace period, safety poll,
    repair delay) and wakes any sleep of the session that is due by then.
    """
    # Let reads already under way finish first: firing the time also fires the
    # asyncio timeouts scheduled before it, which would cut a publish in flight.
    await hass.async_block_till_done(wait_background_tasks=True)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=seconds))
    # The safety poll runs as a background task: wait for it too, so that the
    # next call cannot fire the timeouts of its requests still in flight.
    await hass.async_block_till_done(wait_background_tasks=True)


def heater_states(hass: HomeAssistant, mac: str = DEMO_MAC) -> dict[str, str]:
    """Return the states of a heater's entities that follow its pushed status.

    Left out: the cloud connection; the counters the integration queries on its
    own schedule (off in tests not marked ``counters``); what the cloud or an
    occasional read provides (firmware, schedule and TOU calendars); and the
    vacation length and smart heating, settings kept in Home Assistant.
    """
    own = {f"{mac}_{d.key}" for d in (*ENERGY_SENSORS, *MAINTENANCE_SENSORS)}
    own |= {f"{mac}_{d.key}" for d in SMART_ENTITIES}
    own |= {f"{mac}_cloud_connection", f"{mac}_vacation_length"}
    states: dict[str, str] = {}
    for entry in er.async_get(hass).entities.values():
        if entry.platform != DOMAIN or not entry.unique_id.startswith(f"{mac}_"):
            continue
        if entry.unique_id in own or entry.domain in ("calendar", "update"):
            continue
        if (state := hass.states.get(entry.entity_id)) is not None:
            states[entry.entity_id] = state.state
    return states


def coordinator_lines(caplog: pytest.LogCaptureFixture, text: str) -> list[str]:
    """Return the coordinator's log lines (info and above) that contain ``text``."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.name in COORDINATOR_LOGGERS
        and record.levelno >= logging.INFO
        and text in record.getMessage()
    ]
