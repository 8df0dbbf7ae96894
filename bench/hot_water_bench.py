"""Prediction error of hot water available and time to ready against the simulator's tank.

Drives the simulated heater's physics directly (no broker): for each heating
mode it draws water, lets the tank recover, and compares what the integration
computes from the heater's wire messages with the tank model: hot water
available at every status, and time to ready predicted 10 minutes into each
recovery against the time the recovery really took.

Run: ``python -m bench.hot_water_bench``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from custom_components.navien_nwp500.hot_water import (
    DEFAULT_COLD_WATER_C,
    MIX_C,
    RecoveryEstimator,
    hot_water_litres,
)
from custom_components.navien_nwp500.navilink.codec import (
    DeviceStatus,
    parse_feature,
    parse_status,
)
from navilink_sim.accounts import SimDevice
from navilink_sim.heater import SimulatedHeater
from navilink_sim.tank import ELECTRIC, ENERGY_SAVER, HEAT_PUMP, HIGH_DEMAND

STATUS_INTERVAL_S = 30.0
PREDICT_AFTER = timedelta(minutes=10)
MODES = {
    "heat pump": HEAT_PUMP,
    "hybrid (energy saver)": ENERGY_SAVER,
    "hybrid (high demand)": HIGH_DEMAND,
    "electric": ELECTRIC,
}
DRAWS = ((6.0, 600.0), (8.0, 900.0), (10.0, 1200.0))
"""(litres per minute, seconds) of the draw before each recovery."""
MAX_RECOVERY_S = 12 * 3600.0
ROUNDING_MARGIN_K = 0.2


@dataclass(frozen=True, slots=True)
class Recovery:
    """What one recovery showed."""

    predicted_min: float | None
    actual_min: float
    worst_volume_error: float

    @property
    def time_error(self) -> float | None:
        """Relative error of the predicted time to ready."""
        if self.predicted_min is None:
            return None
        return (self.predicted_min - self.actual_min) / self.actual_min


def near_mixing(status: DeviceStatus) -> bool:
    """Whether a tank half reads within rounding of 40 °C.

    There the two-half model jumps by a whole half tank (a half counts only when
    hotter than the mixed water), so a 0.1 °C rounding flips the figure.
    """
    return any(
        t is not None and abs(t - MIX_C) <= ROUNDING_MARGIN_K
        for t in (status.tank_upper_temperature, status.tank_lower_temperature)
    )


def _settle(heater: SimulatedHeater) -> None:
    """Let the tank finish any recovery it is in."""
    waited = 0.0
    heater.advance(STATUS_INTERVAL_S)
    while heater.heating and waited < MAX_RECOVERY_S:
        heater.advance(STATUS_INTERVAL_S)
        waited += STATUS_INTERVAL_S


def run_recovery(heater: SimulatedHeater, flow_lpm: float, seconds: float) -> Recovery:
    """Draw, then follow the recovery status by status until the tank is ready."""
    feature = parse_feature(heater.feature)
    estimator = RecoveryEstimator()
    start = datetime(2026, 11, 1, tzinfo=UTC)
    now = start
    heater.start_draw(flow_lpm, seconds)
    worst = 0.0
    heating_since: datetime | None = None
    predicted: float | None = None
    predicted_at: datetime | None = None
    while now - start < timedelta(seconds=MAX_RECOVERY_S):
        heater.advance(STATUS_INTERVAL_S)
        now += timedelta(seconds=STATUS_INTERVAL_S)
        status = parse_status(heater.status)
        truth = heater.hot_water_litres()
        litres = hot_water_litres(feature, status, DEFAULT_COLD_WATER_C)
        if litres is not None and truth > 0 and not near_mixing(status):
            worst = max(worst, abs(litres - truth) / truth)
        minutes = estimator.minutes_to_ready(feature, status, now)
        if heater.heating and heating_since is None and seconds <= 0:
            heating_since = now
        if (
            heating_since is not None
            and predicted_at is None
            and now - heating_since >= PREDICT_AFTER
        ):
            predicted, predicted_at = minutes, now
        if heating_since is not None and not heater.heating and seconds <= 0:
            break
        seconds -= STATUS_INTERVAL_S
    assert predicted_at is not None, "the recovery was shorter than 10 minutes"
    actual = (now - predicted_at).total_seconds() / 60
    return Recovery(predicted, actual, worst)


def recoveries(mode: int, seed: int = 1) -> list[Recovery]:
    """Run the draws of `DRAWS` one after the other on a heater in `mode`."""
    device = SimDevice(mac="04786332BENC", additional_value="bench", name="Bench")
    heater = SimulatedHeater(device, seed=seed, draw_interval=None)
    heater.mode = mode
    _settle(heater)
    results = []
    for flow, seconds in DRAWS:
        results.append(run_recovery(heater, flow, seconds))
        _settle(heater)
    return results


def main() -> None:
    """Print the errors per mode and recovery."""
    print(
        f"{'mode':24} {'draw':>12} {'predicted':>10} {'actual':>8} {'error':>7} {'volume':>7}"
    )
    for name, mode in MODES.items():
        for (flow, seconds), result in zip(DRAWS, recoveries(mode), strict=True):
            predicted = (
                "unknown"
                if result.predicted_min is None
                else f"{result.predicted_min:.0f} min"
            )
            error = "-" if result.time_error is None else f"{result.time_error:+.0%}"
            print(
                f"{name:24} {flow * seconds / 60:>9.0f} L {predicted:>10}"
                f" {result.actual_min:>4.0f} min {error:>7} {result.worst_volume_error:>6.1%}"
            )


if __name__ == "__main__":
    main()
