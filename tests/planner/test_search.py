"""The cost-aware search behind cheap hours and solar, checked on the simulator's tank."""

from __future__ import annotations

import random

from custom_components.navien_nwp500.planner import (
    Mode,
    PricePeriod,
    Promise,
    ReasonCode,
    Strategy,
    SurplusPeriod,
    TankState,
    make_plan,
)
from custom_components.navien_nwp500.planner.model import DEFAULT_DELIVERY_CURVE
from custom_components.navien_nwp500.planner.tank_model import TankModel
from navilink_sim.tank import POWER_OFF, Tank

from .follow import RATES, at, deliverable, follow, request

CHEAP_AND_SOLAR = frozenset({Strategy.CHEAP_HOURS, Strategy.SOLAR_SURPLUS})
HEATING = {
    ReasonCode.READY_BY,
    ReasonCode.CHEAP_HOURS,
    ReasonCode.HYBRID_BOOST,
    ReasonCode.SOLAR_SURPLUS,
}
MODEL = TankModel(246.0, 15.0, DEFAULT_DELIVERY_CURVE, RATES)


def _flat(price: float) -> tuple[PricePeriod, ...]:
    return tuple(PricePeriod(at(h), at(h + 1), price) for h in range(36))


def _heating(plan_segments: tuple) -> list:
    return [s for s in plan_segments if s.reason.code in HEATING]


def test_a_big_draw_cools_the_bottom_far_below_the_mean() -> None:
    mean_after = MODEL.after_draw(60.0, 144.0)
    bottom_after = MODEL.lower_after_draw(60.0, 144.0)
    assert bottom_after < mean_after - 5.0, "cold water fills the bottom first"
    assert MODEL.lower_after_draw(60.0, 10.0) > 57.5, "a small draw barely cools it"


def test_the_layered_draw_matches_the_simulated_tank() -> None:
    """Two showers from a mixed tank leave the simulator's layers where the model says."""
    for start_c in (52.0, 58.0, 64.0):
        sim = Tank(random.Random(1), draw_interval=None)
        sim.upper = sim.lower = start_c
        for _ in range(16):  # 144 L of 40 °C water, 9 L a minute
            sim.start_draw(9.0 * 25 / (sim.upper - 15), 60.0)
            sim.step(60.0, POWER_OFF, 40.0)
        upper, lower = MODEL.draw_layers(start_c, 144.0)
        assert abs(upper - sim.upper) < 0.3
        assert abs(lower - sim.lower) < 0.3


def test_a_layered_tank_counts_the_hot_water_of_its_top() -> None:
    """A hot top over a cold bottom delivers what the simulator's tank delivers."""
    for upper, lower in ((53.5, 36.4), (60.0, 36.0), (44.8, 32.9)):
        sim = Tank(random.Random(1), draw_interval=None)
        sim.upper, sim.lower = upper, lower
        litres = MODEL.usable_litres(MODEL.equivalent_mean(upper, lower))
        assert litres > MODEL.usable_litres((upper + lower) / 2) + 10
        assert abs(litres - deliverable(sim)) < 8.0


def test_partial_surplus_is_used_for_a_promise_at_a_flat_price() -> None:
    """Export below the heat pump's draw still pays for part of it: heat then."""
    promise = Promise(at(8), 144.0)
    weak_sun = (SurplusPeriod(at(1), at(5), 300.0),)
    plan = make_plan(
        request(
            promises=(promise,),
            prices=_flat(0.45),
            surplus=weak_sun,
            export_price=0.05,
            strategies=CHEAP_AND_SOLAR,
        )
    )

    heating = _heating(plan.segments)
    assert heating
    assert all(at(1) <= s.start and s.end <= at(5) for s in heating)
    assert all(s.mode is Mode.HEAT_PUMP for s in heating)
    followed = follow(plan, TankState(44.0, 42.0), (promise,), 9)
    assert followed.litres_at_promise[promise.at] >= promise.litres
    assert followed.lowest_litres >= 40.0
    assert followed.element_minutes == 0


def test_surplus_is_stored_late_in_a_long_sunny_spell_and_still_fills_the_tank() -> (
    None
):
    """Stored heat cools: with more sun than the tank needs, store it at the end."""
    sun = (SurplusPeriod(at(6), at(16), 2500.0),)
    plan = make_plan(
        request(surplus=sun, export_price=0.05, strategies=CHEAP_AND_SOLAR)
    )

    stored = [s for s in plan.segments if s.reason.code is ReasonCode.SOLAR_SURPLUS]
    assert stored
    assert stored[0].start > at(8), "no need to start with the first sun"
    assert at(15) <= stored[-1].end <= at(16), "stored in the spell's last hour"
    assert all(s.setpoint_c == 65.0 for s in stored)
    followed = follow(plan, TankState(44.0, 42.0), (), 16.5)
    assert followed.mean_c[at(16)] > 60.0


def test_the_search_reports_a_promise_no_heating_can_keep() -> None:
    impossible = Promise(at(0.3), 300.0)
    plan = make_plan(
        request(
            tank=TankState(30.0, 25.0),
            promises=(impossible,),
            prices=_flat(0.3),
            strategies=CHEAP_AND_SOLAR,
        )
    )
    assert plan.unmet == (impossible,)
    assert any(s.mode is Mode.HIGH_DEMAND for s in plan.segments), "it still tries"


def test_the_element_stays_a_last_resort_even_in_cheap_hours() -> None:
    """The element runs only when the heat pump cannot keep a promise.

    Hybrid heating in a cheap hour would cost less than the heat pump later.
    """
    cheap_night = tuple(
        PricePeriod(at(h), at(h + 1), 0.05 if h < 3 else 0.60) for h in range(36)
    )
    promise = Promise(at(8), 184.0)
    plan = make_plan(
        request(promises=(promise,), prices=cheap_night, strategies=CHEAP_AND_SOLAR)
    )
    assert all(s.mode is Mode.HEAT_PUMP for s in plan.segments)
    followed = follow(plan, TankState(44.0, 42.0), (promise,), 9)
    assert followed.litres_at_promise[promise.at] >= promise.litres


def test_no_grid_heating_before_showers_that_leave_the_bottom_above_its_trigger() -> (
    None
):
    """A warm tank keeps the showers and stays off until the sun pays for heating.

    The showers leave the bottom a little above where the heat pump restarts by
    itself: heating before them from the grid only to keep it warmer is waste.
    """
    warm = TankState(61.6, 57.2)
    showers = Promise(at(1), 144.0)
    sun = (SurplusPeriod(at(3), at(10), 800.0),)
    plan = make_plan(
        request(
            tank=warm,
            promises=(showers,),
            prices=_flat(0.45),
            surplus=sun,
            export_price=0.05,
            strategies=CHEAP_AND_SOLAR,
        )
    )

    assert not [s for s in _heating(plan.segments) if s.start < at(3)]
    followed = follow(plan, warm, (showers,), 3)
    assert followed.compressor_minutes == 0, "no restart before the sun either"
    assert followed.litres_at_promise[showers.at] >= showers.litres
    assert followed.lowest_litres >= 40.0
