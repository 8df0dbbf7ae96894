"""What the integration's assumed probe heights cost hot water available.

The integration follows the tank as slices with its probes a quarter and three
quarters up (``hot_water_layers``); protocol.md names the two thermistors but
not where they sit. The stratified simulated tank takes the same heights by
default, so the invariants agree on them by construction. This bench moves
the simulator's probes and replays the same day of draws and recoveries: for
each placement it prints the share of statuses whose hot water available is
off the tank's own figure by more than the invariants allow (10 %, at least
1 L), and the worst error.

Drives the simulated heater's physics directly (no broker), a status every
30 s into the integration's own estimate (``hot_water_draws``).

Run: ``python -m bench.probe_heights_bench``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from custom_components.navien_nwp500.hot_water import DEFAULT_COLD_WATER_C, tank_litres
from custom_components.navien_nwp500.hot_water_draws import ColdWater, available_litres
from custom_components.navien_nwp500.navilink.codec import parse_feature, parse_status
from navilink_sim.accounts import SimDevice
from navilink_sim.heater import SimulatedHeater
from navilink_sim.profile import REALISTIC
from navilink_sim.tank import ENERGY_SAVER, HEAT_PUMP, INLET_C

STATUS_INTERVAL_S = 30.0
PLACEMENTS = ((0.25, 0.75), (0.2, 0.8), (0.3, 0.7), (0.15, 0.85), (0.1, 0.9))
"""Lower and upper probe heights, shares of the tank's height; the first is ours."""
MODES = {"heat pump": HEAT_PUMP, "hybrid": ENERGY_SAVER}
DRAWS = ((8.0, 25.0), (8.0, 60.0), (6.0, 100.0), (10.0, 150.0), (8.0, 40.0))
"""(litres per minute, litres) of each draw; each is followed by two hours of heating."""
RECOVERY_S = 2 * 3600.0
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


def day(heights: tuple[float, float], mode: int) -> Errors:
    """Play the draws of `DRAWS` with recoveries; compare each status."""
    profile = replace(REALISTIC, probe_heights=heights)
    device = SimDevice(mac="04786332BENC", additional_value="bench", name="Bench")
    heater = SimulatedHeater(device, seed=1, draw_interval=None, profile=profile)
    heater.mode = mode
    feature = parse_feature(heater.feature)
    capacity = tank_litres(feature)
    assert capacity is not None
    cold_water, errors, now = ColdWater(), Errors(), 0.0

    def status() -> None:
        nonlocal now
        heater.advance(STATUS_INTERVAL_S)
        now += STATUS_INTERVAL_S
        parsed = parse_status(heater.status)
        cold_water.take(capacity, parsed, now, DEFAULT_COLD_WATER_C)
        shown = available_litres(feature, parsed, cold_water, DEFAULT_COLD_WATER_C)
        if shown is not None:
            errors.add(shown, heater.hot_water_litres(cold_c=INLET_C))

    for _ in range(round(RECOVERY_S / STATUS_INTERVAL_S)):
        status()
    for flow, litres in DRAWS:
        heater.start_draw(flow, litres / flow * 60)
        for _ in range(round((litres / flow * 60 + RECOVERY_S) / STATUS_INTERVAL_S)):
            status()
    return errors


def main() -> None:
    """Print, per probe placement and mode, the statuses off and the worst error."""
    print(
        f"{'probes (lower, upper)':22} {'mode':10} {'statuses':>8} {'off':>7} {'worst':>8}"
    )
    for heights in PLACEMENTS:
        for name, mode in MODES.items():
            errors = day(heights, mode)
            share = errors.off / max(errors.statuses, 1)
            print(
                f"{heights[0]:.2f}, {heights[1]:.2f}{'':12} {name:10} {errors.statuses:>8}"
                f" {share:>7.1%} {errors.worst:>6.1f} L"
            )


if __name__ == "__main__":
    main()
