"""One heater's smart heating, as kept and stored: settings, control, plan, promises.

Plain data with its stored form; ``smart_heating`` changes it, the entities
show it.
"""

from dataclasses import dataclass, field, replace
from datetime import timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

from homeassistant.util import dt as dt_util

from .hot_water import hot_water_litres
from .planner import Mode, Reason, ReasonCode, Segment
from .smart_control import Control
from .smart_request import HeaterSmartSettings

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

    from .heater_state import HeaterState
    from .planner import Plan, Promise
    from .smart_control import Setting

RESULT_SHOWN_FOR: Final = timedelta(hours=1)
"""How long *Ready by* shows whether the last promise was met."""
HOLD_CODES: Final = frozenset(
    {
        ReasonCode.SET_BACK,
        ReasonCode.SET_BACK_COAST,
        ReasonCode.PRICE_PEAK,
        ReasonCode.PRICE_PEAK_COAST,
    }
)
"""Reasons of segments that hold the tank rather than heat it."""


def external_segment(segment: Segment) -> Segment:
    """Mark a segment as handed over, with its mode and set-point for the logbook."""
    params: dict[str, str | float] = {
        "mode": str(segment.mode),
        "setpoint": segment.setpoint_c,
    }
    return replace(segment, reason=Reason(ReasonCode.EXTERNAL, params))


class ReadyByStatus(StrEnum):
    """What the *Ready by* sensor says."""

    ON_TRACK = "on_track"
    LATE = "late"
    MET = "met"


@dataclass(slots=True)
class HeaterSmart:
    """One heater's smart heating: settings, what was taken over, the plan."""

    settings: HeaterSmartSettings = field(default_factory=HeaterSmartSettings)
    control: Control | None = None
    external: tuple[Segment, ...] = ()
    plan: Plan | None = None
    logged: tuple[Setting, str] | None = None
    """The setting and reason last written to the logbook."""
    promises: tuple[Promise, ...] = ()
    last_result: tuple[Promise, bool] | None = None
    """The last promise that fell due, and whether it was met."""

    @property
    def active(self) -> bool:
        """Whether smart heating runs the heater (own plan or a handed-over one)."""
        return self.settings.enabled or bool(self.external)


def _segment_stored(segment: Segment) -> dict[str, Any]:
    return {
        "start": segment.start.isoformat(),
        "end": segment.end.isoformat(),
        "mode": str(segment.mode),
        "setpoint": segment.setpoint_c,
    }


def _segment_read(raw: dict[str, Any]) -> Segment | None:
    start = dt_util.parse_datetime(str(raw.get("start")))
    end = dt_util.parse_datetime(str(raw.get("end")))
    try:
        mode, setpoint = Mode(raw["mode"]), float(raw["setpoint"])
    except KeyError, TypeError, ValueError:
        return None
    if start is None or end is None:
        return None
    return external_segment(Segment(start, end, mode, setpoint))


def heater_stored(smart: HeaterSmart) -> dict[str, Any]:
    """Return what is stored of a heater's smart heating (JSON)."""
    return {
        "settings": smart.settings.as_stored(),
        "control": smart.control.as_stored() if smart.control else None,
        "external": [_segment_stored(s) for s in smart.external],
    }


def heater_read(raw: Mapping[str, Any]) -> HeaterSmart:
    """Read a heater's stored smart heating back (defaults for what is unreadable)."""
    external = (_segment_read(s) for s in raw.get("external") or ())
    return HeaterSmart(
        settings=HeaterSmartSettings.from_stored(raw.get("settings") or {}),
        control=Control.from_stored(raw.get("control")),
        external=tuple(s for s in external if s is not None),
    )


def check_promises(
    smart: HeaterSmart, heater: HeaterState, cold_water_c: float, now: datetime
) -> None:
    """Say whether the promises that fell due were met: the hot water is there now."""
    due = [p for p in smart.promises if p.at <= now]
    if not due or heater.feature is None or heater.status is None:
        return
    litres = hot_water_litres(heater.feature, heater.status, cold_water_c)
    smart.last_result = (due[-1], litres is not None and litres >= due[-1].litres)


def ready_by_status(smart: HeaterSmart, now: datetime) -> ReadyByStatus | None:
    """On track, late or met; None while ready-by is off or not planned."""
    if not smart.settings.ready_by or not smart.active:
        return None
    if smart.last_result and now - smart.last_result[0].at < RESULT_SHOWN_FOR:
        return ReadyByStatus.MET if smart.last_result[1] else ReadyByStatus.LATE
    if smart.plan is None or smart.plan.skipped:
        return None
    return ReadyByStatus.LATE if smart.plan.unmet else ReadyByStatus.ON_TRACK
