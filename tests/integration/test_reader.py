"""The one reader: a heater's reads never overlap; every read logs its failures once."""

import asyncio
from contextlib import contextmanager
import logging
from typing import TYPE_CHECKING, Any
from unittest.mock import patch

from homeassistant.const import Platform
import pytest

from custom_components.navien_nwp500.reader import RETRY_AFTER
from navilink_sim.profile import HeaterProfile

from .conftest import DEMO_MAC
from .helpers import advance, wait_for

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from navilink_sim.heater import SimulatedHeater
    from navilink_sim.simulator import NaviLinkSimulator

pytestmark = [
    # Every reply leaves the heater 0.3 s late, without holding back the
    # requests that come meanwhile: reads sent together would overlap.
    pytest.mark.simulator(
        time_scale=0,
        push_interval=None,
        profile=HeaterProfile(reply_delay=(0.3, 0.3)),
        delay_scale=1.0,  # the 0.3 s are real seconds, not compressed
    ),
    pytest.mark.platforms(Platform.SENSOR, Platform.CALENDAR),
    pytest.mark.counters,
]

ENERGY_QUERY = 16777225
READS = {ENERGY_QUERY: "energy", 16777228: "diagnostics", 16777222: "schedule"}
READER_LOGGER = "custom_components.navien_nwp500.reader"


class InFlight:
    """Counts, on the simulated heater, the reads it received and has not answered."""

    def __init__(self) -> None:
        """Start with nothing received."""
        self.received: list[str] = []
        self.unanswered: list[set[str]] = []
        """Per read received and not answered: the topics its replies go to."""
        self.most = 0

    @contextmanager
    def counting(
        self, heater: SimulatedHeater, simulator: NaviLinkSimulator
    ) -> Iterator[None]:
        """Patch the heater (requests in) and its link (replies out) to count."""
        handle = heater.handle
        link = simulator.device_links[DEMO_MAC]
        publish = link._publish

        def counting_handle(topic: str, payload: Mapping[str, Any]) -> Any:
            replies = handle(topic, payload)
            kind = READS.get(payload.get("request", {}).get("command"))
            if kind is not None:
                self.received.append(kind)
                self.unanswered.append({reply_topic for reply_topic, _ in replies})
                self.most = max(self.most, len(self.unanswered))
            return replies

        async def counting_publish(topic: str, message: dict[str, Any]) -> None:
            await publish(topic, message)
            # A read is answered by the first of its replies (a schedule has two).
            for topics in self.unanswered:
                if topic in topics:
                    self.unanswered.remove(topics)
                    break

        with (
            patch.object(heater, "handle", counting_handle),
            patch.object(link, "_publish", counting_publish),
        ):
            yield


async def test_reads_of_one_heater_are_never_in_flight_together(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    point_at_simulator: NaviLinkSimulator,
    heater: SimulatedHeater,
) -> None:
    """At start and when everything is asked at once, the heater has one read at a time."""
    in_flight = InFlight()
    with (
        in_flight.counting(heater, point_at_simulator),
        patch("custom_components.navien_nwp500.reader.READ_SPACING", 0.05),
        patch("custom_components.navien_nwp500.reader.MIN_REREAD", 0),
    ):
        mock_config_entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        coordinator = mock_config_entry.runtime_data
        reader = coordinator.reader
        await wait_for(
            hass,
            lambda: {"energy", "diagnostics", "schedule"} <= set(in_flight.received),
        )
        await wait_for(hass, lambda: not reader.busy)

        # Everything at once: the energy, the diagnostics and the schedule again.
        (schedule,) = reader.jobs("schedule")
        await asyncio.gather(
            coordinator.counters.async_refresh_energy(),
            coordinator.counters.async_refresh_diagnostics(),
            reader.async_run(schedule),
        )
        await wait_for(hass, lambda: not reader.busy)

    assert len(in_flight.received) >= 6
    assert in_flight.unanswered == []
    assert in_flight.most == 1
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)


def reader_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return the reader's info lines."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == READER_LOGGER and record.levelno == logging.INFO
    ]


@pytest.mark.platforms(Platform.SENSOR)
async def test_a_failing_counter_read_logs_once_and_once_when_it_works_again(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    point_at_simulator: NaviLinkSimulator,
    heater: SimulatedHeater,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The counters follow the details' log rule: one line per failure run, one after."""
    caplog.set_level(logging.INFO)
    answered = heater.handle
    energy_silent = [True]

    def handle(topic: str, payload: Mapping[str, Any]) -> Any:
        replies = answered(topic, payload)
        asks_energy = payload.get("request", {}).get("command") == ENERGY_QUERY
        return [] if asks_energy and energy_silent[0] else replies

    def energy_queries() -> int:
        return sum(
            1 for m in heater.received if m["request"]["command"] == ENERGY_QUERY
        )

    with (
        patch.object(heater, "handle", handle),
        patch("custom_components.navien_nwp500.energy.QUERY_TIMEOUT", 1.0),
    ):
        mock_config_entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        reader = mock_config_entry.runtime_data.reader
        await wait_for(hass, lambda: energy_queries() == 1 and not reader.busy)
        await advance(hass, RETRY_AFTER.total_seconds() + 60)  # tried again
        await wait_for(hass, lambda: energy_queries() == 2 and not reader.busy)
        failed = reader_lines(caplog)
        assert len(failed) == 1
        assert "energy counters" in failed[0]
        assert "failed" in failed[0]

        energy_silent[0] = False
        caplog.clear()
        await advance(hass, RETRY_AFTER.total_seconds() + 60)
        await wait_for(hass, lambda: len(reader_lines(caplog)) == 1)
        assert "energy counters" in reader_lines(caplog)[0]
        assert "works again" in reader_lines(caplog)[0]
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)
