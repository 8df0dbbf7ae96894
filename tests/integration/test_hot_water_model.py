"""Hot water available and time to ready against the simulator's tank model.

The heater's physics run directly (no broker, simulated time): water is drawn,
the tank recovers, and what the integration computes from the heater's wire
messages is compared with the model, as the bench does for every mode.
"""

from datetime import UTC, datetime

import pytest

from bench.hot_water_bench import DRAWS, MODES, recoveries
from custom_components.navien_nwp500.hot_water import (
    HotWaterSettings,
    RecoveryEstimator,
    hot_water_litres,
    is_low,
    showers,
)
from custom_components.navien_nwp500.navilink.codec.models import (
    parse_feature,
    parse_status,
)
from navilink_sim.accounts import SimDevice
from navilink_sim.heater import SimulatedHeater

VOLUME_TOLERANCE = 0.10
TIME_TOLERANCE = 0.20


@pytest.mark.parametrize("mode", list(MODES.values()), ids=list(MODES))
def test_recoveries_track_the_tank_model(mode: int) -> None:
    """Both figures track the model through draws and recoveries.

    Hot water available is within 10 % of the model at every status; time to
    ready predicted 10 minutes into each recovery is within 20 % of the time
    the recovery really took.
    """
    results = recoveries(mode)
    assert len(results) == len(DRAWS)
    for result in results:
        assert result.worst_volume_error <= VOLUME_TOLERANCE
        assert result.time_error is not None
        assert abs(result.time_error) <= TIME_TOLERANCE


def _heater() -> SimulatedHeater:
    device = SimDevice(mac="04786332TEST", additional_value="t", name="Test")
    return SimulatedHeater(device, draw_interval=None)


def test_full_tank_holds_its_volume_of_mixed_water() -> None:
    """A 65-gal tank at 60 °C makes about 440 L of 40 °C water with 15 °C cold."""
    heater = _heater()
    feature = parse_feature(heater.feature)
    status = parse_status(heater.status)
    litres = hot_water_litres(feature, status, 15.0)
    assert litres == pytest.approx(heater.hot_water_litres(), rel=0.02)
    assert 400 < litres < 460
    # Warmer cold water needs less hot water per litre of mix.
    warmer = hot_water_litres(feature, status, 25.0)
    assert warmer is not None
    assert warmer > litres


def test_stratified_tank_counts_each_half_not_the_mean() -> None:
    """A 60 °C top over a 20 °C bottom holds the top half's mixed water.

    The heater's usable energy comes from the mean temperature (40 °C here,
    protocol §17.11), which says the tank is empty; the top half alone makes
    V/2 x (60 - 15) / (40 - 15) litres of 40 °C water with 15 °C cold water.
    """
    heater = _heater()
    feature = parse_feature(heater.feature)
    mean_based = {"totalEnergyCapacity": 900, "availableEnergyCapacity": 900}
    wire = heater.status | mean_based
    wire |= {"tankUpperTemperature": 600, "tankLowerTemperature": 200}
    half_litres = 65 * 3.785411784 / 2
    expected = half_litres * (60 - 15) / (40 - 15)
    litres = hot_water_litres(feature, parse_status(wire), 15.0)
    assert litres == pytest.approx(expected, rel=1e-3)
    # Both halves hot: both count, each with its own temperature.
    wire |= {"tankLowerTemperature": 500}
    both = hot_water_litres(feature, parse_status(wire), 15.0)
    assert both == pytest.approx(expected + half_litres * (50 - 15) / 25, rel=1e-3)
    # Nothing above 40 °C: no mixed water at all.
    wire |= {"tankUpperTemperature": 400, "tankLowerTemperature": 300}
    assert hot_water_litres(feature, parse_status(wire), 15.0) == 0


def test_showers_and_low_threshold() -> None:
    """Showers are whole numbers, 0 under one; low is under the threshold."""
    settings = HotWaterSettings(litres_per_shower=40.0, low_hot_water_showers=1.0)
    assert showers(439.0, 40.0) == 10
    assert showers(39.9, 40.0) == 0
    assert is_low(39.9, settings)
    assert not is_low(40.0, settings)


def test_time_to_ready_is_zero_when_full_and_unknown_when_idle_and_short() -> None:
    """Not heating: 0 with a full tank, unknown with a short one."""
    heater = _heater()
    feature = parse_feature(heater.feature)
    estimator = RecoveryEstimator()
    now = datetime(2026, 11, 1, tzinfo=UTC)
    heater.advance(3600)
    assert not heater.heating
    assert estimator.minutes_to_ready(feature, parse_status(heater.status), now) == 0
    wire = heater.status | {"dhwChargePer": 50, "availableEnergyCapacity": 900}
    assert estimator.minutes_to_ready(feature, parse_status(wire), now) is None
