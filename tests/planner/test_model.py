"""The planner's own tank model and its time slots."""

from __future__ import annotations

from datetime import timedelta

import pytest

from custom_components.navien_nwp500.planner import (
    Mode,
    PricePeriod,
    Promise,
    SurplusPeriod,
)
from custom_components.navien_nwp500.planner.model import DEFAULT_DELIVERY_CURVE
from custom_components.navien_nwp500.planner.tank_model import TankModel
from custom_components.navien_nwp500.planner.timeline import build_slots

from .follow import RATES, at, request

MODEL = TankModel(246.0, 15.0, DEFAULT_DELIVERY_CURVE, RATES)


@pytest.mark.parametrize(("mean_c", "litres"), DEFAULT_DELIVERY_CURVE)
def test_delivery_curve_points_and_their_inverse(mean_c: float, litres: float) -> None:
    assert MODEL.usable_litres(mean_c) == pytest.approx(litres)
    assert MODEL.temperature_for(litres) == pytest.approx(mean_c)


def test_delivery_between_points_and_beyond_the_ends() -> None:
    assert MODEL.usable_litres(48.5) == pytest.approx((102.0 + 184.5) / 2)
    assert MODEL.usable_litres(30.0) == 0.0
    assert MODEL.usable_litres(66.0) > 322.5


def test_heating_stops_at_the_ceiling_and_an_idle_tank_cools() -> None:
    cooled, hours = MODEL.step(50.0, None, 65.0, 1.0)
    assert 49.0 < cooled < 50.0
    assert hours == 0.0
    capped, hours = MODEL.step(64.0, Mode.HIGH_DEMAND, 65.0, 1.0)
    assert 64.0 < capped <= 65.0
    assert 0 < hours < 1.0
    warmer, hours = MODEL.step(45.0, Mode.HEAT_PUMP, 65.0, 1.0)
    heat_w = 1450.0 - (1450.0 - 1160.0) / 20 * 5  # the measured output at 45 °C
    loss_w = 1.6 * (45.0 - 21.0)
    assert warmer == pytest.approx(45.0 + (heat_w - loss_w) / (246 * 4.186 / 3.6))
    assert hours == 1.0


def test_a_draw_takes_its_heat_above_the_cold_water() -> None:
    assert MODEL.after_draw(50.0, 246.0) == pytest.approx(25.0)


def test_slots_follow_the_quarter_hours_and_average_prices_and_surplus() -> None:
    now = at(0) + timedelta(minutes=7)
    slots = build_slots(
        request(
            now=now,
            horizon=timedelta(hours=2),
            prices=(
                PricePeriod(at(0), at(0.375), 0.2),
                PricePeriod(at(0.375), at(3), 0.6),
            ),
            surplus=(SurplusPeriod(at(1), at(1.25), 800.0),),
            promises=(Promise(at(1.5), 50.0), Promise(at(0.1), 10.0)),
        )
    )
    assert (slots[0].start, slots[0].end) == (now, at(0.25))
    assert slots[1].price == pytest.approx((7.5 * 0.2 + 7.5 * 0.6) / 15)
    assert [s.surplus_w for s in slots if s.surplus_w] == [800.0]
    due = [s for s in slots if s.promises]
    assert [(s.start, s.draw_litres) for s in due] == [(at(1.5), 50.0)]
    assert slots[-1].end == now + timedelta(hours=2)
