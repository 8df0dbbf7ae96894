"""A tank's water from bottom to top, fitted to its two probes and the litres drawn.

Pure computations (no Home Assistant). The tank is followed as a stack of
`SLICES` equal slices of water, bottom first. Three things move them, as they
move the water of a real stratified tank:

- A draw lets hot water out at the top and as much cold water in at the
  bottom: the stack moves up by the litres drawn (plug flow).
- Warm water rises: a slice warmer than the one above it mixes with it, so
  the stack never gets colder going up.
- Heat comes in where the heat sources are: the heat pump's coil wraps the
  lower half, the lower element sits at the bottom, the upper element at the
  upper probe. How much came in since the last status is not reported; it is
  whatever brings the probe of that part of the tank (a quarter and three
  quarters up until draws showed where they are: ``hot_water_probes``) to
  what it reads now. A probe that reads colder than the stack
  says cools the stack around it instead (standby loss, a draw not counted).

The litres of 40 °C water the stack makes mixed with cold water is hot water
available: what a shower gets until the outlet runs cooler than 40 °C.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

SLICES: Final = 96
LOWER_PROBE: Final = SLICES // 4
"""The slice the lower probe reads, a quarter up the tank."""
UPPER_PROBE: Final = SLICES * 3 // 4
"""The slice the upper probe (and the upper element beside it) reads, three quarters up."""
PROBE_REACH: Final = 1
"""Slices either side of its own that a probe may be reading: a probe is no
point, and where a boundary between two waters lies is known to a slice."""
LOWER_HALF: Final = range(SLICES // 2)
FIT_TOLERANCE_K: Final = 0.02
"""A probe this close to the stack's figure needs no heat fitted."""
FIT_ROUNDS: Final = 30
MAX_RISE_K: Final = 100.0 * SLICES
"""The most heat (as kelvin of one slice) one status can fit."""

type Heating = Callable[[list[float], float], list[float]]
"""Put `amount` of heat (kelvin of one slice) into a stack; return the new stack."""


def settle(temps: list[float]) -> list[float]:
    """Mix every slice warmer than the ones above it with them (warm water rises).

    Pools neighbouring slices into their mean until the stack never gets colder
    going up; the heat in the stack stays the same.
    """
    pools: list[tuple[float, int]] = []
    for temperature in temps:
        total, count = temperature, 1
        while pools and pools[-1][0] / pools[-1][1] > total / count:
            below_total, below_count = pools.pop()
            total, count = total + below_total, count + below_count
        pools.append((total, count))
    return [total / count for total, count in pools for _ in range(count)]


def heat_pump(temps: list[float], amount: float) -> list[float]:
    """Warm the whole lower half alike (the compressor's coil wraps it)."""
    rise = amount / len(LOWER_HALF)
    return settle([t + rise if i in LOWER_HALF else t for i, t in enumerate(temps)])


def element_at(index: int) -> Heating:
    """Warm the slice an element sits in; the warm water rises from there."""

    def heat(temps: list[float], amount: float) -> list[float]:
        return settle([t + amount if i == index else t for i, t in enumerate(temps)])

    return heat


LOWER_ELEMENT: Final = element_at(0)


def _cool(temps: list[float], probe: int, reading: float, top: int) -> list[float]:
    """Cool the stack around a probe that reads colder than it, to agree.

    Nothing under the probe can be warmer than it (the stack never gets colder
    going up); the slices above it, up to `top`, lose as much as the probe did,
    down to it.
    """
    drop = temps[probe] - reading
    return [
        min(t, reading) if i <= probe else max(reading, t - drop) if i < top else t
        for i, t in enumerate(temps)
    ]


def _explained(temps: list[float], probe: int, reading: float) -> bool:
    """Whether the slices within the probe's reach explain its reading."""
    below, above = temps[probe - PROBE_REACH], temps[probe + PROBE_REACH]
    return below - FIT_TOLERANCE_K <= reading <= above + FIT_TOLERANCE_K


def fit_heat(
    stack_after: Callable[[float], list[float]], probe: int, reading: float
) -> float:
    """Return the least heat after which `probe` reads at least `reading`.

    `stack_after(heat)` is the stack at the status with that much heat come
    in; more heat never cools a probe, so the heat is found by bisection. A
    reading the stack already explains without heat needs none.
    """
    unheated = stack_after(0.0)
    if _explained(unheated, probe, reading) or unheated[probe] > reading:
        return 0.0
    low, high = 0.0, MAX_RISE_K
    if stack_after(high)[probe] < reading:
        return high
    for _ in range(FIT_ROUNDS):
        middle = (low + high) / 2
        if stack_after(middle)[probe] < reading:
            low = middle
        else:
            high = middle
    return high


def cool(temps: list[float], probe: int, reading: float, top: int) -> list[float]:
    """Cool the stack where the probe reads colder than its slices explain."""
    if _explained(temps, probe, reading) or temps[probe] <= reading:
        return temps
    return settle(_cool(temps, probe, reading, top))


@dataclass(slots=True)
class TankLayers:
    """The temperatures of a tank's slices, bottom first, and a draw's last part-slice."""

    temps: list[float]
    part_litres: float = 0.0
    """Litres drawn that did not yet make a whole slice."""

    @classmethod
    def from_probes(cls, upper: float, lower: float) -> TankLayers:
        """Each probe for its half: all a first status tells."""
        half = SLICES // 2
        return cls([lower] * half + [upper] * (SLICES - half))

    def follow(
        self,
        readings: tuple[float, float],
        drawn: float,
        capacity: float,
        cold_water_c: float,
        lower_source: Heating = heat_pump,
        *,
        probes: tuple[int, int] = (LOWER_PROBE, UPPER_PROBE),
    ) -> None:
        """Move the stack on to a status: `drawn` litres out, heat in, the probes read.

        `readings` are the upper and the lower probe, `probes` the slices the
        lower and the upper one read (the upper element sits beside it); the
        heat that came in is fitted to them once the stack has moved up by the
        litres drawn.
        """
        upper, lower = readings
        lower_probe, upper_probe = probes
        upper_element = element_at(upper_probe)
        slice_litres = capacity / SLICES
        part = self.part_litres + drawn
        whole = min(SLICES, int(part // slice_litres))
        self.part_litres = 0.0 if whole >= SLICES else part - whole * slice_litres
        moved = [cold_water_c] * whole + self.temps[: SLICES - whole]

        def heated(lower_heat: float, upper_heat: float) -> list[float]:
            return upper_element(lower_source(moved, lower_heat), upper_heat)

        lower_heat = fit_heat(lambda heat: heated(heat, 0.0), lower_probe, lower)
        upper_heat = fit_heat(lambda heat: heated(lower_heat, heat), upper_probe, upper)
        temps = cool(heated(lower_heat, upper_heat), lower_probe, lower, upper_probe)
        self.temps = cool(temps, upper_probe, upper, SLICES)

    def mixed_litres(self, capacity: float, cold_water_c: float, mix_c: float) -> float:
        """Litres of `mix_c` water the slices warmer than it make with cold water.

        The part of a slice already drawn has left the top slice.
        """
        slice_litres = capacity / SLICES
        litres = [slice_litres] * (SLICES - 1) + [slice_litres - self.part_litres]
        return sum(
            volume * (t - cold_water_c) / (mix_c - cold_water_c)
            for volume, t in zip(litres, self.temps, strict=True)
            if t > mix_c
        )
