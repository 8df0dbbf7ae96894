"""Prices and solar surplus for the planner, read from the owner's entities.

A price sensor gives its current price as its state and, where it offers one,
a forecast in its attributes:

- Nord Pool style: ``raw_today`` / ``raw_tomorrow``, lists of
  ``{"start", "end", "value"}``;
- Tibber style: ``today`` / ``tomorrow``, lists of ``{"startsAt", "total"}``
  (one hour each) or of plain hourly prices from local midnight;
- Octopus style: ``rates``, a list of ``{"start", "end", "value_inc_vat"}``.

Without a forecast the current price stands for the next hour. Without a
price sensor, the owner may take the prices of the heater's own cloud TOU
plan (the middle of each period's price range). A surplus
sensor gives the power exported now (W or kW); it stands for the next slot.
``heater_plan_request`` puts them in one heater's request to the planner.
"""

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

from homeassistant.const import UnitOfPower
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_conversion import PowerConverter

from .heat_pump_rate import NWP500_RATES
from .hot_water_options import hot_water_settings
from .planner import PricePeriod, SurplusPeriod
from .schedule_events import tou_occurrences
from .smart_request import SmartOptions, plan_request

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from homeassistant.core import HomeAssistant, State

    from .heater_state import HeaterSource, HeaterState
    from .planner import PlanRequest
    from .smart_request import HeaterSmartSettings

CURRENT_PRICE_SPAN: Final = timedelta(hours=1)
"""How long a price without a forecast is taken to hold."""
TOU_HORIZON: Final = timedelta(hours=36)
"""How far ahead the TOU plan's prices are read (the planner's horizon)."""
SURPLUS_SPAN: Final = timedelta(minutes=15)
"""How long the surplus read now is taken to last (it is read again on change)."""
_UNKNOWN: Final = frozenset({"unknown", "unavailable", ""})


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except TypeError, ValueError:
        return None


def _time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt_util.UTC)
    if isinstance(value, str):
        parsed = dt_util.parse_datetime(value)
        if parsed is not None and parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=dt_util.get_default_time_zone())
        return parsed
    return None


def _period(raw: Any, day_start: datetime, index: int) -> PricePeriod | None:
    """One forecast entry as a period; plain numbers are hours from ``day_start``."""
    if not isinstance(raw, dict):
        price = _number(raw)
        if price is None:
            return None
        hour = day_start + timedelta(hours=index)
        return PricePeriod(hour, hour + timedelta(hours=1), price)
    start = _time(raw.get("start", raw.get("startsAt")))
    end = _time(raw.get("end"))
    price = next(
        (
            _number(raw[key])
            for key in ("value", "total", "value_inc_vat", "price")
            if key in raw
        ),
        None,
    )
    if start is None or price is None:
        return None
    return PricePeriod(start, end or start + timedelta(hours=1), price)


def _forecast(state: State, now: datetime) -> list[PricePeriod]:
    """Return the forecast periods a price sensor offers in its attributes."""
    attributes = state.attributes
    midnight = dt_util.start_of_local_day(dt_util.as_local(now))
    days: Iterable[tuple[str, datetime]] = (
        ("raw_today", midnight),
        ("raw_tomorrow", midnight + timedelta(days=1)),
        ("today", midnight),
        ("tomorrow", midnight + timedelta(days=1)),
        ("rates", midnight),
    )
    periods: list[PricePeriod] = []
    for key, day_start in days:
        entries = attributes.get(key)
        if not isinstance(entries, list):
            continue
        if key == "today" and periods:  # Nord Pool has both: its raw lists win
            break
        for index, raw in enumerate(entries):
            if (period := _period(raw, day_start, index)) is not None:
                periods.append(period)
    return periods


def price_periods(state: State | None, now: datetime) -> tuple[PricePeriod, ...]:
    """Prices from ``now`` on: the sensor's forecast, else its current price."""
    if state is None or state.state in _UNKNOWN:
        return ()
    upcoming = [p for p in _forecast(state, now) if p.end > now]
    if upcoming:
        return tuple(sorted(upcoming, key=lambda period: period.start))
    price = _number(state.state)
    if price is None:
        return ()
    return (PricePeriod(now, now + CURRENT_PRICE_SPAN, price),)


def surplus_watts(state: State | None) -> float | None:
    """Return the power exported now, W; None when the sensor does not tell."""
    if state is None or state.state in _UNKNOWN:
        return None
    value = _number(state.state)
    if value is None:
        return None
    unit = state.attributes.get("unit_of_measurement") or UnitOfPower.WATT
    if unit in PowerConverter.VALID_UNITS:
        value = PowerConverter.convert(value, unit, UnitOfPower.WATT)
    return max(0.0, value)


def tou_periods(
    plan: Mapping[str, Any] | None, now: datetime, horizon: timedelta
) -> tuple[PricePeriod, ...]:
    """Prices of the heater's own cloud TOU plan from ``now`` to the horizon."""
    if not plan:
        return ()
    found = tou_occurrences(
        plan, now, now + horizon, dt_util.get_default_time_zone(), ""
    )
    return tuple(
        PricePeriod(o.start, o.end, o.price) for o in found if o.price is not None
    )


def plan_inputs(
    hass: HomeAssistant,
    options: SmartOptions,
    now: datetime,
    tou_plan: Mapping[str, Any] | None,
) -> tuple[tuple[PricePeriod, ...], tuple[SurplusPeriod, ...]]:
    """Read the prices and the surplus the options name (the price entity first)."""
    price = hass.states.get(options.price_entity) if options.price_entity else None
    surplus = (
        hass.states.get(options.surplus_entity) if options.surplus_entity else None
    )
    prices = price_periods(price, now)
    if not options.price_entity and options.price_from_tou:
        prices = tou_periods(tou_plan, now, TOU_HORIZON)
    return prices, surplus_periods(surplus, now)


def surplus_periods(state: State | None, now: datetime) -> tuple[SurplusPeriod, ...]:
    """Return the surplus read now, taken to last for the next slot."""
    watts = surplus_watts(state)
    if not watts:
        return ()
    return (SurplusPeriod(now, now + SURPLUS_SPAN, watts),)


def heater_online(coordinator: HeaterSource, mac: str) -> bool:
    """Whether a heater can be planned for: the cloud is reached and it answers."""
    return coordinator.last_update_success and coordinator.heater_available(mac)


def heater_plan_request(
    coordinator: HeaterSource,
    mac: str,
    heater: HeaterState,
    settings: HeaterSmartSettings,
    now: datetime,
) -> PlanRequest:
    """Return the planner's request for one heater, with the entry's options and inputs."""
    options = SmartOptions.from_options(coordinator.config_entry.options)
    tou = coordinator.tou_plans.get(mac)
    prices, surplus = plan_inputs(
        coordinator.hass, options, now, tou.data if tou is not None else None
    )
    return plan_request(
        heater,
        now=now,
        online=heater_online(coordinator, mac),
        options=options,
        settings=settings,
        hot_water=hot_water_settings(coordinator.config_entry.options),
        prices=prices,
        surplus=surplus,
        rates=coordinator.tanks.heat_pump_rate(mac).rates(NWP500_RATES),
    )
