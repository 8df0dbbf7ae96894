"""What the integration's assumed probe heights cost hot water available.

The integration follows the tank as slices with its probes a quarter and three
quarters up (``hot_water_layers``); protocol.md names the two thermistors but
not where they sit. The stratified simulated tank takes the same heights by
default, so the invariants agree on them by construction. This bench moves
the simulator's probes and plays the same day of draws and recoveries twice:
for each placement it prints where the integration learned the probes are
(``hot_water_probes``) and, each day, the share of statuses whose hot water
available is off the tank's own figure by more than the invariants allow
(10 %, at least 1 L), and the worst error.

Drives the simulated heater's physics directly (no broker), a status every
30 s into the integration's own estimate (``hot_water_draws``).

Run: ``python -m bench.probe_heights_bench``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from custom_components.navien_nwp500.hot_water import DEFAULT_COLD_WATER_C, tank_litres
from custom_components.navien_nwp500.hot_water_draws import ColdWater, available_litres
from custom_components.navien_nwp500.hot_water_layers import SLICES
from custom_components.navien_nwp500.navilink.codec import parse_feature, parse_status
from navilink_sim.accounts import SimDevice
from navilink_sim.heater import SimulatedHeater
from navilink_sim.profile import REALISTIC
from navilink_sim.tank import ENERGY_SAVER, HEAT_PUMP, INLET_C

if TYPE_CHECKING:
    from custom_components.navien_nwp500.hot_water_probes import ProbeHeights

STATUS_INTERVAL_S = 30.0
PLACEMENTS = ((0.25, 0.75), (0.2, 0.8), (0.3, 0.7), (0.15, 0.85), (0.1, 0.9))
"""Lower and upper probe heights, shares of the tank's height; the first is ours."""
MODES = {"heat pump": HEAT_PUMP, "hybrid": ENERGY_SAVER}
DRAWS = (
    (8.0, 25.0),
    (8.0, 60.0),
    (6.0, 100.0),
    (10.0, 150.0),
    (12.0, 230.0),
    (8.0, 40.0),
)
"""(litres per minute, litres) of each draw; each is followed by the heating it starts."""
MAX_RECOVERY_S = 8 * 3600.0
REST_S = 1800.0
"""Time without a draw after each recovery (or after a draw that starts none)."""
DAYS = 2
"""The first day's long draws show the integration where the probes are."""
TOLERANCE, FLOOR_LITRES = 0.10, 1.0
"""The invariants' hot water check (tests/integration/invariants/checks.py)."""


@dataclass(slots=True)
class Errors:
    """How far hot water available was from the tank, status by status."""

    statuses: int = 0
    off: int = 0
    worst: float = 0.0
    """The largest error, litres."""

    def add(self, shown: float, truth: float) -> None:
        """Count one status."""
        self.statuses += 1
        error = abs(shown - truth)
        self.off += error > max(truth * TOLERANCE, FLOOR_LITRES)
        self.worst = max(self.worst, error)


def days(heights: tuple[float, float], mode: int) -> tuple[list[Errors], ProbeHeights]:
    """Play the draws of `DRAWS`, each heated back, on `DAYS` days; compare each status.

    Return each day's errors and the probe heights the integration learned.
    """
    profile = replace(REALISTIC, probe_heights=heights)
    device = SimDevice(mac="04786332BENC", additional_value="bench", name="Bench")
    heater = SimulatedHeater(device, seed=1, draw_interval=None, profile=profile)
    heater.mode = mode
    feature = parse_feature(heater.feature)
    capacity = tank_litres(feature)
    assert capacity is not None
    cold_water, now = ColdWater(), 0.0

    def status(errors: Errors) -> None:
        nonlocal now
        heater.advance(STATUS_INTERVAL_S)
        now += STATUS_INTERVAL_S
        parsed = parse_status(heater.status)
        cold_water.take(capacity, parsed, now, DEFAULT_COLD_WATER_C)
        shown = available_litres(feature, parsed, cold_water, DEFAULT_COLD_WATER_C)
        if shown is not None:
            errors.add(shown, heater.hot_water_litres(cold_c=INLET_C))

    every_day = []
    status(Errors())  # the integration sees the tank before the first draw
    for _ in range(DAYS):
        errors = Errors()
        for flow, litres in DRAWS:
            heater.start_draw(flow, litres / flow * 60)
            for _ in range(round(litres / flow * 60 / STATUS_INTERVAL_S)):
                status(errors)
            for _ in range(round(MAX_RECOVERY_S / STATUS_INTERVAL_S)):
                status(errors)
                if not heater.heating:
                    break
            for _ in range(round(REST_S / STATUS_INTERVAL_S)):
                status(errors)
        every_day.append(errors)
    return every_day, cold_water.probes


def main() -> None:
    """Print, per probe placement and mode, each day's statuses off, the worst error, what was learned."""
    print(
        f"{'probes (lower, upper)':22} {'mode':10} {'learned':>9}"
        + "".join(
            f" {'day ' + str(d + 1) + ' off':>10} {'worst':>8}" for d in range(DAYS)
        )
    )
    for heights in PLACEMENTS:
        for name, mode in MODES.items():
            every_day, learned = days(heights, mode)
            line = (
                f"{heights[0]:.2f}, {heights[1]:.2f}{'':12} {name:10}"
                f" {learned.lower / SLICES:.2f}/{learned.upper / SLICES:.2f}"
            )
            for errors in every_day:
                share = errors.off / max(errors.statuses, 1)
                line += f" {share:>10.1%} {errors.worst:>6.1f} L"
            print(line)


if __name__ == "__main__":
    main()
