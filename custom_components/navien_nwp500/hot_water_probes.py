"""Where a tank's two probes sit, learned from the heater's own draws.

Pure computations (no Home Assistant). Protocol.md names the two tank
thermistors but not their heights; the stack of slices (``hot_water_layers``)
starts with a quarter and three quarters up. A draw shows where they are:
cold water comes in at the bottom and rises as the litres go out (plug flow),
so each probe drops to the cold water once the litres drawn since the tank's
bottom was last hot fill the tank up to it. The bottom is hot when a heating
that began after cold water reached the lower probe ends (it warms all the
water below alike). The heater's litre count (or its flow rate) gives those
litres between two statuses; the probe's readings at both say where in that
span the front passed.

A height is taken once two draws agree on it within `AGREE_SLICES`, and only
where a probe can be (lower in the lower half, upper in the upper half). The
upper element sits beside the upper probe: a draw while it runs says nothing.
"""

from dataclasses import dataclass, field
from typing import Any, Final

from .hot_water_layers import LOWER_PROBE, SLICES, UPPER_PROBE

COLD_FRONT_C: Final = 30.0
"""A heating that starts with the lower probe this cold had cold water up to
it, and warms everything below it alike: when it ends, the tank's bottom is as
hot as the lower probe and a front can start from it."""
HOT_C: Final = 45.0
"""A probe must start this hot for a clear front."""
AGREE_SLICES: Final = 3
"""Two draws that put a probe this close (slices) agree on it."""
LOWER_RANGE: Final = range(SLICES // 20, SLICES // 2)
UPPER_RANGE: Final = range(SLICES // 2, SLICES - SLICES // 20)


@dataclass(slots=True)
class _Front:
    """The litres drawn since the tank's bottom was hot, until they passed both probes."""

    hot_c: tuple[float, float]
    """The upper and the lower probe when the front started."""
    previous: tuple[float, float]
    """The upper and the lower probe at the status before."""
    litres: float = 0.0
    found: set[str] = field(default_factory=set)
    """The probes the front passed ("upper", "lower")."""


@dataclass(slots=True)
class ProbeHeights:
    """The slices the probes read: assumed until draws showed them."""

    lower: int = LOWER_PROBE
    upper: int = UPPER_PROBE
    seen: dict[str, list[int]] = field(
        default_factory=lambda: {"lower": [], "upper": []}
    )
    """Where the last draws put each probe (slices), newest last."""
    _front: _Front | None = None
    _heating_from_cold: bool | None = None
    """While the heater heats: whether it started with the lower probe cold."""

    def take(
        self,
        readings: tuple[float, float],
        drawn: float,
        capacity: float,
        cold_water_c: float,
        *,
        heating: bool,
        upper_element: bool,
    ) -> None:
        """Follow one status: its probes (upper, lower) and the litres drawn since the last."""
        if heating and self._heating_from_cold is None:
            self._heating_from_cold = readings[1] < COLD_FRONT_C
        elif not heating and self._heating_from_cold is not None:
            if self._heating_from_cold and drawn <= 0 and min(readings) >= HOT_C:
                self._front = _Front(hot_c=readings, previous=readings)
                self._heating_from_cold = None
                return
            self._heating_from_cold = None
        front = self._front
        if front is None:
            return
        if front.litres + drawn > capacity:
            self._front = None
            return
        if upper_element:
            front.found.add("upper")  # it heats beside the probe: no front to see
        for index, name in enumerate(("upper", "lower")):
            before, now = front.previous[index], readings[index]
            middle = (front.hot_c[index] + cold_water_c) / 2
            if name not in front.found and before > middle >= now:
                front.found.add(name)
                share = (before - middle) / (before - now)
                self._learn(name, front.litres + drawn * share, capacity)
        front.litres += drawn
        front.previous = readings

    def _learn(self, name: str, litres: float, capacity: float) -> None:
        """Note where a front put a probe; adopt the place two draws agree on."""
        index = round(litres / (capacity / SLICES) - 0.5)
        if index not in (LOWER_RANGE if name == "lower" else UPPER_RANGE):
            return
        seen = self.seen[name] = [*self.seen[name][-1:], index]
        if len(seen) == 2 and abs(seen[0] - seen[1]) <= AGREE_SLICES:
            setattr(self, name, round((seen[0] + seen[1]) / 2))

    def as_stored(self) -> dict[str, Any]:
        """Return what to keep over a restart (JSON)."""
        return {"lower": self.lower, "upper": self.upper, "seen": self.seen}

    @classmethod
    def from_stored(cls, raw: Any) -> ProbeHeights:
        """Read stored heights back; the assumed ones when they are not readable."""
        try:
            lower, upper = int(raw["lower"]), int(raw["upper"])
            seen = {
                name: [int(i) for i in raw["seen"][name]] for name in ("lower", "upper")
            }
        except KeyError, TypeError, ValueError:
            return cls()
        if lower not in LOWER_RANGE or upper not in UPPER_RANGE:
            return cls()
        return cls(lower, upper, seen)
