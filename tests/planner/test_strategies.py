"""The planner's strategies, each checked by following its plan on the simulator's tank."""

from __future__ import annotations

from datetime import datetime

from custom_components.navien_nwp500.planner import (
    HeaterLimits,
    Mode,
    PricePeriod,
    Promise,
    ReasonCode,
    Strategy,
    SurplusPeriod,
    TankState,
    comfort_floor_setpoint,
    make_plan,
)

from .follow import LIMITS, NOW, at, follow, request

HEATING = {ReasonCode.READY_BY, ReasonCode.CHEAP_HOURS, ReasonCode.HYBRID_BOOST}


def _heating(plan_segments: tuple, codes: set[ReasonCode] = HEATING) -> list:
    return [s for s in plan_segments if s.reason.code in codes]


def test_ready_by_heats_late_with_the_heat_pump_and_keeps_the_promise() -> None:
    promise = Promise(at(8), 144.0)
    plan = make_plan(request(promises=(promise,)))

    heating = _heating(plan.segments)
    assert heating, "a cool tank needs heating for two showers"
    assert all(s.mode is Mode.HEAT_PUMP for s in heating)
    assert heating[-1].end == promise.at
    assert heating[0].start > at(4), "ready-by starts as late as it can"
    assert heating[0].reason.params["ready_by"] == promise.at.isoformat()
    followed = follow(plan, TankState(44.0, 42.0), (promise,), 9)
    assert followed.litres_at_promise[promise.at] >= promise.litres
    assert followed.element_minutes == 0
    assert followed.lowest_litres >= 40.0
    assert plan.unmet == ()


def test_hybrid_only_when_the_heat_pump_cannot_make_it() -> None:
    cold = TankState(46.0, 42.0)
    in_time = make_plan(request(tank=cold, promises=(Promise(at(10), 144.0),)))
    assert all(s.mode is Mode.HEAT_PUMP for s in in_time.segments)

    soon = Promise(at(1), 144.0)
    rushed = make_plan(request(tank=cold, promises=(soon,)))
    boosts = _heating(rushed.segments, {ReasonCode.HYBRID_BOOST})
    assert boosts
    assert all(s.mode is Mode.HIGH_DEMAND for s in boosts)
    followed = follow(rushed, cold, (soon,), 3)
    assert followed.litres_at_promise[soon.at] >= soon.litres
    assert followed.lowest_litres >= 40.0


def test_a_promise_no_heating_can_keep_is_reported_unmet() -> None:
    cold = TankState(30.0, 25.0)
    impossible = Promise(at(0.3), 300.0)
    plan = make_plan(request(tank=cold, promises=(impossible,)))
    assert plan.unmet == (impossible,)


def test_the_comfort_floor_holds_through_draws_and_losses() -> None:
    floor = 120.0
    promise = Promise(at(5), 100.0)
    req = request(
        tank=TankState(50.0, 50.0), comfort_floor_litres=floor, promises=(promise,)
    )
    plan = make_plan(req)

    floor_c = comfort_floor_setpoint(LIMITS, floor)
    assert floor_c > 42.0, "this floor needs more than the set-back"
    assert all(s.setpoint_c >= floor_c for s in plan.segments)
    followed = follow(plan, req.tank, (promise,), 36)
    assert followed.litres_at_promise[promise.at] >= promise.litres + floor
    assert followed.lowest_litres >= floor


def _tariff(cheap_from: float, cheap_to: float) -> tuple[PricePeriod, ...]:
    return tuple(
        PricePeriod(at(h), at(h + 1), 0.10 if cheap_from <= h < cheap_to else 0.60)
        for h in range(36)
    )


def test_cheap_hours_heat_in_the_cheap_window_and_hold_through_the_peak() -> None:
    promise = Promise(at(8), 144.0)
    prices = _tariff(1, 4)
    cheap = make_plan(
        request(
            promises=(promise,),
            prices=prices,
            strategies=frozenset({Strategy.CHEAP_HOURS}),
        )
    )
    heating = _heating(cheap.segments)
    assert heating
    assert all(at(1) <= s.start and s.end <= at(4) for s in heating)
    assert {s.reason.code for s in heating} == {ReasonCode.CHEAP_HOURS}
    followed = follow(cheap, TankState(44.0, 42.0), (promise,), 9)
    assert followed.litres_at_promise[promise.at] >= promise.litres

    peak = next(s for s in cheap.segments if s.reason.code is ReasonCode.PRICE_PEAK)
    assert comfort_floor_setpoint(LIMITS, 40.0) <= peak.setpoint_c <= 42.0
    assert peak.reason.params["setpoint"] == 42.0
    assert datetime.fromisoformat(str(peak.reason.params["until"])) == peak.end

    ready_by = make_plan(request(promises=(promise,), prices=prices))
    assert all(s.start >= at(4) for s in _heating(ready_by.segments)), (
        "without cheap hours the same promise is heated for late"
    )


def test_solar_surplus_is_stored_with_the_heat_pump_first() -> None:
    def surplus(watts: float) -> tuple[SurplusPeriod, ...]:
        return (SurplusPeriod(at(10), at(14), watts),)

    solar = frozenset({Strategy.READY_BY, Strategy.SOLAR_SURPLUS})
    plan = make_plan(request(surplus=surplus(2000.0), strategies=solar))
    stored = _heating(plan.segments, {ReasonCode.SOLAR_SURPLUS})
    assert [(s.start, s.end, s.mode, s.setpoint_c) for s in stored] == [
        (at(10), at(14), Mode.HEAT_PUMP, 65.0)
    ]
    followed = follow(plan, TankState(44.0, 42.0), (), 15)
    assert followed.mean_c[at(14)] > 55.0
    assert followed.element_minutes == 0

    big = make_plan(request(surplus=surplus(7000.0), strategies=solar))
    assert {s.mode for s in _heating(big.segments, {ReasonCode.SOLAR_SURPLUS})} == {
        Mode.HIGH_DEMAND
    }
    small = make_plan(request(surplus=surplus(300.0), strategies=solar))
    assert not _heating(small.segments, {ReasonCode.SOLAR_SURPLUS})
    ignored = make_plan(request(surplus=surplus(2000.0)))
    assert not _heating(ignored.segments, {ReasonCode.SOLAR_SURPLUS})


def test_set_points_stay_within_the_heaters_limits() -> None:
    narrow = HeaterLimits(min_setpoint_c=45.0, max_setpoint_c=55.0, start_margin_k=4.5)
    plan = make_plan(
        request(
            limits=narrow,
            setback_c=40.0,
            surplus_max_c=65.0,
            promises=(Promise(at(6), 200.0),),
            surplus=(SurplusPeriod(at(10), at(14), 2000.0),),
            strategies=frozenset({Strategy.READY_BY, Strategy.SOLAR_SURPLUS}),
        )
    )
    assert plan.segments
    assert all(45.0 <= s.setpoint_c <= 55.0 for s in plan.segments)


def test_segments_cover_the_horizon_without_gaps() -> None:
    plan = make_plan(request(promises=(Promise(at(8), 144.0),)))
    assert plan.segments[0].start == NOW
    assert plan.segments[-1].end == at(36)
    for before, after in zip(plan.segments, plan.segments[1:], strict=False):
        assert before.end == after.start


def test_nothing_is_planned_for_an_offline_heater_or_on_vacation() -> None:
    offline = make_plan(request(limits=HeaterLimits(online=False)))
    assert (offline.segments, offline.skipped) == ((), "offline")
    away = make_plan(request(limits=HeaterLimits(vacation=True)))
    assert (away.segments, away.skipped) == ((), "vacation")
