"""The diagnostics reply of ``st/td/rd``: lifetime energy and maintenance counters (§17.6).

Field names are the wire's, misspellings included (``numOffRostProtectBurn``,
``numOfdhwUse``). Every value is optional: a firmware that leaves one out, or
sends it with the wrong type, gives None for it (logged once at debug/warning
by ``decode.report``), never an error.
"""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .decode import Reader

if TYPE_CHECKING:
    from collections.abc import Mapping


@dataclass(frozen=True, slots=True)
class Diagnostics:
    """Counters the heater keeps since installation (hours, counts, Wh)."""

    heat_pump_wh: int | None = None
    element_wh: int | None = None
    days_installed: int | None = None
    compressor_hours: int | None = None
    compressor_starts: int | None = None
    upper_element_hours: int | None = None
    lower_element_hours: int | None = None
    upper_element_starts: int | None = None
    lower_element_starts: int | None = None
    fan_hours: int | None = None
    draws: int | None = None
    long_draws: int | None = None
    short_draws: int | None = None
    dry_fire_events: int | None = None
    eco_trips: int | None = None
    freeze_protection_events: int | None = None
    condensate_overflows: int | None = None
    water_overflows: int | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def element_hours(self) -> int | None:
        """Run hours of both elements together; None when either is unknown."""
        return _both(self.upper_element_hours, self.lower_element_hours)

    @property
    def element_starts(self) -> int | None:
        """Starts of both elements together; None when either is unknown."""
        return _both(self.upper_element_starts, self.lower_element_starts)


def _both(first: int | None, second: int | None) -> int | None:
    return None if first is None or second is None else first + second


def parse_diagnostics(raw: Mapping[str, Any]) -> Diagnostics:
    """Decode the ``response`` of a diagnostics query; never raises."""
    data = Reader(Reader(raw, "diagnostics").raw.get("data"), "diagnostics.data")
    ts = Reader(data.raw.get("tsData"), "diagnostics.tsData")
    td = Reader(data.raw.get("tdData"), "diagnostics.tdData")
    ta = Reader(data.raw.get("taData"), "diagnostics.taData")
    return Diagnostics(
        heat_pump_wh=ts.integer("cumulatedPwrHp"),
        element_wh=ts.integer("cumulatedPwrHe"),
        days_installed=ts.integer("daysSinceInstallation"),
        compressor_hours=ta.integer("cumulatedOpTimeComp"),
        compressor_starts=ta.integer("cumulatedOpNumComp"),
        upper_element_hours=ta.integer("cumulatedOpTimeUhe"),
        lower_element_hours=ta.integer("cumulatedOpTimeLhe"),
        upper_element_starts=ta.integer("cumulatedOpNumUhe"),
        lower_element_starts=ta.integer("cumulatedOpNumLhe"),
        fan_hours=ta.integer("cumulatedOpTimeEvaFan"),
        draws=td.integer("numOfdhwUse"),
        long_draws=td.integer("numOfLongDhwUse"),
        short_draws=td.integer("numOfShortDhwUse"),
        dry_fire_events=ts.integer("cumulatedOccNumDryFire"),
        eco_trips=ts.integer("cumulatedOccNumEco"),
        freeze_protection_events=ts.integer("numOffRostProtectBurn"),
        condensate_overflows=ts.integer("cumulatedOccNumConOvrFlow"),
        water_overflows=ts.integer("cumulatedOccNumWtrOvrFlow"),
        raw=dict(raw),
    )
