"""Calendar events computed from a reservation schedule and a TOU plan."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from custom_components.navien_nwp500.navilink.codec.enums import ReservationMode
from custom_components.navien_nwp500.navilink.codec.models import (
    ReservationEntry,
    ReservationSchedule,
)
from custom_components.navien_nwp500.schedule_events import (
    reservation_occurrences,
    tou_occurrences,
    weekly_rule,
)

ZONE = ZoneInfo("Europe/Berlin")
MONDAY = datetime(2026, 11, 2, tzinfo=ZONE)
WEEKDAYS = 124
SATURDAY = 2


def entry(
    hour: int, mode: ReservationMode, week: int = WEEKDAYS, *, enabled: bool = True
) -> ReservationEntry:
    """Build an entry at ``hour``:00 at 60 °C."""
    return ReservationEntry(
        enabled=enabled, week=week, hour=hour, minute=0, mode=mode, temperature=60.0
    )


def mode_name(mode: ReservationMode) -> str:
    """Name a mode as the English translation does."""
    return mode.name.replace("_", " ").capitalize()


def celsius(value: float) -> str:
    """Format like the calendar does for a metric system."""
    return f"{value:g} °C"


def test_weekly_rule_lists_the_days() -> None:
    """Monday to Friday, and Saturday plus Sunday."""
    assert weekly_rule(WEEKDAYS) == "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
    assert weekly_rule(130) == "FREQ=WEEKLY;BYDAY=SA,SU"


def test_an_entry_lasts_until_the_next_takes_over() -> None:
    """Weekday entries at 6 and 22 h: each event ends where the next begins."""
    schedule = ReservationSchedule(
        reservation_use=True,
        entries=(
            entry(6, ReservationMode.HIGH_DEMAND),
            entry(22, ReservationMode.POWER_OFF),
            entry(8, ReservationMode.ELECTRIC, enabled=False),
        ),
    )
    found = reservation_occurrences(
        schedule,
        MONDAY,
        MONDAY + timedelta(days=1),
        ZONE,
        mode_name=mode_name,
        format_temperature=celsius,
    )
    assert [(o.start.hour, o.end.hour, o.summary) for o in found] == [
        (22, 6, "Power off"),  # Friday's 22 h entry, in force until Monday 6 h
        (6, 22, "High demand"),
        (22, 6, "Power off"),
    ]
    assert found[1].description == "High demand, 60 °C"
    assert found[1].rrule == "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
    assert found[0].start == MONDAY - timedelta(days=3) + timedelta(hours=22)


def test_a_disabled_schedule_has_no_events() -> None:
    """The program switched off shows nothing, whatever its entries."""
    schedule = ReservationSchedule(
        reservation_use=False, entries=(entry(6, ReservationMode.HEAT_PUMP),)
    )
    assert not reservation_occurrences(
        schedule,
        MONDAY,
        MONDAY + timedelta(days=7),
        ZONE,
        mode_name=mode_name,
        format_temperature=celsius,
    )


def test_tou_periods_with_inclusive_end_minutes() -> None:
    """A period ending at 23:59 ends at midnight; weekends follow their own rows."""
    period = {"priceMin": 28_000, "priceMax": 52_000, "decimalPoint": 5}
    plan = {
        "touInfo": {
            "name": "Plan",
            "utility": "Utility",
            "schedule": [
                {
                    "season": 4095,
                    "interval": [
                        {
                            **period,
                            "week": WEEKDAYS,
                            "startHour": 21,
                            "startMinute": 0,
                            "endHour": 23,
                            "endMinute": 59,
                        },
                        {
                            **period,
                            "priceMin": 26_000,
                            "week": SATURDAY,
                            "startHour": 0,
                            "startMinute": 0,
                            "endHour": 23,
                            "endMinute": 59,
                        },
                    ],
                },
                {"season": 1, "interval": [{**period, "week": 254}]},  # January only
            ],
        }
    }
    found = tou_occurrences(plan, MONDAY, MONDAY + timedelta(days=6), ZONE, "EUR")
    assert [(o.start.weekday(), o.start.hour, o.end.hour) for o in found] == [
        *((day, 21, 0) for day in range(5)),
        (5, 0, 0),
    ]
    assert found[0].summary == "0.28-0.52 EUR/kWh"
    assert found[0].end - found[0].start == timedelta(hours=3)
    assert found[0].description == "Plan\nUtility"
    assert tou_occurrences({}, MONDAY, MONDAY + timedelta(days=1), ZONE, "EUR") == []
