"""The year of daily energy in the energy sensors' own long-term statistics.

Home Assistant runs with its recorder (statistics compiled only when a test asks)
in UTC, and the simulated heater's clock starts at the start of today, so both
count the same days. Expected values come from the simulated heater's meter.
"""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
import itertools
from typing import TYPE_CHECKING, Any
from unittest.mock import patch

from homeassistant.components.recorder.statistics import (
    list_statistic_ids,
    statistic_during_period,
    statistics_during_period,
)
from homeassistant.components.recorder.tasks import StatisticsTask
from homeassistant.components.sensor import DOMAIN as SENSOR_DOMAIN
from homeassistant.const import Platform
from homeassistant.helpers.recorder import get_instance
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
    do_adhoc_statistics,
)

from custom_components.navien_nwp500.const import DOMAIN
from custom_components.navien_nwp500.energy import AFTER_COMPILE
from navilink_sim import heater_wire
from tests.simulator_fixture import TEST_PROFILE

from .helpers import advance, get_entity_id, get_state, wait_for

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from homeassistant.components.recorder import Recorder
    from homeassistant.core import HomeAssistant

    from custom_components.navien_nwp500.energy import CounterPoller
    from navilink_sim.heater import SimulatedHeater
    from navilink_sim.simulator import NaviLinkSimulator

TODAY = (
    datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
).date()
"""The day of the first hour the tests compile (the next one; see `next_hour`):
the heater's day and Home Assistant's, so that in a run between 23:00 and
midnight that hour does not fall on a day the heater has not begun."""
MIDNIGHT = datetime(TODAY.year, TODAY.month, TODAY.day, tzinfo=UTC)
YESTERDAY = TODAY - timedelta(days=1)
FIRST = YESTERDAY - timedelta(days=364)

# The realistic heater, with more than a year of history, its day ending on Home
# Assistant's midnight (UTC here) as in a house where both keep the same time, and
# no reply lost: these tests count a whole year in one import (a month left
# unanswered is tested on its own, below).
A_YEAR_OLD = replace(
    TEST_PROFILE, installed_days=400, clock_offset_hours=0.0, reply_loss=0.0
)

pytestmark = [
    pytest.mark.simulator(
        time_scale=0,
        push_interval=None,
        device_clock_start=MIDNIGHT,
        profile=A_YEAR_OLD,
    ),
    pytest.mark.platforms(Platform.SENSOR),
    pytest.mark.counters,
]

SENSORS: dict[str, Callable[[tuple[int, int]], int]] = {
    "heat_pump_energy": lambda wh: wh[0],
    "element_energy": lambda wh: wh[1],
    "energy_total": lambda wh: wh[0] + wh[1],
}


@pytest.fixture
def mock_recorder_before_hass(async_test_recorder: Any) -> None:
    """Set the recorder up before Home Assistant (the plugin's documented hook)."""


@pytest.fixture
def quick_queries() -> Iterator[None]:
    """Allow back-to-back counter reads; give up on a silent heater quickly."""
    with (
        patch("custom_components.navien_nwp500.reader.MIN_REREAD", 0),
        patch("custom_components.navien_nwp500.energy.QUERY_TIMEOUT", 0.5),
        patch(
            "custom_components.navien_nwp500.statistics.local_today",
            return_value=TODAY,
        ),
    ):
        yield


@pytest.fixture
async def recorded(
    recorder_mock: Recorder, hass: HomeAssistant, quick_queries: None
) -> HomeAssistant:
    """Run Home Assistant in UTC with the recorder."""
    await hass.config.async_set_time_zone("UTC")
    return hass


def poller(entry: MockConfigEntry) -> CounterPoller:
    """Return the entry's counter poller."""
    return entry.runtime_data.counters


async def settled(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Wait until the counter reads and imports are over and the recorder wrote them."""
    await wait_for(hass, lambda: not entry.runtime_data.reader.busy, within=60)
    await async_wait_recording_done(hass)


async def use_energy(
    hass: HomeAssistant, entry: MockConfigEntry, heater: SimulatedHeater, hours: float
) -> None:
    """Draw water for ``hours`` of heater time, then read the counters again."""
    before = get_state(hass, sensor_id(hass, "energy_total")).state
    heater.start_draw(10.0, 1800)
    heater.advance(hours * 3600)
    await poller(entry).async_refresh_energy()
    await wait_for(
        hass, lambda: get_state(hass, sensor_id(hass, "energy_total")).state != before
    )
    await async_wait_recording_done(hass)


def sensor_id(hass: HomeAssistant, key: str) -> str:
    """Return the entity ID (and statistic ID) of the demo heater's sensor ``key``."""
    return get_entity_id(hass, SENSOR_DOMAIN, key)


def kwh(hass: HomeAssistant, key: str) -> float:
    """Return the sensor's state in kWh."""
    return float(get_state(hass, sensor_id(hass, key)).state)


async def compile_until(hass: HomeAssistant, end: datetime) -> None:
    """Compile the 5-minute period that ends at ``end`` (and its hour, at :00)."""
    do_adhoc_statistics(hass, start=end - timedelta(minutes=5))
    await async_wait_recording_done(hass)


async def compile_as_the_recorder(hass: HomeAssistant, end: datetime) -> None:
    """Compile the 5-minute period that ends at ``end`` as the recorder's timer does.

    Unlike ``compile_until``, it announces the compile to listeners.
    """
    get_instance(hass).queue_task(StatisticsTask(end - timedelta(minutes=5), True))
    await async_wait_recording_done(hass)


def next_hour() -> datetime:
    """Return the end of the next hour: its last 5 minutes are still to come.

    The period compiled there starts from the sensor's latest state, whatever
    the time the test runs at.
    """
    hour = dt_util.utcnow().replace(minute=0, second=0, microsecond=0)
    return hour + timedelta(hours=2)


async def hourly(hass: HomeAssistant, statistic_id: str) -> list[dict[str, Any]]:
    """Return every hourly row of ``statistic_id`` with its change, oldest first."""
    found = await get_instance(hass).async_add_executor_job(
        statistics_during_period,
        hass,
        datetime(2020, 1, 1, tzinfo=UTC),
        None,
        {statistic_id},
        "hour",
        None,
        {"sum", "change"},
    )
    return [dict(row) for row in found.get(statistic_id, [])]


async def dashboard_change(hass: HomeAssistant, statistic_id: str) -> float:
    """Return the energy the Energy dashboard shows for all time."""
    found = await get_instance(hass).async_add_executor_job(
        statistic_during_period, hass, None, None, statistic_id, {"change"}, None
    )
    return float(found["change"])


def day_of(row: dict[str, Any]) -> date:
    """Return the day a row stands for."""
    return dt_util.utc_from_timestamp(row["start"]).date()


def assert_days(
    rows: list[dict[str, Any]], heater: SimulatedHeater, wh: Callable[..., int]
) -> None:
    """Each row, one a day at midnight, changes by its day's energy only."""
    for previous, row in itertools.pairwise(rows):
        assert day_of(row) - day_of(previous) == timedelta(days=1)
    for row in rows:
        assert dt_util.utc_from_timestamp(row["start"]).hour == 0
        expected = wh(heater.daily_wh(day_of(row))) / 1000
        assert row["change"] == pytest.approx(expected, abs=1e-6), day_of(row)


async def test_a_year_of_days_leads_into_what_the_recorder_compiles(
    recorded: HomeAssistant,
    init_integration: MockConfigEntry,
    heater: SimulatedHeater,
) -> None:
    """One statistic per sensor: 365 days, then the compiled hours, without a jump.

    The Energy dashboard reads the sum's changes: each day shows its energy, the
    first day only its own, and the hour compiled before the import and the one
    after it show what the sensor counted in them.
    """
    hass, entry = recorded, init_integration
    await settled(hass, entry)
    for key in SENSORS:  # nothing compiled yet: nothing to join the history to
        assert await hourly(hass, sensor_id(hass, key)) == []
    await use_energy(hass, entry, heater, hours=1)  # the heater counts today
    start = {key: kwh(hass, key) for key in SENSORS}
    first_hour = next_hour()
    await compile_until(hass, first_hour)

    assert await poller(entry).async_import_history() == 3 * 365
    await async_wait_recording_done(hass)
    await use_energy(hass, entry, heater, hours=2)
    await compile_until(hass, first_hour + timedelta(hours=1))

    for key, wh in SENSORS.items():
        rows = await hourly(hass, sensor_id(hass, key))
        days, compiled = rows[:365], rows[365:]
        assert day_of(days[0]) == FIRST
        assert day_of(days[-1]) == YESTERDAY
        assert days[0]["sum"] == pytest.approx(days[0]["change"])
        assert_days(days, heater, wh)
        assert [row["start"] for row in compiled] == [
            (first_hour - timedelta(hours=1)).timestamp(),
            first_hour.timestamp(),
        ]
        assert compiled[0]["change"] == pytest.approx(0.0, abs=1e-6)
        used = kwh(hass, key) - start[key]
        assert compiled[1]["change"] == pytest.approx(used, abs=1e-6)
        year = sum(wh(heater.daily_wh(FIRST + timedelta(days=n))) for n in range(365))
        total = await dashboard_change(hass, sensor_id(hass, key))
        assert total == pytest.approx(year / 1000 + used, abs=1e-6)


async def test_a_new_install_gets_its_year_after_the_first_compile(
    recorded: HomeAssistant,
    init_integration: MockConfigEntry,
    heater: SimulatedHeater,
) -> None:
    """The import runs again by itself after the recorder's first compile.

    At start nothing is compiled, so nothing can be imported; the year comes
    right after the first 5-minute compile, not at the nightly run. Once every
    sensor has its anchor, later compiles import nothing more.
    """
    hass, entry = recorded, init_integration
    await settled(hass, entry)
    statistic_id = sensor_id(hass, "energy_total")
    assert await hourly(hass, statistic_id) == []
    await use_energy(hass, entry, heater, hours=1)  # the heater counts today
    first_hour = next_hour()
    await compile_as_the_recorder(hass, first_hour)

    await advance(hass, AFTER_COMPILE + 1)
    await settled(hass, entry)
    for key, wh in SENSORS.items():
        rows = await hourly(hass, sensor_id(hass, key))
        assert len(rows) == 365 + 1  # the year, then the compiled hour
        assert day_of(rows[0]) == FIRST
        assert day_of(rows[364]) == YESTERDAY
        assert_days(rows[:365], heater, wh)

    asked = len(heater.received)
    await compile_as_the_recorder(hass, first_hour + timedelta(hours=1))
    await advance(hass, AFTER_COMPILE + 1)
    await settled(hass, entry)
    assert len(heater.received) == asked  # the heater is not asked again


async def test_importing_again_reloading_or_re_adding_changes_nothing(
    recorded: HomeAssistant,
    init_integration: MockConfigEntry,
    heater: SimulatedHeater,
) -> None:
    """Once done, a run asks the heater nothing and no row moves."""
    hass, entry = recorded, init_integration
    await settled(hass, entry)
    await use_energy(hass, entry, heater, hours=1)
    await compile_until(hass, next_hour())
    assert await poller(entry).async_import_history() == 3 * 365
    await async_wait_recording_done(hass)
    statistic_id = sensor_id(hass, "heat_pump_energy")
    first = await hourly(hass, statistic_id)

    asked = len(heater.received)
    assert await poller(entry).async_import_history() == 0
    assert len(heater.received) == asked

    assert await hass.config_entries.async_reload(entry.entry_id)
    await settled(hass, entry)
    assert await hourly(hass, statistic_id) == first

    assert await hass.config_entries.async_remove(entry.entry_id)
    again = MockConfigEntry(domain=DOMAIN, unique_id=entry.unique_id, data=entry.data)
    again.add_to_hass(hass)
    assert await hass.config_entries.async_setup(again.entry_id)
    await settled(hass, again)
    assert await poller(again).async_import_history() == 0
    await async_wait_recording_done(hass)
    assert await hourly(hass, statistic_id) == first
    assert await hass.config_entries.async_unload(again.entry_id)


@pytest.mark.simulator(device_clock_start=MIDNIGHT - timedelta(hours=1))
async def test_yesterday_waits_until_the_heater_has_closed_it(
    recorded: HomeAssistant,
    init_integration: MockConfigEntry,
    heater: SimulatedHeater,
) -> None:
    """A heater whose clock is an hour behind is still counting yesterday: no import.

    Once its clock has passed midnight and it counts today, yesterday comes in
    whole, the hour before its midnight included.
    """
    hass, entry = recorded, init_integration
    await settled(hass, entry)
    await use_energy(hass, entry, heater, hours=0.5)  # 23:00-23:30, yesterday
    await compile_until(hass, next_hour())
    assert await poller(entry).async_import_history() == 0
    await async_wait_recording_done(hass)
    statistic_id = sensor_id(hass, "energy_total")
    assert len(await hourly(hass, statistic_id)) == 1  # the compiled hour only

    await use_energy(hass, entry, heater, hours=1.5)  # on into today
    assert sum(heater.daily_wh(TODAY)) > 0
    assert await poller(entry).async_import_history() == 3 * 365
    await async_wait_recording_done(hass)
    rows = await hourly(hass, statistic_id)
    assert day_of(rows[364]) == YESTERDAY
    yesterday = sum(heater.daily_wh(YESTERDAY)) / 1000
    assert rows[364]["change"] == pytest.approx(yesterday, abs=1e-6)
    assert yesterday > 0


async def test_empty_and_unanswered_months_are_skipped_then_filled(
    recorded: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    heater: SimulatedHeater,
) -> None:
    """A month with no data and one without a reply do not stop the later months.

    The unanswered month is asked again by the next run; its days then fill in
    and the rows after it, compiled ones included, move up by its energy.
    """
    hass, entry = recorded, init_integration
    await settled(hass, entry)
    await use_energy(hass, entry, heater, hours=1)
    first_hour = next_hour()
    await compile_until(hass, first_hour)
    empty = FIRST + timedelta(days=100)
    silent = FIRST + timedelta(days=200)
    real_reply = heater_wire.energy_daily
    meter = type(heater._meter)
    real_handler = meter.energy_daily_request

    def without_empty(days: Any, lifetime: Any, year: int, months: list[int]) -> Any:
        body = real_reply(days, lifetime, year, months)
        for usage in body["usage"]:
            if (usage["year"], usage["month"]) == (empty.year, empty.month):
                usage["data"] = []
        return body

    def silent_month(self: Any, request: Any) -> Any:
        if (request.get("year"), request.get("month")) == (silent.year, [silent.month]):
            return None  # the heater ignores the query: no reply at all
        return real_handler(self, request)

    with (
        patch.object(heater_wire, "energy_daily", without_empty),
        patch.object(meter, "energy_daily_request", silent_month),
    ):
        written = await poller(entry).async_import_history()
    await async_wait_recording_done(hass)
    statistic_id = sensor_id(hass, "energy_total")
    rows = await hourly(hass, statistic_id)
    months = {(day_of(row).year, day_of(row).month) for row in rows[:-1]}
    assert (empty.year, empty.month) not in months
    assert (silent.year, silent.month) not in months
    assert day_of(rows[-2]) == YESTERDAY  # the months after both came in
    assert written == 3 * (len(rows) - 1)

    with patch.object(heater_wire, "energy_daily", without_empty):
        await poller(entry).async_import_history()
    await async_wait_recording_done(hass)
    rows = await hourly(hass, statistic_id)
    days = rows[:-1]
    assert (silent.year, silent.month) in {
        (day_of(r).year, day_of(r).month) for r in days
    }
    for previous, row in itertools.pairwise(days):
        if day_of(row) - day_of(previous) == timedelta(days=1):
            assert row["change"] == pytest.approx(
                sum(heater.daily_wh(day_of(row))) / 1000
            )
    assert rows[-1]["change"] == pytest.approx(0.0, abs=1e-6)  # no jump at the join
    assert rows[-1]["sum"] == pytest.approx(days[-1]["sum"])


async def test_only_the_energy_used_is_offered_to_the_energy_dashboard(
    recorded: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Energy statistics (what the dashboard's pickers list) are the three meters.

    The heater's usable energy, stored in the tank rather than used, is not
    among them.
    """
    hass = recorded
    await settled(hass, init_integration)
    found = await get_instance(hass).async_add_executor_job(list_statistic_ids, hass)
    energy = {row["statistic_id"] for row in found if row["unit_class"] == "energy"}
    assert energy == {sensor_id(hass, key) for key in SENSORS}
    assert (
        "state_class"
        not in get_state(hass, sensor_id(hass, "usable_energy")).attributes
    )
