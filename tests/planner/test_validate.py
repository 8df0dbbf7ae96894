"""Validation of plans from external planners."""

from __future__ import annotations

from datetime import datetime

import pytest

from custom_components.navien_nwp500.planner import (
    HeaterLimits,
    Mode,
    PlanError,
    Segment,
    validate_plan,
)

from .follow import LIMITS, NOW, at

FLOOR_C = 44.0


def _segment(
    start: float, end: float, setpoint: float = 50.0, mode: str = Mode.HEAT_PUMP
) -> Segment:
    return Segment(at(start), at(end), mode, setpoint)  # type: ignore[arg-type]


def _check(
    segments: list[Segment], limits: HeaterLimits = LIMITS
) -> tuple[Segment, ...]:
    return validate_plan(segments, now=at(1.5), limits=limits, floor_setpoint_c=FLOOR_C)


def test_a_valid_plan_comes_back_sorted_without_past_segments() -> None:
    later, earlier, past = _segment(2, 3, 60.0), _segment(1, 2), _segment(0, 1)
    assert _check([later, earlier, past]) == (earlier, later)


@pytest.mark.parametrize(
    ("segments", "key", "placeholders"),
    [
        (
            [_segment(2, 3, 66.0)],
            "setpoint_out_of_range",
            {"setpoint": "66", "maximum": "65.5"},
        ),
        ([_segment(2, 3, 40.0)], "setpoint_out_of_range", {"minimum": "40.5"}),
        ([_segment(2, 3, 43.0)], "below_comfort_floor", {"floor": "44", "index": "0"}),
        ([_segment(2, 4), _segment(3, 5)], "segments_overlap", {}),
        ([_segment(2, 3), _segment(3, 3)], "empty_segment", {"index": "1"}),
        ([_segment(2, 3, mode="turbo")], "unknown_mode", {"mode": "turbo"}),
        ([_segment(0, 1)], "plan_in_past", {}),
        ([], "empty_plan", {}),
    ],
)
def test_unsafe_plans_are_refused(
    segments: list[Segment], key: str, placeholders: dict[str, str]
) -> None:
    with pytest.raises(PlanError) as refused:
        _check(segments)
    assert refused.value.key == key
    assert placeholders.items() <= refused.value.placeholders.items()


def test_naive_times_are_refused() -> None:
    naive = Segment(
        datetime.fromisoformat("2026-07-06T02:00"),
        datetime.fromisoformat("2026-07-06T03:00"),
        Mode.HEAT_PUMP,
        50.0,
    )
    with pytest.raises(PlanError) as refused:
        _check([naive])
    assert refused.value.key == "naive_time"


@pytest.mark.parametrize(
    ("limits", "key"),
    [
        (HeaterLimits(vacation=True), "vacation_active"),
        (HeaterLimits(online=False), "heater_offline"),
    ],
)
def test_vacation_and_offline_heaters_refuse_any_plan(
    limits: HeaterLimits, key: str
) -> None:
    with pytest.raises(PlanError) as refused:
        _check([_segment(2, 3)], limits)
    assert refused.value.key == key
    assert at(2) > NOW
