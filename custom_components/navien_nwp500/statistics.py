"""Import the heater's daily energy history into Home Assistant's long-term statistics.

The heater keeps daily energy per source for past months (the daily energy query,
protocol §10: one ``usage`` entry per month, ``data[i]`` is day i+1). The monthly
query (§17.6) gives only month totals, so each month is asked for with the daily
query. Every closed day becomes one hourly row at local midnight (external
statistics need hour-aligned starts) of ``navien_nwp500:<mac>_heat_pump_energy``
and ``..._element_energy``, in kWh with a running sum.

Idempotent: the import continues after the last row already stored (read with
``get_last_statistics``) and continues its sum, so a restart, a reload or a
re-added entry adds nothing twice. The sum starts at zero before the first
imported day: Home Assistant counts the first row's whole sum as that row's use,
so a sum anchored to the lifetime counter would show years of energy on the
first day of the Energy dashboard. Each row's sum grows by exactly its day's
energy, so the statistic and the live counter sensors (their own statistics)
agree day by day, without a jump when the daily top-up continues. Days are added
strictly in order; a month that gets no reply ends the run and is asked for again
at the next top-up. A device counter reset does not touch the daily history, so
the sums simply go on.
"""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
import logging
from typing import TYPE_CHECKING, Any, Final

from homeassistant.components.recorder.models import (
    StatisticData,
    StatisticMeanType,
    StatisticMetaData,
)
from homeassistant.components.recorder.statistics import (
    async_add_external_statistics,
    get_last_statistics,
)
from homeassistant.const import UnitOfEnergy
from homeassistant.helpers.recorder import get_instance
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_conversion import EnergyConverter

from .const import DOMAIN
from .navilink.codec import EnergyCounters, commands, parse_energy

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from .heater_state import HeaterState
    from .navilink.codec import Command

_LOGGER = logging.getLogger(__name__)

HISTORY_DAYS: Final = 365
"""How far back the first import reaches."""

type Query = Callable[[Command], Awaitable[Mapping[str, Any] | None]]


@dataclass(frozen=True, slots=True)
class Source:
    """One imported statistic: a heat source and how to read its Wh."""

    key: str
    name: str
    wh: Callable[[EnergyCounters], int | None]


SOURCES: Final = (
    Source("heat_pump_energy", "heat pump energy", lambda c: c.heat_pump_wh),
    Source("element_energy", "element energy", lambda c: c.element_wh),
)


def statistic_id(mac: str, source: Source) -> str:
    """Return the external statistic ID of one heater's source."""
    return f"{DOMAIN}:{mac.lower()}_{source.key}"


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


async def _last_row(hass: HomeAssistant, stat_id: str) -> tuple[date, float] | None:
    """Return the day and sum of the newest stored row, if any."""
    found = await get_instance(hass).async_add_executor_job(
        get_last_statistics, hass, 1, stat_id, True, {"sum"}
    )
    rows = found.get(stat_id)
    if not rows:
        return None
    row = rows[0]
    day = dt_util.as_local(dt_util.utc_from_timestamp(row["start"])).date()
    return day, float(row.get("sum") or 0.0)


async def _fetch_days(
    query: Query, heater: HeaterState, first: date, today: date
) -> dict[date, EnergyCounters]:
    """Ask month by month; return the days read (contiguous from ``first``)."""
    days: dict[date, EnergyCounters] = {}
    for year, month in _months(first, today):
        reply = await query(
            commands.energy_query(heater.device, heater.feature, year, [month])
        )
        if reply is None:
            break
        usage = parse_energy(reply)
        entry = next(
            (m for m in usage.months if (m.year, m.month) == (year, month)), None
        )
        if entry is None:
            _LOGGER.debug("Energy reply for %s-%02d had no such month", year, month)
            break
        for index, counters in enumerate(entry.days):
            days[date(year, month, index + 1)] = counters
    return days


def _rows(
    source: Source,
    days: Mapping[date, EnergyCounters],
    first: date,
    last: date,
    start_sum: float,
) -> list[StatisticData]:
    """Build the rows of ``first``..``last``, stopping at the first unknown day."""
    rows: list[StatisticData] = []
    running = start_sum
    day = first
    while day <= last:
        counters = days.get(day)
        wh = None if counters is None else source.wh(counters)
        if wh is None:
            break
        running += wh / 1000
        rows.append(
            StatisticData(
                start=dt_util.start_of_local_day(day), state=wh / 1000, sum=running
            )
        )
        day += timedelta(days=1)
    return rows


def _metadata(heater: HeaterState, source: Source) -> StatisticMetaData:
    name = heater.device.name or "NWP500"
    return StatisticMetaData(
        mean_type=StatisticMeanType.NONE,
        has_sum=True,
        name=f"{name} {source.name}",
        source=DOMAIN,
        statistic_id=statistic_id(heater.device.mac, source),
        unit_class=EnergyConverter.UNIT_CLASS,
        unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
    )


async def async_import_history(
    hass: HomeAssistant, query: Query, heater: HeaterState
) -> int:
    """Add every closed day not stored yet (the last year at most); return the rows added."""
    today = local_today()
    yesterday = today - timedelta(days=1)
    oldest = today - timedelta(days=HISTORY_DAYS)
    last_rows = {
        source.key: await _last_row(hass, statistic_id(heater.device.mac, source))
        for source in SOURCES
    }
    starts = {
        key: oldest if last is None else max(oldest, last[0] + timedelta(days=1))
        for key, last in last_rows.items()
    }
    first = min(starts.values())
    if first > yesterday:
        return 0
    days = await _fetch_days(query, heater, first, today)
    added = 0
    for source in SOURCES:
        last = last_rows[source.key]
        start = starts[source.key]
        start_sum = 0.0 if last is None else last[1]
        rows = _rows(source, days, start, yesterday, start_sum)
        if rows:
            async_add_external_statistics(hass, _metadata(heater, source), rows)
            added += len(rows)
    _LOGGER.debug("Imported %s daily energy rows of %s", added, heater.device.mac)
    return added
