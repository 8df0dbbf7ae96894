"""A month of the energy history whose reply was lost is asked again soon.

The simulated heater loses its reply to one month's daily energy query, once;
that month is missing from the first import. It is asked again a few minutes
later (paced by the account's reader), not at the nightly run, and its days fill
in without a jump.
"""

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest

from custom_components.navien_nwp500.energy import HISTORY_RETRIES, HISTORY_RETRY
from custom_components.navien_nwp500.statistics import PROGRESS

from .helpers import advance
from .test_statistics import (
    FIRST,
    SENSORS,
    TODAY,
    YESTERDAY,
    assert_days,
    compile_until,
    day_of,
    hourly,
    mock_recorder_before_hass,  # noqa: F401 (the plugin's hook, by name)
    next_hour,
    poller,
    pytestmark,  # noqa: F401 (the same simulator, platforms and reads)
    quick_queries,  # noqa: F401 (used by ``recorded``)
    recorded,  # noqa: F401 (a fixture)
    sensor_id,
    settled,
    use_energy,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from navilink_sim.heater import SimulatedHeater
    from navilink_sim.simulator import NaviLinkSimulator

LOST = FIRST + timedelta(days=200)
"""A day of the month whose reply is lost."""


DAILY_ENERGY_QUERY = 16777225


def _months(rows: list[dict[str, Any]]) -> set[tuple[int, int]]:
    return {(day_of(row).year, day_of(row).month) for row in rows}


def _asks_for_lost_month(request: Any) -> bool:
    return request.get("year") == LOST.year and request.get("month") == [LOST.month]


def _months_asked(heater: SimulatedHeater, since: int) -> list[tuple[int, int]]:
    """Return the months of the daily energy queries the heater received after ``since``."""
    asked = []
    for payload in heater.received[since:]:
        request = payload["request"]
        if request["command"] == DAILY_ENERGY_QUERY:
            asked += [(request["year"], month) for month in request["month"]]
    return asked


async def _first_import_without_the_lost_month(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: NaviLinkSimulator,
    heater: SimulatedHeater,
    times: int,
) -> list[dict[str, Any]]:
    """Import once while the lost month's reply is lost; return the rows."""
    await settled(hass, entry)
    await use_energy(hass, entry, heater, hours=1)
    await compile_until(hass, next_hour())
    simulator.faults.lose_replies(_asks_for_lost_month, times=times)
    await poller(entry).async_import_history()
    await settled(hass, entry)
    rows = await hourly(hass, sensor_id(hass, "energy_total"))
    assert (LOST.year, LOST.month) not in _months(rows[:-1])
    assert day_of(rows[0]) == FIRST
    assert day_of(rows[-2]) == YESTERDAY  # the months after it came in
    return rows


async def test_a_month_whose_reply_was_lost_is_imported_soon(
    recorded: HomeAssistant,  # noqa: F811 (the fixture above)
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    heater: SimulatedHeater,
) -> None:
    """The lost month is asked again one retry later, with only the open months.

    Its days then fill in, each with its own energy, and the hours compiled
    after the year follow without a jump.
    """
    hass, entry = recorded, init_integration
    await _first_import_without_the_lost_month(hass, entry, simulator, heater, 1)
    asked_before = len(heater.received)

    await advance(hass, HISTORY_RETRY.total_seconds() + 1)
    await settled(hass, entry)

    asked = set(_months_asked(heater, asked_before))
    open_months = {(d.year, d.month) for d in (YESTERDAY, TODAY)}
    assert (LOST.year, LOST.month) in asked
    assert asked <= {(LOST.year, LOST.month)} | open_months
    for key, wh in SENSORS.items():
        rows = await hourly(hass, sensor_id(hass, key))
        days, compiled = rows[:365], rows[365:]
        assert (LOST.year, LOST.month) in _months(days)
        assert_days(days, heater, wh)
        assert compiled[0]["change"] == pytest.approx(0.0, abs=1e-6)
        assert compiled[0]["sum"] == pytest.approx(days[-1]["sum"])


async def test_a_month_that_never_answers_is_asked_a_bounded_number_of_times(
    recorded: HomeAssistant,  # noqa: F811 (the fixture above)
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    heater: SimulatedHeater,
) -> None:
    """Each retry asks again, at most HISTORY_RETRIES times; the rows stay as imported.

    A run that gets no answer for the month writes nothing over the first
    import, so no row and no compiled sum moves.
    """
    hass, entry = recorded, init_integration
    first = await _first_import_without_the_lost_month(
        hass, entry, simulator, heater, 100
    )
    asked_before = len(heater.received)

    for _ in range(HISTORY_RETRIES + 2):
        await advance(hass, HISTORY_RETRY.total_seconds() + 1)
        await settled(hass, entry)

    asked = _months_asked(heater, asked_before)
    assert asked.count((LOST.year, LOST.month)) == HISTORY_RETRIES
    assert await hourly(hass, sensor_id(hass, "energy_total")) == first


async def test_after_a_restart_another_lost_month_rewrites_nothing(
    recorded: HomeAssistant,  # noqa: F811 (the fixture above)
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    heater: SimulatedHeater,
) -> None:
    """A run short of a month leaves the first import whole; the retry completes it.

    After a restart (nothing kept in memory) the first lost month answers but
    another one is lost: that run writes nothing, so no row moves; its retry
    asks the other month again and both fill in.
    """
    hass, entry = recorded, init_integration
    first = await _first_import_without_the_lost_month(
        hass, entry, simulator, heater, 1
    )
    other = LOST + timedelta(days=62)
    assert await hass.config_entries.async_unload(entry.entry_id)
    hass.data.pop(PROGRESS)  # a restart: only the store is left

    def asks_for_other_month(request: Any) -> bool:
        return request.get("year") == other.year and request.get("month") == [
            other.month
        ]

    simulator.faults.lose_replies(asks_for_other_month, times=1)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await settled(hass, entry)
    statistic_id = sensor_id(hass, "energy_total")
    assert await hourly(hass, statistic_id) == first

    await advance(hass, HISTORY_RETRY.total_seconds() + 1)
    await settled(hass, entry)
    rows = await hourly(hass, statistic_id)
    months = _months(rows[:365])
    assert {(LOST.year, LOST.month), (other.year, other.month)} <= months
    assert_days(rows[:365], heater, SENSORS["energy_total"])
    assert rows[365]["change"] == pytest.approx(0.0, abs=1e-6)
