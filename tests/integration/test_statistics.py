"""The daily history import into long-term statistics, with HA's recorder test helpers."""

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
import itertools
from typing import TYPE_CHECKING, Any
from unittest.mock import patch

from homeassistant.components.recorder.statistics import statistics_during_period
from homeassistant.components.sensor import DOMAIN as SENSOR_DOMAIN
from homeassistant.const import Platform
from homeassistant.helpers.recorder import get_instance
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.navien_nwp500.const import DOMAIN
from tests.simulator_fixture import TEST_PROFILE

from .conftest import DEMO_MAC
from .helpers import find_entity_id, get_state, wait_for

if TYPE_CHECKING:
    from collections.abc import Iterator

    from homeassistant.components.recorder import Recorder
    from homeassistant.core import HomeAssistant

    from navilink_sim.heater import SimulatedHeater
    from navilink_sim.simulator import NaviLinkSimulator

pytestmark = [
    pytest.mark.simulator(time_scale=0, push_interval=None),
    pytest.mark.platforms(Platform.SENSOR),
    pytest.mark.counters,
]

HEAT_PUMP = f"navien_nwp500:{DEMO_MAC}_heat_pump_energy"
ELEMENT = f"navien_nwp500:{DEMO_MAC}_element_energy"
START = date(2026, 11, 1)  # the simulated heater's first day
A_YEAR_OLD = replace(TEST_PROFILE, installed_days=400)
"""The realistic heater, installed long enough ago to have more than a year of history."""


@dataclass
class Today:
    """The local date the import sees; tests move it."""

    day: date = START


@pytest.fixture
def mock_recorder_before_hass(async_test_recorder: Any) -> None:
    """Set the recorder up before Home Assistant (the plugin's documented hook)."""


@pytest.fixture
def today() -> Iterator[Today]:
    """Give the importer a date that follows the simulated heater's clock."""
    holder = Today()
    with patch(
        "custom_components.navien_nwp500.statistics.local_today",
        side_effect=lambda: holder.day,
    ):
        yield holder


@pytest.fixture
async def recorded(
    recorder_mock: Recorder, hass: HomeAssistant, today: Today
) -> HomeAssistant:
    """Run Home Assistant with the recorder and the importer's date patched."""
    return hass


async def settled(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Wait until the counter reads and imports are over and the recorder wrote them."""
    await wait_for(hass, lambda: not entry.runtime_data.counters._tasks, within=60)
    await async_wait_recording_done(hass)


async def rows(hass: HomeAssistant, statistic_id: str) -> list[dict[str, Any]]:
    """Return every hourly row of ``statistic_id``, oldest first."""
    found = await get_instance(hass).async_add_executor_job(
        statistics_during_period,
        hass,
        datetime(2020, 1, 1, tzinfo=UTC),
        None,
        {statistic_id},
        "hour",
        None,
        {"state", "sum"},
    )
    return [dict(row) for row in found.get(statistic_id, [])]


def day_of(row: dict[str, Any]) -> date:
    """Return the local date a row stands for."""
    return dt_util.as_local(dt_util.utc_from_timestamp(row["start"])).date()


def sensor_kwh(hass: HomeAssistant, key: str) -> float:
    """Return a live energy sensor's value in kWh."""
    entity_id = find_entity_id(hass, SENSOR_DOMAIN, key)
    assert entity_id is not None
    return float(get_state(hass, entity_id).state)


def assert_consistent(history: list[dict[str, Any]]) -> None:
    """Check that each row's sum grows by exactly its day's energy, one row a day."""
    for previous, row in itertools.pairwise(history):
        assert day_of(row) - day_of(previous) == timedelta(days=1)
        assert row["sum"] - previous["sum"] == pytest.approx(row["state"], abs=1e-6)


@pytest.mark.simulator(profile=A_YEAR_OLD)  # the import stops at a year: show it
async def test_first_import_brings_a_year_whose_first_day_holds_only_that_day(
    recorded: HomeAssistant,
    init_integration: MockConfigEntry,
    heater: SimulatedHeater,
) -> None:
    hass = recorded
    await settled(hass, init_integration)
    heat_pump, element = await rows(hass, HEAT_PUMP), await rows(hass, ELEMENT)
    assert len(heat_pump) == len(element) == 365
    assert day_of(heat_pump[0]) == START - timedelta(days=365)
    assert day_of(heat_pump[-1]) == START - timedelta(days=1)
    assert all(
        dt_util.as_local(dt_util.utc_from_timestamp(row["start"])).hour == 0
        for row in heat_pump
    )
    for row in heat_pump[:40]:
        assert row["state"] == pytest.approx(heater.daily_wh(day_of(row))[0] / 1000)
    for row in element[-40:]:
        assert row["state"] == pytest.approx(heater.daily_wh(day_of(row))[1] / 1000)
    assert_consistent(heat_pump)
    assert_consistent(element)
    assert sum(row["state"] for row in element) > 0  # heavy winter days
    # Home Assistant counts the first row's whole sum as that day's use: it must
    # hold that day only, not the heater's lifetime before the imported year.
    assert heat_pump[0]["sum"] == pytest.approx(heat_pump[0]["state"])
    assert element[0]["sum"] == pytest.approx(element[0]["state"])


async def test_importing_again_or_reloading_adds_nothing(
    recorded: HomeAssistant,
    init_integration: MockConfigEntry,
) -> None:
    hass = recorded
    await settled(hass, init_integration)
    first = await rows(hass, HEAT_PUMP), await rows(hass, ELEMENT)

    added = await init_integration.runtime_data.counters.async_import_history()
    await settled(hass, init_integration)
    assert added == 0
    assert (await rows(hass, HEAT_PUMP), await rows(hass, ELEMENT)) == first

    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await settled(hass, init_integration)
    assert (await rows(hass, HEAT_PUMP), await rows(hass, ELEMENT)) == first

    # Removed and added again: a new entry finds the rows of the same heater.
    assert await hass.config_entries.async_remove(init_integration.entry_id)
    again = MockConfigEntry(
        domain=DOMAIN, unique_id=init_integration.unique_id, data=init_integration.data
    )
    again.add_to_hass(hass)
    assert await hass.config_entries.async_setup(again.entry_id)
    await settled(hass, again)
    assert (await rows(hass, HEAT_PUMP), await rows(hass, ELEMENT)) == first
    assert await hass.config_entries.async_unload(again.entry_id)


async def test_a_day_later_only_the_new_day_is_added_and_a_reset_changes_nothing(
    recorded: HomeAssistant,
    today: Today,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    heater: SimulatedHeater,
) -> None:
    hass = recorded
    await settled(hass, init_integration)
    before = await rows(hass, HEAT_PUMP)
    counters = init_integration.runtime_data.counters

    heater.start_draw(10.0, 1800)
    simulator.advance(86400)
    today.day = START + timedelta(days=1)
    assert await counters.async_import_history() == 2  # one day, two sources
    await settled(hass, init_integration)
    after = await rows(hass, HEAT_PUMP)
    assert after[:-1] == before
    (new,) = after[len(before) :]
    assert day_of(new) == START
    assert new["state"] == pytest.approx(heater.daily_wh(START)[0] / 1000)
    assert new["state"] > 0
    assert_consistent(after)

    # The heater's lifetime counter restarts at zero; its daily history stays.
    heater.reset_energy_counter()
    heater.start_draw(10.0, 1800)
    simulator.advance(86400)
    today.day = START + timedelta(days=2)
    await counters.async_import_history()
    await settled(hass, init_integration)
    reset = await rows(hass, HEAT_PUMP)
    assert reset[:-1] == after
    assert reset[-1]["state"] == pytest.approx(
        heater.daily_wh(START + timedelta(days=1))[0] / 1000
    )
    assert reset[-1]["sum"] > after[-1]["sum"]
    assert_consistent(reset)
