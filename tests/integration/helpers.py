"""Helpers for the integration tests: registry lookups, states, simulator pushes."""

import asyncio
import json
from typing import TYPE_CHECKING, Any
from unittest.mock import patch

from homeassistant.helpers import entity_registry as er

from custom_components.navien_nwp500.const import DOMAIN
from navilink_sim.heater import SimulatedHeater

from .conftest import DEMO_MAC

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from homeassistant.core import HomeAssistant, State

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
    """Return the command codes the heater received, oldest first."""
    return [message["request"]["command"] for message in heater.received]


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


async def push(hass: HomeAssistant, simulator: NaviLinkSimulator) -> None:
    """Make the heater publish a status and wait until Home Assistant has had it.

    Waiting for this very payload, not just any new status, keeps a late reply
    to an earlier request from passing for it.
    """
    coordinator = hass.config_entries.async_entries(DOMAIN)[0].runtime_data
    seen: list[Mapping[str, Any]] = []

    def record() -> None:
        status = coordinator.data.heaters[DEMO_MAC].status
        if status is not None:
            seen.append(status.raw)

    unsubscribe = coordinator.async_add_listener(record)
    try:
        await simulator.push_status(DEMO_MAC)
        _topic, payload = simulator.device_links[DEMO_MAC].published[-1]
        pushed = json.loads(payload)["response"]["status"]
        await wait_for(hass, lambda: pushed in seen)
    finally:
        unsubscribe()
