"""Prices and surplus read from the owner's entities, and the demo's own entities."""

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from homeassistant.util.yaml import parse_yaml
import pytest

from custom_components.navien_nwp500.smart_inputs import (
    price_periods,
    surplus_periods,
    surplus_watts,
    tou_periods,
)
from script.demo.config_dir import SMART_HEATING_INPUTS_YAML

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

PRICE = "sensor.price"


async def test_nord_pool_raw_lists_give_the_forecast(hass: HomeAssistant) -> None:
    now = dt_util.utcnow().replace(minute=0, second=0, microsecond=0)
    hours = [now + timedelta(hours=h) for h in range(-2, 3)]
    hass.states.async_set(
        PRICE,
        "0.2",
        {
            "raw_today": [
                {"start": h, "end": h + timedelta(hours=1), "value": i}
                for i, h in enumerate(hours)
            ],
            "today": [9, 9, 9],
        },
    )
    periods = price_periods(hass.states.get(PRICE), now + timedelta(minutes=30))
    assert [(p.start, p.price) for p in periods] == [
        (hours[2], 2.0),
        (hours[3], 3.0),
        (hours[4], 4.0),
    ]


async def test_tibber_and_octopus_style_forecasts(hass: HomeAssistant) -> None:
    now = dt_util.utcnow().replace(minute=0, second=0, microsecond=0)
    hass.states.async_set(
        PRICE,
        "0.3",
        {"today": [], "tomorrow": [{"startsAt": now.isoformat(), "total": 0.25}]},
    )
    tibber = price_periods(hass.states.get(PRICE), now)
    assert [(p.start, p.end, p.price) for p in tibber] == [
        (now, now + timedelta(hours=1), 0.25)
    ]
    half = now + timedelta(minutes=30)
    hass.states.async_set(
        PRICE,
        "0.3",
        {
            "rates": [
                {
                    "start": now.isoformat(),
                    "end": half.isoformat(),
                    "value_inc_vat": 0.1,
                }
            ]
        },
    )
    octopus = price_periods(hass.states.get(PRICE), now)
    assert [(p.start, p.end, p.price) for p in octopus] == [(now, half, 0.1)]


async def test_a_price_without_forecast_holds_for_an_hour(hass: HomeAssistant) -> None:
    now = dt_util.utcnow()
    hass.states.async_set(PRICE, "0.42")
    assert [
        (p.start, p.end, p.price) for p in price_periods(hass.states.get(PRICE), now)
    ] == [(now, now + timedelta(hours=1), 0.42)]
    hass.states.async_set(PRICE, "unavailable")
    assert price_periods(hass.states.get(PRICE), now) == ()


async def test_surplus_in_kw_or_w_and_nothing_when_unknown(hass: HomeAssistant) -> None:
    hass.states.async_set("sensor.export", "1.5", {"unit_of_measurement": "kW"})
    assert surplus_watts(hass.states.get("sensor.export")) == 1500
    hass.states.async_set("sensor.export", "-300", {"unit_of_measurement": "W"})
    assert surplus_watts(hass.states.get("sensor.export")) == 0
    hass.states.async_set("sensor.export", "unknown")
    assert surplus_periods(hass.states.get("sensor.export"), dt_util.utcnow()) == ()


@pytest.mark.parametrize("expected_lingering_timers", [True])
async def test_the_demo_offers_a_price_with_a_forecast_and_a_surplus(
    hass: HomeAssistant,
) -> None:
    """The entities script/demo writes into configuration.yaml read as our inputs."""
    config = parse_yaml(SMART_HEATING_INPUTS_YAML)
    assert await async_setup_component(hass, "input_number", config)
    assert await async_setup_component(hass, "template", config)
    await hass.async_block_till_done()

    now = dt_util.utcnow()
    periods = price_periods(hass.states.get("sensor.demo_electricity_price"), now)
    assert len(periods) >= 24
    assert {p.price for p in periods} == {0.2, 0.2 * 3}
    peak = [p for p in periods if p.price > 0.2]
    assert {dt_util.as_local(p.start).hour for p in peak} == {16, 17, 18, 19, 20}

    await hass.services.async_call(
        "input_number",
        "set_value",
        {"entity_id": "input_number.demo_grid_export", "value": 2500},
        blocking=True,
    )
    await hass.async_block_till_done()
    assert surplus_watts(hass.states.get("sensor.demo_grid_export")) == 2500


def test_the_heater_tou_plan_gives_prices() -> None:
    """The middle of each period's price range, per kWh (decimalPoint 5)."""
    zone = dt_util.get_default_time_zone()
    monday = datetime(2026, 7, 6, 0, 0, tzinfo=zone)
    period = {"week": 124, "decimalPoint": 5}  # Monday to Friday
    plan = {
        "touInfo": {
            "schedule": [
                {
                    "season": 0b1111_1111_1111,
                    "interval": [
                        period
                        | {"startHour": 0, "startMinute": 0, "endHour": 15}
                        | {"endMinute": 59, "priceMin": 40378, "priceMax": 50495},
                        period
                        | {"startHour": 16, "startMinute": 0, "endHour": 20}
                        | {"endMinute": 59, "priceMin": 50678, "priceMax": 60795},
                    ],
                }
            ]
        }
    }
    periods = tou_periods(plan, monday, timedelta(hours=24))
    assert [(p.start.hour, p.end.hour, round(p.price, 6)) for p in periods] == [
        (0, 16, round((0.40378 + 0.50495) / 2, 6)),
        (16, 21, round((0.50678 + 0.60795) / 2, 6)),
    ]
    assert tou_periods({}, monday, timedelta(hours=24)) == ()
