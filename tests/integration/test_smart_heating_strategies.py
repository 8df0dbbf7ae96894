"""Smart heating's strategies on the simulator's tank: ready-by, cheap hours, solar."""

import asyncio
from datetime import datetime, time, timedelta
import threading
from typing import TYPE_CHECKING, Any

from homeassistant.components.number import (
    ATTR_VALUE,
    DOMAIN as NUMBER_DOMAIN,
    SERVICE_SET_VALUE,
)
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.components.time import (
    ATTR_TIME,
    DOMAIN as TIME_DOMAIN,
    SERVICE_SET_VALUE as SERVICE_SET_TIME,
)
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.navien_nwp500 import smart_heating
from custom_components.navien_nwp500.const import (
    CONF_COMFORT_FLOOR_SHOWERS,
    CONF_PRICE_ENTITY,
    CONF_PRICE_FROM_TOU,
    CONF_SETBACK_TEMPERATURE,
    CONF_STORAGE_MAX_TEMPERATURE,
    CONF_SURPLUS_ENTITY,
)
from custom_components.navien_nwp500.logbook import EVENT_SMART_HEATING
from custom_components.navien_nwp500.planner import (
    Plan,
    PlanRequest,
    ReasonCode,
    make_plan,
)
from custom_components.navien_nwp500.smart_state import HOLD_CODES

from .conftest import DEMO_MAC
from .helpers import get_entity_id, push, wait_for
from .smart_helpers import (
    HEAT_PUMP,
    messages,
    reported,
    run_until,
    shows_plan,
    smart_marks,
    smart_timings,  # noqa: F401  (autouse)
    state,
    switch,
)

if TYPE_CHECKING:
    from homeassistant.core import Event, HomeAssistant

    from custom_components.navien_nwp500.planner import Segment
    from custom_components.navien_nwp500.smart_state import HeaterSmart
    from navilink_sim.heater import SimulatedHeater
    from navilink_sim.simulator import NaviLinkSimulator

pytestmark = smart_marks(draw_interval=None)

PRICE = "sensor.electricity_price"
EXPORT = "sensor.grid_export"
PEAK_CODES = (ReasonCode.PRICE_PEAK, ReasonCode.PRICE_PEAK_COAST)
"""A price peak's reasons: held at the set-back, or coasting above it."""


@pytest.fixture
def logged(hass: HomeAssistant) -> list[Event[dict[str, Any]]]:
    """Capture what smart heating writes to the logbook."""
    return async_capture_events(hass, EVENT_SMART_HEATING)


def _smart(entry: MockConfigEntry) -> HeaterSmart:
    smart: HeaterSmart = entry.runtime_data.smart.get(DEMO_MAC)
    return smart


def _first(smart: HeaterSmart, code: ReasonCode) -> Segment:
    assert smart.plan is not None
    return next(s for s in smart.plan.segments if s.reason.code is code)


async def _cold_tank(
    hass: HomeAssistant, simulator: NaviLinkSimulator, heater: SimulatedHeater
) -> None:
    """Leave the tank at 44/40 °C (after a long draw), as the heater reports it."""
    heater.tank.upper, heater.tank.lower = 44.0, 40.0
    await push(hass, simulator)


async def _ready_by(hass: HomeAssistant, at: datetime, showers: float) -> None:
    """Ask for ``showers`` ready by ``at`` every day, and turn ready-by on."""
    local = dt_util.as_local(at).time().replace(second=0, microsecond=0)
    for key in ("ready_by_weekdays", "ready_by_weekends"):
        await hass.services.async_call(
            TIME_DOMAIN,
            SERVICE_SET_TIME,
            {ATTR_ENTITY_ID: get_entity_id(hass, TIME_DOMAIN, key), ATTR_TIME: local},
            blocking=True,
        )
    await hass.services.async_call(
        NUMBER_DOMAIN,
        SERVICE_SET_VALUE,
        {
            ATTR_ENTITY_ID: get_entity_id(hass, NUMBER_DOMAIN, "ready_by_showers"),
            ATTR_VALUE: showers,
        },
        blocking=True,
    )
    await switch(hass, "ready_by", True)


def _whole_minute(when: datetime) -> datetime:
    return when.replace(second=0, microsecond=0)


def _quarter_hour(when: datetime) -> datetime:
    """Return the quarter hour ``when`` falls in: the planner's slots start on them."""
    return _whole_minute(when).replace(minute=when.minute // 15 * 15)


async def test_ready_by_starts_the_heat_pump_when_planned_and_the_promise_is_met(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    heater: SimulatedHeater,
    logged: list[Event[dict[str, Any]]],
) -> None:
    hass.config_entries.async_update_entry(
        init_integration,
        options={CONF_SETBACK_TEMPERATURE: 42.0, CONF_COMFORT_FLOOR_SHOWERS: 0.5},
    )
    await _cold_tank(hass, simulator, heater)
    now = dt_util.utcnow()
    promise = _quarter_hour(now + timedelta(hours=6))
    await _ready_by(hass, promise, 4)
    await switch(hass, "smart_heating", True)

    smart = _smart(init_integration)
    heating = _first(smart, ReasonCode.READY_BY)
    assert heating.mode == "heat_pump"
    assert heating.end == promise
    assert now + timedelta(hours=1) < heating.start < promise
    # Until then the tank is held at the set-back: nothing heats yet.
    await wait_for(hass, lambda: shows_plan(hass, heater))
    assert smart.plan is not None
    first = next(s for s in smart.plan.segments if s.reason.code not in HOLD_CODES)
    assert first.start > now
    assert state(hass, "sensor", "next_heating") == first.start.isoformat(
        timespec="seconds"
    )
    assert state(hass, "sensor", "ready_by_status") == "on_track"
    calendar = get_entity_id(hass, "calendar", "plan")
    events = await hass.services.async_call(
        "calendar",
        "get_events",
        {ATTR_ENTITY_ID: calendar, "start_date_time": now, "duration": {"hours": 8}},
        blocking=True,
        return_response=True,
    )
    local = dt_util.as_local(promise).strftime("%-I:%M %p")  # English: 12 hours
    assert {
        "start": heating.start.isoformat(),
        "end": heating.end.isoformat(),
        "summary": f"Heating to {heating.setpoint_c:g} °C: 160 L ready by {local}",
        "description": f"Heating to {heating.setpoint_c:g} °C: 160 L ready by {local}",
    } in events[calendar]["events"]  # type: ignore[operator, index]

    await run_until(hass, now, heating.start + timedelta(seconds=1))
    started = _first(smart, ReasonCode.READY_BY)
    await wait_for(
        hass,
        lambda: (heater.mode, heater.setpoint) == (HEAT_PUMP, started.setpoint_c * 2),
    )
    assert messages(logged)[-1] == "smart_ready_by"
    simulator.advance(10 * 60)
    await reported(hass)
    await push(hass, simulator)
    status = init_integration.runtime_data.data.heaters[DEMO_MAC].status
    assert status is not None
    assert status.comp_use is True  # the heat pump, and only it, heats
    assert not status.heat_upper_use
    assert not status.heat_lower_use

    simulator.advance((promise - heating.start).total_seconds() - 10 * 60)
    await reported(hass)
    await push(hass, simulator)
    await run_until(hass, heating.start, promise + timedelta(seconds=1))

    assert smart.last_result is not None
    assert smart.last_result[1] is True
    assert heater.hot_water_litres() >= 4 * 40
    assert state(hass, "sensor", "ready_by_status") == "met"


async def test_cheap_hours_hold_the_set_back_through_the_price_peak(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    heater: SimulatedHeater,
    logged: list[Event[dict[str, Any]]],
) -> None:
    now = dt_util.utcnow()
    hour = now.replace(minute=0, second=0, microsecond=0)
    peak_end = hour + timedelta(hours=4)

    def price(start: datetime) -> float:
        return 0.60 if start < peak_end else 0.10

    hass.states.async_set(
        PRICE,
        "0.60",
        {
            "raw_today": [
                {
                    "start": (hour + timedelta(hours=h)).isoformat(),
                    "end": (hour + timedelta(hours=h + 1)).isoformat(),
                    "value": price(hour + timedelta(hours=h)),
                }
                for h in range(-1, 30)
            ]
        },
    )
    hass.config_entries.async_update_entry(
        init_integration,
        options={
            CONF_PRICE_ENTITY: PRICE,
            CONF_SETBACK_TEMPERATURE: 42.0,
            CONF_COMFORT_FLOOR_SHOWERS: 0.5,
        },
    )
    await _cold_tank(hass, simulator, heater)
    promise = _whole_minute(now + timedelta(hours=9))
    await _ready_by(hass, promise, 4)
    await switch(hass, "smart_heating", True)

    # From the first whole slot on, the tank is held through the peak.
    settled = _whole_minute(now) + timedelta(minutes=16)
    await run_until(hass, now, settled)
    smart = _smart(init_integration)
    assert smart.plan is not None
    held = smart.plan.segment_at(settled)
    assert held is not None, smart.plan
    assert held.reason.code in PEAK_CODES
    through_peak = [
        s for s in smart.plan.segments if s.start < peak_end and s.end > settled
    ]
    # Held (the set-back, or less while the tank coasts) in one or more slots.
    assert all(
        s.reason.code in PEAK_CODES and s.setpoint_c <= 42.0 for s in through_peak
    )
    assert through_peak[-1].end == peak_end
    await wait_for(hass, lambda: shows_plan(hass, heater))
    assert messages(logged)[-1] == f"smart_{held.reason.code}"
    # The logbook names the set-point sent (the comfort floor while coasting).
    assert logged[-1].data["placeholders"]["setpoint"] == f"{held.setpoint_c:g} °C"
    assert logged[-1].data["placeholders"]["until"] == dt_util.as_local(
        peak_end
    ).strftime("%-I:%M %p")
    cheap = _first(smart, ReasonCode.CHEAP_HOURS)
    assert cheap.start >= peak_end

    await run_until(hass, settled, peak_end - timedelta(minutes=1))
    assert smart.plan is not None
    assert smart.plan.segments[0].reason.code in PEAK_CODES
    assert shows_plan(hass, heater)
    assert "smart_cheap_hours" not in messages(logged)[-1:]
    await run_until(hass, peak_end - timedelta(minutes=1), cheap.start)
    heating = _first(smart, ReasonCode.CHEAP_HOURS)
    if heating.start > cheap.start:
        # At one price all night, a new plan may start a slot or two later.
        assert heating.start < promise
        await run_until(hass, cheap.start, heating.start)
        heating = _first(smart, ReasonCode.CHEAP_HOURS)
    await wait_for(
        hass,
        lambda: (heater.mode, heater.setpoint) == (HEAT_PUMP, heating.setpoint_c * 2),
    )
    assert messages(logged)[-1] == "smart_cheap_hours"


async def test_solar_surplus_raises_the_set_point_while_it_lasts(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    heater: SimulatedHeater,
    logged: list[Event[dict[str, Any]]],
) -> None:
    hass.states.async_set(EXPORT, "0", {"unit_of_measurement": "W"})
    hass.config_entries.async_update_entry(
        init_integration,
        options={CONF_SURPLUS_ENTITY: EXPORT, CONF_STORAGE_MAX_TEMPERATURE: 65.0},
    )
    await switch(hass, "smart_heating", True)
    await wait_for(hass, lambda: shows_plan(hass, heater))

    hass.states.async_set(EXPORT, "2.5", {"unit_of_measurement": "kW"})
    await wait_for(hass, lambda: (heater.mode, heater.setpoint) == (HEAT_PUMP, 130))
    assert messages(logged)[-1] == "smart_solar_surplus"
    assert 0 < int(logged[-1].data["placeholders"]["watts"]) <= 2500

    hass.states.async_set(EXPORT, "0", {"unit_of_measurement": "W"})
    await hass.async_block_till_done(wait_background_tasks=True)  # planned again
    await wait_for(hass, lambda: shows_plan(hass, heater))
    assert messages(logged)[-1] == "smart_set_back_coast"  # the tank is still full
    assert state(hass, SWITCH_DOMAIN, "smart_heating") == "on"


async def test_without_a_price_sensor_the_heater_tou_plan_sets_the_prices(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The simulator's plan: weekdays dear from 16:00 to 21:00, weekends flat."""
    coordinator = init_integration.runtime_data
    await wait_for(hass, lambda: bool(coordinator.tou_plans[DEMO_MAC].data))
    hass.config_entries.async_update_entry(
        init_integration, options={CONF_PRICE_FROM_TOU: True}
    )
    now = dt_util.utcnow()
    await switch(hass, "smart_heating", True)

    smart = _smart(init_integration)
    assert smart.plan is not None
    peaks = [s for s in smart.plan.segments if s.reason.code in PEAK_CODES]
    for peak in peaks:
        start, end = dt_util.as_local(peak.start), dt_util.as_local(peak.end)
        assert start.weekday() < 5
        assert start.hour >= 16
        assert (end.hour, end.minute) <= (21, 0)
    today = dt_util.as_local(now).date()
    weekday_peaks = [
        dt_util.as_utc(datetime.combine(day, time(16), dt_util.get_default_time_zone()))
        for day in (today + timedelta(days=d) for d in range(3))
        if day.weekday() < 5
    ]
    assert bool(peaks) == any(
        now < at and at + timedelta(hours=5) < now + timedelta(hours=36)
        for at in weekday_peaks
    )


async def test_a_burst_of_surplus_changes_makes_one_more_plan_not_one_each(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    heater: SimulatedHeater,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Plans are made off the event loop, one at a time; the last one sees the last value."""
    hass.states.async_set(EXPORT, "0", {"unit_of_measurement": "W"})
    hass.config_entries.async_update_entry(
        init_integration, options={CONF_SURPLUS_ENTITY: EXPORT}
    )
    await switch(hass, "smart_heating", True)
    await wait_for(hass, lambda: shows_plan(hass, heater))
    await hass.async_block_till_done(wait_background_tasks=True)  # no plan under way
    loop = asyncio.get_running_loop()
    planning, released = asyncio.Event(), threading.Event()
    seen_watts: list[float] = []

    def held_plan(request: PlanRequest) -> Plan:
        seen_watts.append(max((p.watts for p in request.surplus), default=0.0))
        loop.call_soon_threadsafe(planning.set)
        released.wait(30)  # the plan under way, in an executor thread
        return make_plan(request)

    monkeypatch.setattr(smart_heating, "make_plan", held_plan)
    hass.states.async_set(EXPORT, "100", {"unit_of_measurement": "W"})
    await asyncio.wait_for(planning.wait(), 30)  # the loop runs on meanwhile
    for watts in range(200, 1100, 100):
        hass.states.async_set(EXPORT, str(watts), {"unit_of_measurement": "W"})
    released.set()
    await hass.async_block_till_done(wait_background_tasks=True)

    assert seen_watts == [100.0, 1000.0]
