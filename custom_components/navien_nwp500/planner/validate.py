"""Check a plan from an external planner before it is applied.

The same safety rules as our own plans: never below the comfort floor, never
outside the heater's set-point range, nothing while the heater is on vacation
or offline. Errors carry a translation key and its placeholders.
"""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

from .model import Mode, Segment

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from .model import HeaterLimits


class PlanError(ValueError):
    """A plan that must not be applied; `key` names the translated message."""

    def __init__(self, key: str, **placeholders: str) -> None:
        """Keep the translation key and its placeholders."""
        super().__init__(key, placeholders)
        self.key = key
        self.placeholders = placeholders


def _check_segment(
    index: int,
    segment: Segment,
    limits: HeaterLimits,
    floor_setpoint_c: float,
) -> None:
    """Raise PlanError when one segment breaks a rule."""
    where = {"index": str(index)}
    if segment.start.tzinfo is None or segment.end.tzinfo is None:
        raise PlanError("naive_time", **where)
    if segment.end <= segment.start:
        raise PlanError("empty_segment", **where)
    if segment.mode not in set(Mode):
        raise PlanError("unknown_mode", mode=str(segment.mode), **where)
    if not limits.min_setpoint_c <= segment.setpoint_c <= limits.max_setpoint_c:
        raise PlanError(
            "setpoint_out_of_range",
            setpoint=f"{segment.setpoint_c:g}",
            minimum=f"{limits.min_setpoint_c:g}",
            maximum=f"{limits.max_setpoint_c:g}",
            **where,
        )
    if segment.setpoint_c < floor_setpoint_c:
        raise PlanError(
            "below_comfort_floor",
            setpoint=f"{segment.setpoint_c:g}",
            floor=f"{floor_setpoint_c:g}",
            **where,
        )


def validate_plan(
    segments: Sequence[Segment],
    *,
    now: datetime,
    limits: HeaterLimits,
    floor_setpoint_c: float,
) -> tuple[Segment, ...]:
    """Return the segments still to come, sorted; raise PlanError if any rule is broken."""
    if not limits.online:
        raise PlanError("heater_offline")
    if limits.vacation:
        raise PlanError("vacation_active")
    if not segments:
        raise PlanError("empty_plan")
    for index, segment in enumerate(segments):
        _check_segment(index, segment, limits, floor_setpoint_c)
    ordered = sorted(segments, key=lambda segment: segment.start)
    for before, after in pairwise(ordered):
        if after.start < before.end:
            raise PlanError(
                "segments_overlap",
                first=before.start.isoformat(),
                second=after.start.isoformat(),
            )
    upcoming = tuple(segment for segment in ordered if segment.end > now)
    if not upcoming:
        raise PlanError("plan_in_past")
    return upcoming
