"""Sensors against the simulated heater: values, the energy total, missing fields."""

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from unittest.mock import patch

from homeassistant.components.sensor import DOMAIN as SENSOR_DOMAIN
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN, Platform
from homeassistant.core import State
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    mock_restore_cache_with_extra_data,
    snapshot_platform,
)

from custom_components.navien_nwp500.sensor_energy import MAX_SAMPLE_GAP
from navilink_sim.heater import SimulatedHeater

from .conftest import DEMO_MAC
from .helpers import find_entity_id, patch_status, push, wait_for

if TYPE_CHECKING:
    from collections.abc import Iterator

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers import entity_registry as er
    from syrupy.assertion import SnapshotAssertion

    from navilink_sim.simulator import NaviLinkSimulator

pytestmark = [
    pytest.mark.simulator(time_scale=0, push_interval=None),
    pytest.mark.platforms(Platform.SENSOR),
]

ELECTRIC = 2
VACATION = 5
POWER_OFF = 6


class Clock:
    """The time the energy sensor sees; tests move it by hand."""

    def __init__(self) -> None:
        """Start at a fixed instant."""
        self.now = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)

    def tick(self, seconds: float) -> None:
        """Let ``seconds`` pass."""
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Iterator[Clock]:
    """Give the energy sensor a clock the test moves (the session keeps real time)."""
    fake = Clock()
    with patch(
        "custom_components.navien_nwp500.sensor_energy.utcnow",
        side_effect=lambda: fake.now,
    ):
        yield fake


@pytest.fixture
def estimated_energy() -> Iterator[None]:
    """Make the heater refuse energy counters, so the estimate takes their place."""
    feature = SimulatedHeater.feature.fget
    assert feature is not None
    with patch.object(
        SimulatedHeater,
        "feature",
        property(lambda heater: {**feature(heater), "energyUsageUse": 1}),
    ):
        yield


def entity_id(hass: HomeAssistant, key: str) -> str | None:
    """Return the entity ID of the demo heater's sensor ``key``, if it exists."""
    return find_entity_id(hass, SENSOR_DOMAIN, key)


def state(hass: HomeAssistant, key: str) -> str:
    """Return the state of the demo heater's sensor ``key``."""
    found = entity_id(hass, key)
    assert found is not None
    current = hass.states.get(found)
    assert current is not None
    return current.state


def energy(hass: HomeAssistant) -> float:
    """Return the energy total in kWh (its suggested unit)."""
    return float(state(hass, "energy"))


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_snapshot(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)


async def test_values_follow_the_heater(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: NaviLinkSimulator
) -> None:
    heater = simulator.heaters[DEMO_MAC]
    assert state(hass, "heat_source") == "none"
    assert state(hass, "hot_water_total") == "18250"

    heater.start_draw(8.0, 600)
    simulator.advance(30)
    await push(hass, simulator)
    assert state(hass, "flow_rate") == "8.0"
    assert state(hass, "hot_water_total") == "18254"
    # The tank is stratified: cold water reaches the lower probe, a quarter of
    # the way up, only once about 80 litres are drawn.
    assert state(hass, "tank_lower_temperature") == "57.5"
    simulator.advance(570)
    await push(hass, simulator)
    assert float(state(hass, "tank_lower_temperature")) < 57.5

    heater.mode = ELECTRIC
    heater.setpoint = 130
    simulator.advance(10)
    await push(hass, simulator)
    assert state(hass, "dhw_mode") == "electric"
    assert state(hass, "heat_source") == "element"
    assert state(hass, "operation_state") == "hybrid_efficiency"
    assert state(hass, "dhw_temperature_setting") == "65.0"
    assert int(state(hass, "power")) > 5000
    assert int(state(hass, "tank_charge")) < 92

    heater.tou = True
    heater.mode = VACATION
    heater.vacation_days = 10
    simulator.advance(86400 + 60)
    await push(hass, simulator)
    assert state(hass, "vacation_days_left") == "9"
    assert state(hass, "tou_state") == "following"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_error_shows_code_and_meaning(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: NaviLinkSimulator
) -> None:
    assert state(hass, "error") == "no_error"
    with patch_status(errorCode=515, subErrorCode=26):
        await push(hass, simulator)
    assert state(hass, "error") == "E515-26 Relay fault: lower element relay"
    assert state(hass, "error_code") == "515"
    assert state(hass, "sub_error_code") == "26"
    with patch_status(errorCode=123, subErrorCode=0):
        await push(hass, simulator)
    assert state(hass, "error") == "E123"


async def test_field_missing_from_one_message_is_unknown(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: NaviLinkSimulator
) -> None:
    with patch_status(tankUpperTemperature=None, currentHeatUse=None):
        await push(hass, simulator)
    assert state(hass, "tank_upper_temperature") == STATE_UNKNOWN
    assert state(hass, "heat_source") == STATE_UNKNOWN
    assert state(hass, "tank_lower_temperature") != STATE_UNKNOWN


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ({"errorCode": None}, {"error": STATE_UNKNOWN}),
        ({"airFilterAlarmPeriod": 0}, {"air_filter_remaining": STATE_UNKNOWN}),
        ({"dhwOperationSetting": 99}, {"vacation_days_left": STATE_UNKNOWN}),
        ({"dhwOperationSetting": 3}, {"vacation_days_left": STATE_UNKNOWN}),
        (
            {"dhwOperationSetting": VACATION, "vacationDaySetting": None},
            {"vacation_days_left": STATE_UNKNOWN},
        ),
        ({"touStatus": None}, {"tou_state": STATE_UNKNOWN}),
        ({"touStatus": 3, "touOverrideStatus": 1}, {"tou_state": "override"}),
    ],
)
async def test_derived_values(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    wire: dict[str, Any],
    expected: dict[str, str],
) -> None:
    with patch_status(**wire):
        await push(hass, simulator)
    assert {key: state(hass, key) for key in expected} == expected


async def test_field_never_sent_has_no_entity(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    point_at_simulator: NaviLinkSimulator,
) -> None:
    with patch_status(wifiRssi=None, currentDhwFlowRate=None, currentInstPower=None):
        mock_config_entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        await hass.async_block_till_done()
    assert entity_id(hass, "wifi_signal") is None
    assert entity_id(hass, "flow_rate") is None
    assert entity_id(hass, "power") is None
    assert entity_id(hass, "energy") is None
    assert entity_id(hass, "tank_upper_temperature") is not None
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)


@pytest.mark.usefixtures("estimated_energy")
async def test_energy_integrates_power_and_never_decreases(
    hass: HomeAssistant,
    clock: Clock,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
) -> None:
    heater = simulator.heaters[DEMO_MAC]
    seen = [energy(hass)]
    assert seen == [0.0]

    heater.mode = ELECTRIC
    heater.setpoint = 130
    simulator.advance(10)
    await push(hass, simulator)
    power = int(state(hass, "power"))
    assert power > 5000

    clock.tick(360)
    simulator.advance(360)
    await push(hass, simulator)
    seen.append(energy(hass))
    assert seen[-1] == pytest.approx(power * 360 / 3600 / 1000, abs=1e-3)

    # The device's own counters reset and it is switched off: power drops to
    # a few watts. The total keeps what it counted and only grows from there.
    heater.reset_energy_counter()
    heater.mode = POWER_OFF
    simulator.advance(10)
    clock.tick(60)
    await push(hass, simulator)
    seen.append(energy(hass))
    for _ in range(3):
        clock.tick(120)
        simulator.advance(120)
        await push(hass, simulator)
        seen.append(energy(hass))
    with patch_status(currentInstPower=None):
        clock.tick(120)
        await push(hass, simulator)
        seen.append(energy(hass))
    assert seen == sorted(seen)
    assert seen[-1] > seen[1]


@pytest.mark.usefixtures("estimated_energy")
async def test_energy_ignores_long_gaps(
    hass: HomeAssistant,
    clock: Clock,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
) -> None:
    heater = simulator.heaters[DEMO_MAC]
    heater.mode = ELECTRIC
    heater.setpoint = 130
    simulator.advance(10)
    await push(hass, simulator)
    clock.tick(MAX_SAMPLE_GAP.total_seconds() + 1)
    await push(hass, simulator)
    assert energy(hass) == 0.0
    clock.tick(-30)
    await push(hass, simulator)
    assert energy(hass) == 0.0


@pytest.mark.usefixtures("short_grace_period", "estimated_energy")
async def test_energy_counts_nothing_across_an_outage(
    hass: HomeAssistant,
    clock: Clock,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
) -> None:
    heater = simulator.heaters[DEMO_MAC]
    heater.mode = ELECTRIC
    heater.setpoint = 130
    simulator.advance(10)
    await push(hass, simulator)

    simulator.faults.refuse_for(600)
    simulator.faults.drop_all()
    await wait_for(hass, lambda: state(hass, "energy") == STATE_UNAVAILABLE)
    clock.tick(300)
    simulator.faults.stop_refusing()
    coordinator = init_integration.runtime_data
    await wait_for(hass, lambda: coordinator.connected, within=30)
    await push(hass, simulator)
    assert energy(hass) == 0.0
    clock.tick(60)
    await push(hass, simulator)
    assert energy(hass) > 0.0


@pytest.mark.parametrize(
    ("native_value", "unit", "expected"),
    [
        (12500.0, "Wh", 12.5),
        ({"__type": "<class 'decimal.Decimal'>", "decimal_str": "700"}, "Wh", 0.7),
        ("garbage", "Wh", 0.0),
        (-5, "Wh", 0.0),
        (12.5, "kWh", 0.0),
    ],
)
@pytest.mark.usefixtures("estimated_energy")
async def test_energy_total_is_restored(
    hass: HomeAssistant,
    *,
    clock: Clock,
    mock_config_entry: MockConfigEntry,
    point_at_simulator: NaviLinkSimulator,
    native_value: Any,
    unit: str,
    expected: float,
) -> None:
    """A stored total in Wh comes back; anything unusable restarts from zero."""
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State("sensor.nwp500_energy_estimated", "12.5"),
                {"native_value": native_value, "native_unit_of_measurement": unit},
            )
        ],
    )
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert energy(hass) == expected
    clock.tick(60)
    await push(hass, point_at_simulator)
    assert energy(hass) > expected
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)
