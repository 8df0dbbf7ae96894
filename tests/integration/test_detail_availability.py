"""Calendars and firmware follow the heater's availability; their reads log once."""

import logging
from typing import TYPE_CHECKING
from unittest.mock import patch

from homeassistant.components.calendar import DOMAIN as CALENDAR_DOMAIN
from homeassistant.components.update import DOMAIN as UPDATE_DOMAIN
from homeassistant.const import STATE_UNAVAILABLE, Platform
import pytest

from custom_components.navien_nwp500.heater_details import (
    DETAILS_REFRESH_INTERVAL,
    DETAILS_RETRY_AFTER,
)

from .conftest import DEMO_MAC
from .helpers import advance, find_entity_id, get_state, push, wait_for

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from navilink_sim.simulator import NaviLinkSimulator

pytestmark = [
    pytest.mark.simulator(time_scale=0, push_interval=None),
    pytest.mark.platforms(Platform.CALENDAR, Platform.UPDATE),
]

SAFETY_POLL = 5 * 60.0
ENERGY_QUERY = 16777225
DIAGNOSTICS_QUERY = 16777228
FIRMWARE = "/device/firmware/info"
READER_LOGGER = "custom_components.navien_nwp500.reader"
DAY = DETAILS_REFRESH_INTERVAL.total_seconds()


async def detail_entities(hass: HomeAssistant) -> list[str]:
    """Wait until both calendars and the firmware entity are read; their IDs."""
    keys = ((CALENDAR_DOMAIN, "schedule"), (CALENDAR_DOMAIN, "tou_plan"))
    keys += ((UPDATE_DOMAIN, "firmware"),)
    await wait_for(
        hass, lambda: all(find_entity_id(hass, d, k) is not None for d, k in keys)
    )
    found = [find_entity_id(hass, domain, key) for domain, key in keys]
    entity_ids = [entity_id for entity_id in found if entity_id is not None]
    await wait_for(
        hass,
        lambda: all(
            (state := hass.states.get(entity_id)) is not None
            and state.state != STATE_UNAVAILABLE
            for entity_id in entity_ids
        ),
    )
    return entity_ids


def unavailable(hass: HomeAssistant, entity_ids: list[str]) -> bool:
    """Whether every one of ``entity_ids`` is unavailable."""
    return all(get_state(hass, e).state == STATE_UNAVAILABLE for e in entity_ids)


def detail_lines(caplog: pytest.LogCaptureFixture, level: int) -> list[str]:
    """Return the reader's log lines of exactly ``level``."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith(READER_LOGGER) and record.levelno == level
    ]


async def test_calendars_and_firmware_follow_a_silent_heater(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
) -> None:
    """Unavailable while the heater does not answer; no read then; read on return."""
    entity_ids = await detail_entities(hass)
    await push(hass, simulator)
    simulator.faults.silence_device(DEMO_MAC)
    await advance(hass, SAFETY_POLL + 60)
    await advance(hass, SAFETY_POLL + 60)
    assert unavailable(hass, entity_ids)

    reads = simulator.rest_faults.count(FIRMWARE)
    await advance(hass, DAY + 60)  # the daily reads fall due
    assert simulator.rest_faults.count(FIRMWARE) == reads
    assert unavailable(hass, entity_ids)

    simulator.faults.unsilence_device(DEMO_MAC)
    await advance(hass, SAFETY_POLL + 60)
    await wait_for(
        hass,
        lambda: (
            not any(get_state(hass, e).state == STATE_UNAVAILABLE for e in entity_ids)
        ),
    )
    # The read owed from the outage runs once the heater is back.
    await wait_for(hass, lambda: simulator.rest_faults.count(FIRMWARE) == reads + 1)


@pytest.mark.usefixtures("short_grace_period")
async def test_calendars_and_firmware_follow_a_lost_cloud(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Unavailable with every other entity; the reads wait and log no error."""
    caplog.set_level(logging.DEBUG)
    coordinator = init_integration.runtime_data
    entity_ids = await detail_entities(hass)
    simulator.faults.refuse_for(24 * 3600)
    simulator.faults.drop_all()
    await wait_for(hass, lambda: not coordinator.connected)
    await advance(hass, 60)  # past the grace period
    assert not coordinator.last_update_success
    assert unavailable(hass, entity_ids)

    await advance(hass, DAY + 60)
    await advance(hass, DAY + 60)
    assert unavailable(hass, entity_ids)
    assert detail_lines(caplog, logging.ERROR) == []
    assert detail_lines(caplog, logging.INFO) == []


async def test_a_failing_read_logs_once_and_once_when_it_works_again(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    entity_ids = await detail_entities(hass)
    faults = simulator.rest_faults
    faults.fail_next(500, count=1000, path=FIRMWARE)

    reads = faults.count(FIRMWARE)
    await advance(hass, DAY + 60)
    await wait_for(hass, lambda: faults.count(FIRMWARE) > reads)
    reads = faults.count(FIRMWARE)
    await advance(hass, DETAILS_RETRY_AFTER + 60)  # tried again within the day
    await wait_for(hass, lambda: faults.count(FIRMWARE) > reads)
    failed = detail_lines(caplog, logging.INFO)
    assert len(failed) == 1
    assert "firmware" in failed[0]
    assert "failed" in failed[0]
    # The last firmware read stays shown while the heater is available.
    assert not any(get_state(hass, e).state == STATE_UNAVAILABLE for e in entity_ids)

    while faults.take_failure(FIRMWARE):
        pass  # the cloud answers again
    caplog.clear()
    await advance(hass, DETAILS_RETRY_AFTER + 60)
    await wait_for(hass, lambda: len(detail_lines(caplog, logging.INFO)) == 1)
    assert "works again" in detail_lines(caplog, logging.INFO)[0]
    assert detail_lines(caplog, logging.ERROR) == []


@pytest.mark.counters
@pytest.mark.platforms(Platform.SENSOR)
async def test_counters_are_not_asked_of_a_heater_that_does_not_answer(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
) -> None:
    """The counters follow the same rule: no query while the heater is unavailable.

    What fell due meanwhile is read once it answers again.
    """
    coordinator = init_integration.runtime_data
    counters = coordinator.counters
    heater = simulator.heaters[DEMO_MAC]
    await wait_for(
        hass, lambda: DEMO_MAC in counters.data and not coordinator.reader.busy
    )
    simulator.faults.drop_replies(mac=DEMO_MAC)  # it hears requests, answers none
    for _ in range(3):  # asks; one missed; two missed
        await advance(hass, SAFETY_POLL + 60)
    assert not coordinator.heater_available(DEMO_MAC)
    await wait_for(hass, lambda: not coordinator.reader.busy)

    sent = len(heater.received)
    with patch("custom_components.navien_nwp500.reader.MIN_REREAD", 0):
        await counters.async_refresh_energy()
        await counters.async_refresh_diagnostics()
    # Both returned without asking: nothing can be on its way to the heater.
    assert len(heater.received) == sent

    # The reads owed meanwhile run as soon as it answers again.
    simulator.faults.drop_replies(False, mac=DEMO_MAC)
    await advance(hass, SAFETY_POLL + 60)
    await wait_for(hass, lambda: coordinator.heater_available(DEMO_MAC))
    await wait_for(
        hass,
        lambda: (
            {ENERGY_QUERY, DIAGNOSTICS_QUERY}
            <= {m["request"]["command"] for m in heater.received[sent:]}
        ),
    )
