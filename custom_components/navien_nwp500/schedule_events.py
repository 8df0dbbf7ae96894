"""Calendar events of a heater's reservation schedule and of its TOU plan (pure).

Times are the heater's local time, taken to be Home Assistant's time zone.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import TYPE_CHECKING, Any, Final

from .navilink.codec import ReservationMode

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping
    from datetime import tzinfo

    from .navilink.codec import ReservationEntry, ReservationSchedule

# §7.5: Monday = 64 ... Saturday = 2, Sunday = 128, by Python's weekday().
WEEKDAY_BITS: Final = (64, 32, 16, 8, 4, 2, 128)
RRULE_DAYS: Final = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
SCHEDULED_MODES: Final = frozenset(
    {
        ReservationMode.HEAT_PUMP,
        ReservationMode.ELECTRIC,
        ReservationMode.ENERGY_SAVER,
        ReservationMode.HIGH_DEMAND,
        ReservationMode.POWER_OFF,
    }
)
TEMPERATURE_MODES: Final = frozenset(
    {
        ReservationMode.HEAT_PUMP,
        ReservationMode.ELECTRIC,
        ReservationMode.ENERGY_SAVER,
        ReservationMode.HIGH_DEMAND,
    }
)


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One event: a reservation in force, or a TOU price period."""

    uid: str
    start: datetime
    end: datetime
    summary: str
    description: str
    rrule: str | None = None
    price: float | None = None
    """A TOU period's price per kWh (the middle of its range); None if unknown."""


def _days(start: datetime, end: datetime) -> Iterator[date]:
    day = start.date() - timedelta(days=1)
    while day <= end.date():
        yield day
        day += timedelta(days=1)


def weekly_rule(week: int) -> str:
    """Return the iCalendar rule of a §7.5 weekday bitfield."""
    days = [
        name for bit, name in zip(WEEKDAY_BITS, RRULE_DAYS, strict=True) if week & bit
    ]
    return "FREQ=WEEKLY;BYDAY=" + ",".join(days)


def reservation_occurrences(
    schedule: ReservationSchedule,
    start: datetime,
    end: datetime,
    zone: tzinfo,
    *,
    mode_name: Callable[[ReservationMode], str],
    format_temperature: Callable[[float], str],
) -> list[Occurrence]:
    """Occurrences of the enabled entries that overlap [start, end).

    Each runs from its time until the next entry takes over, since the heater
    stays in an entry's mode until then; its summary is the mode, its
    description the mode and temperature. A disabled schedule has none.
    """
    if not schedule.reservation_use:
        return []
    entries = [
        (index, entry)
        for index, entry in enumerate(schedule.entries)
        if entry.enabled and entry.week & 0xFE and entry.mode in SCHEDULED_MODES
    ]
    # Look a week beyond both ends, so every occurrence knows its successor.
    starts: list[tuple[datetime, int, ReservationEntry]] = []
    for day in _days(start - timedelta(days=7), end + timedelta(days=7)):
        bit = WEEKDAY_BITS[day.weekday()]
        for index, entry in entries:
            if entry.week & bit:
                at = datetime.combine(day, time(entry.hour, entry.minute), zone)
                starts.append((at, index, entry))
    starts.sort(key=lambda item: (item[0], item[1]))
    found = []
    for (at, index, entry), following in pairwise(starts):
        until = following[0]
        if until <= at or until <= start or at >= end:
            continue
        mode = mode_name(entry.mode)
        if entry.mode in TEMPERATURE_MODES:
            mode_and_temperature = f"{mode}, {format_temperature(entry.temperature)}"
        else:
            mode_and_temperature = mode
        found.append(
            Occurrence(
                uid=f"reservation-{index}",
                start=at,
                end=until,
                summary=mode,
                description=mode_and_temperature,
                rrule=weekly_rule(entry.week),
            )
        )
    return found


def _price(raw: Mapping[str, Any], key: str) -> float | None:
    value, decimals = raw.get(key), raw.get("decimalPoint", 0)
    if not isinstance(value, int) or not isinstance(decimals, int):
        return None
    return float(value / 10**decimals)


def _clock(hour: Any, minute: Any) -> time | None:
    if not isinstance(hour, int) or not isinstance(minute, int):
        return None
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return time(hour, minute)


def tou_occurrences(
    plan: Mapping[str, Any],
    start: datetime,
    end: datetime,
    zone: tzinfo,
    currency: str,
    *,
    format_number: Callable[[float], str] = "{:g}".format,
    unknown_price: str = "",
) -> list[Occurrence]:
    """Price periods of the cloud TOU plan (§2.8) that overlap [start, end).

    A period's end minute is inclusive (``endMinute`` 59 ends at the hour).
    ``format_number`` writes a price in the user's language; ``unknown_price``
    is the summary of a period without one, in the user's language.
    """
    info = plan.get("touInfo")
    schedule = info.get("schedule") if isinstance(info, dict) else None
    if not isinstance(schedule, list):
        return []
    name = str(info.get("name") or "") if isinstance(info, dict) else ""
    utility = str(info.get("utility") or "") if isinstance(info, dict) else ""
    found = []
    for day in _days(start, end):
        month_bit, day_bit = 1 << (day.month - 1), WEEKDAY_BITS[day.weekday()]
        for season in schedule:
            if not isinstance(season, dict):
                continue
            months = season.get("season")
            periods = season.get("interval")
            if not isinstance(months, int) or not months & month_bit:
                continue
            for index, period in enumerate(
                periods if isinstance(periods, list) else []
            ):
                occurrence = _tou_period(
                    period,
                    day,
                    day_bit,
                    zone,
                    currency,
                    format_number=format_number,
                    unknown_price=unknown_price,
                )
                if (
                    occurrence is None
                    or occurrence.end <= start
                    or occurrence.start >= end
                ):
                    continue
                found.append(
                    Occurrence(
                        uid=f"tou-{months}-{index}",
                        start=occurrence.start,
                        end=occurrence.end,
                        summary=occurrence.summary,
                        description=f"{name}\n{utility}".strip(),
                        price=occurrence.price,
                    )
                )
    found.sort(key=lambda occurrence: occurrence.start)
    return found


def _tou_period(
    period: Any,
    day: date,
    day_bit: int,
    zone: tzinfo,
    currency: str,
    *,
    format_number: Callable[[float], str],
    unknown_price: str,
) -> Occurrence | None:
    if not isinstance(period, dict):
        return None
    week = period.get("week")
    first = _clock(period.get("startHour"), period.get("startMinute"))
    last = _clock(period.get("endHour"), period.get("endMinute"))
    low, high = _price(period, "priceMin"), _price(period, "priceMax")
    if not isinstance(week, int) or not week & day_bit or first is None or last is None:
        return None
    begins = datetime.combine(day, first, zone)
    ends = datetime.combine(day, last, zone)
    if last.minute == 59:
        ends += timedelta(minutes=1)
    if ends <= begins:
        return None
    if low is None or high is None:
        price = unknown_price
    elif low == high:
        price = f"{format_number(low)} {currency}/kWh"
    else:
        price = f"{format_number(low)}-{format_number(high)} {currency}/kWh"
    middle = None if low is None or high is None else (low + high) / 2
    return Occurrence("", begins, ends, price, "", price=middle)
