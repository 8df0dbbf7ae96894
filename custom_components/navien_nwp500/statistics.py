"""Put the heater's year of daily energy into its energy sensors' own statistics.

The heater keeps daily energy per source for past months (the daily energy query,
protocol §10: one ``usage`` entry per month, ``data[i]`` is day i+1). Each closed
day becomes one hourly row, at local midnight, of the long-term statistics of the
*Heat pump energy*, *Element energy* and *Energy* sensors, so one entity gives the
Energy dashboard both the past year and what the recorder compiles from now on.

Rows go only before the sensor's *anchor*, its first period compiled by the
recorder (a sensor not compiled yet waits for the next run), and cover the year
before it. Their sums start at 0, so the first day shows only its own energy
(Home Assistant counts a first row's whole sum as its use), and end at the
year's total S. The recorder's sums start at 0 at the anchor, so everything it
compiled from the anchor on is raised by S (and what it compiles next continues
from there): the first compiled hour follows the last day without a jump. The
energy between the anchor's midnight and the sensor's first state (a part of
one day) is in neither.

The anchor and the raise already applied are kept in a store (by unique ID, so a
renamed entity keeps them). Every run rebuilds all the rows before the anchor
from what the heater answers and raises the compiled part only by what S grew:
a run adds nothing twice, and a month that got no reply, asked again by a later
run, fills its days without a jump. A run with a month unanswered writes
nothing over an earlier import (its rows stay as they were) until a run gets
every month; the months that answered are kept (in memory) once closed, so a
later run asks only the missing and the open ones. Months the heater has no
data for are skipped. A day counts only once the heater has closed it: yesterday only when
the heater already counts energy today (a heater whose clock is behind is still
filling yesterday); older days always. When every month answered and the last
day was closed, the sensor is done and the heater is not asked again.
"""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
import logging
from typing import TYPE_CHECKING, Any, Final

from homeassistant.components.recorder.models import (
    StatisticData,
    StatisticMeanType,
    StatisticMetaData,
)
from homeassistant.components.recorder.statistics import (
    async_import_statistics,
    get_metadata,
    statistics_during_period,
)
from homeassistant.components.sensor import DOMAIN as SENSOR_DOMAIN
from homeassistant.const import UnitOfEnergy
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.recorder import get_instance
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey
from homeassistant.util.unit_conversion import EnergyConverter

from .const import DOMAIN
from .navilink.codec import EnergyCounters, commands, parse_energy

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from .heater_state import HeaterState
    from .navilink.codec import Command

_LOGGER = logging.getLogger(__name__)

HISTORY_DAYS: Final = 365
"""How far back the import reaches."""
STORE_VERSION: Final = 1
STORE_KEY: Final = f"{DOMAIN}.energy_history"
PROGRESS: HassKey[_Progress] = HassKey(STORE_KEY)
RECORDER: Final = "recorder"

type Query = Callable[[Command], Awaitable[Mapping[str, Any] | None]]
type Days = dict[date, EnergyCounters]
type MonthKey = tuple[str, int, int]
"""A heater's MAC address, a year and a month."""


@dataclass(frozen=True, slots=True)
class Source:
    """One energy sensor (its description key) and how to read a day's Wh."""

    key: str
    wh: Callable[[EnergyCounters], int | None]


SOURCES: Final = (
    Source("heat_pump_energy", lambda c: c.heat_pump_wh),
    Source("element_energy", lambda c: c.element_wh),
    Source("energy_total", lambda c: c.total_wh),
)


@dataclass(slots=True)
class _Target:
    """One sensor to import into, with its anchor."""

    source: Source
    unique_id: str
    entity_id: str
    anchor: datetime

    raised: float

    @property
    def last_day(self) -> date:
        """The last day that ends at or before the anchor."""
        return dt_util.as_local(self.anchor).date() - timedelta(days=1)

    @property
    def first_day(self) -> date:
        """The first day of the year before the anchor."""
        return self.last_day - timedelta(days=HISTORY_DAYS - 1)


def local_today() -> date:
    """Today in Home Assistant's time zone (the heater counts days locally)."""
    return dt_util.now().date()


def _months(first: date, last: date) -> list[tuple[int, int]]:
    """Every (year, month) from ``first``'s month to ``last``'s, in order."""
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


@dataclass(slots=True)
class _Progress:
    """Per sensor unique ID: its anchor (ISO time) and whether it is complete.

    One copy for all entries, so that two accounts importing at once do not
    save over each other's progress.
    """

    store: Store[dict[str, dict[str, Any]]]
    data: dict[str, dict[str, Any]] | None = None
    answered: dict[MonthKey, Days] = field(default_factory=dict)
    """Closed months the heaters answered: never asked again while Home Assistant runs."""


@dataclass(frozen=True, slots=True)
class Imported:
    """What one heater's import did: rows written, and whether every month answered."""

    written: int
    complete: bool


async def _progress(hass: HomeAssistant) -> _Progress:
    if PROGRESS not in hass.data:
        hass.data[PROGRESS] = _Progress(Store(hass, STORE_VERSION, STORE_KEY))
    progress = hass.data[PROGRESS]
    if progress.data is None:
        progress.data = await progress.store.async_load() or {}
    return progress


async def _first_compiled(hass: HomeAssistant, statistic_id: str) -> datetime | None:
    """Return the start of the statistic's oldest compiled row (hourly or 5-minute)."""
    starts = []
    for period in ("hour", "5minute"):
        found = await get_instance(hass).async_add_executor_job(
            statistics_during_period,
            hass,
            datetime(2000, 1, 1, tzinfo=UTC),
            None,
            {statistic_id},
            period,
            None,
            {"sum"},
        )
        if rows := found.get(statistic_id):
            starts.append(dt_util.utc_from_timestamp(rows[0]["start"]))
    return min(starts, default=None)


def _month_end(year: int, month: int) -> date:
    """Return the last day of a month."""
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return following - timedelta(days=1)


async def _fetch_days(
    query: Query,
    heater: HeaterState,
    span: tuple[date, date],
    answered: dict[MonthKey, Days],
) -> tuple[Days, bool]:
    """Ask month by month; return the days read and whether every month answered.

    A month without a reply or without data is skipped; the others are kept.
    A month in ``answered`` is not asked again; one that answers and has closed
    (see `_closed`) goes there.
    """
    days: Days = {}
    complete = True
    for year, month in _months(*span):
        key = (heater.device.mac, year, month)
        if key in answered:
            days |= answered[key]
            continue
        reply = await query(
            commands.energy_query(heater.device, heater.feature, year, [month])
        )
        if reply is None:
            _LOGGER.debug("No energy reply for %s-%02d", year, month)
            complete = False
            continue
        entry = next(
            (
                m
                for m in parse_energy(reply).months
                if (m.year, m.month) == (year, month)
            ),
            None,
        )
        found: Days = {}
        if entry is None:
            _LOGGER.debug("Energy reply for %s-%02d had no such month", year, month)
        else:
            for index, counters in enumerate(entry.days):
                found[date(year, month, index + 1)] = counters
        days |= found
        if _month_end(year, month) <= local_today() - timedelta(days=2):
            answered[key] = found
    return days, complete


def _closed(day: date, today: date, days: Days) -> bool:
    """Whether the heater has closed ``day`` (see the module's description)."""
    if day <= today - timedelta(days=2):
        return True
    counted_today = days.get(today)
    return (
        day == today - timedelta(days=1)
        and counted_today is not None
        and bool(counted_today.total_wh)
    )


def _rows(target: _Target, days: Days, unit: str) -> tuple[list[StatisticData], float]:
    """Rows of the target's year, sums from 0; and the year's total."""
    convert = EnergyConverter.converter_factory(UnitOfEnergy.WATT_HOUR, unit)
    rows: list[StatisticData] = []
    total = 0.0
    day = target.first_day
    while day <= target.last_day:
        counters = days.get(day)
        wh = None if counters is None else target.source.wh(counters)
        if wh is not None:
            total += convert(wh)
            rows.append(StatisticData(start=dt_util.start_of_local_day(day), sum=total))
        day += timedelta(days=1)
    return rows, total


def _metadata(statistic_id: str, unit: str) -> StatisticMetaData:
    """Describe the statistic as the recorder does for an energy sensor with a sum."""
    return StatisticMetaData(
        mean_type=StatisticMeanType.NONE,
        has_sum=True,
        name=None,
        source=RECORDER,
        statistic_id=statistic_id,
        unit_class=EnergyConverter.UNIT_CLASS,
        unit_of_measurement=unit,
    )


async def _unit(hass: HomeAssistant, statistic_id: str) -> str:
    """Return the statistic's unit: the recorder's if it has one, else kWh."""
    found = await get_instance(hass).async_add_executor_job(
        lambda: get_metadata(hass, statistic_ids={statistic_id})
    )
    if statistic_id in found:
        unit = found[statistic_id][1]["unit_of_measurement"]
        if unit is not None and unit in EnergyConverter.VALID_UNITS:
            return unit
    return UnitOfEnergy.KILO_WATT_HOUR


async def _targets(
    hass: HomeAssistant, heater: HeaterState, progress: dict[str, dict[str, Any]]
) -> list[_Target]:
    """Return the heater's enabled, compiled energy sensors still to complete."""
    registry = er.async_get(hass)
    targets = []
    for source in SOURCES:
        unique_id = f"{heater.device.mac}_{source.key}"
        entity_id = registry.async_get_entity_id(SENSOR_DOMAIN, DOMAIN, unique_id)
        entry = None if entity_id is None else registry.async_get(entity_id)
        saved = progress.setdefault(unique_id, {})
        if entry is None or entry.disabled or saved.get("done"):
            continue
        anchor = dt_util.parse_datetime(saved.get("anchor", ""))
        if anchor is None:
            anchor = await _first_compiled(hass, entry.entity_id)
            if anchor is None:
                continue  # nothing compiled yet: a later run imports
            saved |= {"anchor": anchor.isoformat(), "raised": 0.0, "done": False}
        targets.append(
            _Target(source, unique_id, entry.entity_id, anchor, saved["raised"])
        )
    return targets


async def _import(hass: HomeAssistant, target: _Target, days: Days) -> int:
    """Write the target's rows and raise its compiled sums; return the rows written."""
    unit = await _unit(hass, target.entity_id)
    rows, total = _rows(target, days, unit)
    if rows:
        async_import_statistics(hass, _metadata(target.entity_id, unit), rows)
    if total != target.raised:
        get_instance(hass).async_adjust_statistics(
            target.entity_id, target.anchor, total - target.raised, unit
        )
        target.raised = total
    return len(rows)


async def awaiting_first_compile(hass: HomeAssistant, heater: HeaterState) -> bool:
    """Whether an enabled energy sensor of ``heater`` has no anchor yet."""
    progress = (await _progress(hass)).data
    assert progress is not None
    registry = er.async_get(hass)
    for source in SOURCES:
        unique_id = f"{heater.device.mac}_{source.key}"
        entity_id = registry.async_get_entity_id(SENSOR_DOMAIN, DOMAIN, unique_id)
        entry = None if entity_id is None else registry.async_get(entity_id)
        waiting = "anchor" not in progress.get(unique_id, {})
        if entry is not None and not entry.disabled and waiting:
            return True
    return False


async def async_import_history(
    hass: HomeAssistant, query: Query, heater: HeaterState
) -> Imported:
    """Import the closed days before each energy sensor's anchor."""
    saved = await _progress(hass)
    assert saved.data is not None
    progress = saved.data
    targets = await _targets(hass, heater, progress)
    if not targets:
        return Imported(0, complete=True)
    today = local_today()
    first = min(target.first_day for target in targets)
    # Up to the day after the last one, to see whether the heater closed it.
    last = max(target.last_day for target in targets) + timedelta(days=1)
    days, complete = await _fetch_days(query, heater, (first, last), saved.answered)
    written = 0
    for target in targets:
        if not _closed(target.last_day, today, days):
            continue
        if not complete and target.raised:
            continue  # keep the earlier import whole until every month answers
        written += await _import(hass, target, days)
        progress[target.unique_id] |= {"raised": target.raised, "done": complete}
    await saved.store.async_save(progress)
    _LOGGER.debug("Imported %s daily energy rows of %s", written, heater.device.mac)
    return Imported(written, complete)
