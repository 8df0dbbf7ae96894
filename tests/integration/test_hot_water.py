"""Hot water entities against the simulated heater: values, options, recovery."""

from datetime import UTC, datetime, timedelta
import math
from typing import TYPE_CHECKING
from unittest.mock import patch

from homeassistant.components.binary_sensor import DOMAIN as BINARY_SENSOR_DOMAIN
from homeassistant.components.sensor import DOMAIN as SENSOR_DOMAIN
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_OFF, STATE_ON, Platform
from homeassistant.util.unit_system import METRIC_SYSTEM, US_CUSTOMARY_SYSTEM
import pytest

from custom_components.navien_nwp500.const import (
    CONF_COLD_WATER_TEMPERATURE,
    CONF_LITRES_PER_SHOWER,
    CONF_LOW_HOT_WATER_SHOWERS,
    CONF_QUEUE_MAX_AGE,
)

from .conftest import DEMO_MAC
from .helpers import get_entity_id, get_state, patch_status, push

if TYPE_CHECKING:
    from collections.abc import Iterator

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers import entity_registry as er
    from homeassistant.util.unit_system import UnitSystem
    from pytest_homeassistant_custom_component.common import MockConfigEntry
    from syrupy.assertion import SnapshotAssertion

    from navilink_sim.simulator import NaviLinkSimulator

pytestmark = [
    pytest.mark.simulator(time_scale=0, push_interval=None, draw_interval=None),
    pytest.mark.platforms(Platform.SENSOR, Platform.BINARY_SENSOR),
]

HEAT_PUMP = 1
SENSORS = ("hot_water_available", "showers_available", "time_to_ready")
STEP_S = 60.0
LITRES_PER_GALLON = 3.785411784


def value(hass: HomeAssistant, key: str) -> str:
    """Return the state of the demo heater's hot water entity ``key``."""
    domain = BINARY_SENSOR_DOMAIN if key == "low_hot_water" else SENSOR_DOMAIN
    return get_state(hass, get_entity_id(hass, domain, key)).state


class Clock:
    """The time the time-to-ready sensor sees; tests move it with the heater."""

    def __init__(self) -> None:
        """Start at a fixed instant."""
        self.now = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> Iterator[Clock]:
    """Give the time-to-ready sensor a clock the test moves."""
    fake = Clock()
    with patch(
        "custom_components.navien_nwp500.hot_water_entities.utcnow",
        side_effect=lambda: fake.now,
    ):
        yield fake


async def test_snapshot(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Registry entries and states of the hot water entities."""
    for domain, key in [
        *((SENSOR_DOMAIN, key) for key in SENSORS),
        (BINARY_SENSOR_DOMAIN, "low_hot_water"),
    ]:
        entity_id = get_entity_id(hass, domain, key)
        assert entity_registry.async_get(entity_id) == snapshot(name=f"{key}-entry")
        assert get_state(hass, entity_id) == snapshot(name=f"{key}-state")


async def test_hot_water_follows_the_tank(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: NaviLinkSimulator
) -> None:
    """Litres track the tank model; a long draw empties the showers and turns low on."""
    heater = simulator.heaters[DEMO_MAC.lower()]
    litres = float(value(hass, "hot_water_available"))
    assert litres == pytest.approx(heater.hot_water_litres(), rel=0.05)
    assert int(value(hass, "showers_available")) == math.floor(litres / 40)
    assert value(hass, "low_hot_water") == STATE_OFF

    heater.mode = 6  # off: the draw is not made up while we look
    heater.start_draw(10.0, 3000)
    simulator.advance(3000)
    await push(hass, simulator)
    litres = float(value(hass, "hot_water_available"))
    assert litres == pytest.approx(heater.hot_water_litres(), rel=0.10, abs=1.0)
    assert value(hass, "showers_available") == "0"
    assert value(hass, "low_hot_water") == STATE_ON


async def test_hot_water_of_a_stratified_tank_comes_from_both_temperatures(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, point_at_simulator: object
) -> None:
    """60 °C on top, 20 °C below: the top half's mixed water, not the mean's none.

    The heater reports its usable energy from the mean (40 °C: nothing above
    its reference, protocol §17.11); the 65-gal tank's upper half alone gives
    V/2 x (60 - 15) / (40 - 15) litres of 40 °C water with 15 °C cold water.
    """
    stratified = patch_status(
        tankUpperTemperature=600,
        tankLowerTemperature=200,
        totalEnergyCapacity=900,
        availableEnergyCapacity=900,
    )
    with stratified:
        mock_config_entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        await hass.async_block_till_done()
    expected = 65 * 3.785411784 / 2 * (60 - 15) / (40 - 15)
    assert float(value(hass, "hot_water_available")) == pytest.approx(expected, abs=0.1)
    assert value(hass, "showers_available") == str(math.floor(expected / 40))
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)


async def test_options_apply_without_reload(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """New settings apply at once (hot water figures, the queue wait); no reload."""
    coordinator = init_integration.runtime_data
    before = float(value(hass, "hot_water_available"))

    flow = await hass.config_entries.options.async_init(init_integration.entry_id)
    result = await hass.config_entries.options.async_configure(
        flow["flow_id"],
        {
            CONF_QUEUE_MAX_AGE: 120,
            CONF_COLD_WATER_TEMPERATURE: 25.0,
            CONF_LITRES_PER_SHOWER: 60.0,
            CONF_LOW_HOT_WATER_SHOWERS: 10.0,
        },
    )
    await hass.async_block_till_done()
    assert init_integration.options[CONF_COLD_WATER_TEMPERATURE] == 25.0
    assert init_integration.state is ConfigEntryState.LOADED
    assert init_integration.runtime_data is coordinator  # not reloaded
    assert coordinator.session is not None
    assert coordinator.session._queue.max_age == 120  # the session took the new wait
    assert result["type"] == "create_entry"

    after = float(value(hass, "hot_water_available"))
    assert after > before  # warmer cold water: more 40 °C water per litre of hot
    assert int(value(hass, "showers_available")) == math.floor(after / 60)
    assert value(hass, "low_hot_water") == STATE_ON  # under ten 60 L showers


async def test_no_tank_temperatures_no_hot_water_entities(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, point_at_simulator: object
) -> None:
    """Firmware without tank temperatures gets no hot water entities."""
    with patch_status(tankUpperTemperature=None):
        mock_config_entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        await hass.async_block_till_done()
    entity_ids = hass.states.async_entity_ids()
    assert entity_ids  # the heater's other entities are there
    for key in (*SENSORS, "low_hot_water"):
        assert not any(entity_id.endswith(key) for entity_id in entity_ids)
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)


async def test_time_to_ready_counts_down_a_recovery(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    clock: Clock,
) -> None:
    """Time to ready reads 0 full, then estimates a heat-pump recovery.

    The estimate 10 minutes into the recovery is within 20 % of the time it
    really took; once the tank is ready it reads 0 again.
    """
    heater = simulator.heaters[DEMO_MAC.lower()]
    assert value(hass, "time_to_ready") == "0"

    heater.mode = HEAT_PUMP
    heater.start_draw(8.0, 900)
    simulator.advance(900)
    await push(hass, simulator)
    assert heater.heating
    predicted: float | None = None
    predicted_at = elapsed = 0.0
    while heater.heating:
        simulator.advance(STEP_S)
        clock.now += timedelta(seconds=STEP_S)
        elapsed += STEP_S
        await push(hass, simulator)
        if elapsed == 600:
            predicted = float(value(hass, "time_to_ready"))
            predicted_at = elapsed
        assert elapsed < 8 * 3600
    assert predicted is not None
    actual = (elapsed - predicted_at) / 60
    assert predicted == pytest.approx(actual, rel=0.20)
    assert value(hass, "time_to_ready") == "0"


@pytest.fixture
def us_units(hass: HomeAssistant) -> None:
    """Set Home Assistant to US customary units before the entry loads."""
    hass.config.units = US_CUSTOMARY_SYSTEM


@pytest.mark.parametrize(
    "case",
    [(METRIC_SYSTEM, "L", 1.0), (US_CUSTOMARY_SYSTEM, "gal", LITRES_PER_GALLON)],
    ids=["metric", "us_customary"],
)
async def test_hot_water_available_in_the_owners_units(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    point_at_simulator: NaviLinkSimulator,
    case: tuple[UnitSystem, str, float],
) -> None:
    """Litres for metric owners, gallons for US ones: the same water either way."""
    units, unit, litres_per_unit = case
    hass.config.units = units
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    heater = point_at_simulator.heaters[DEMO_MAC.lower()]
    state = get_state(hass, get_entity_id(hass, SENSOR_DOMAIN, "hot_water_available"))
    assert state.attributes["unit_of_measurement"] == unit
    shown_litres = float(state.state) * litres_per_unit
    assert shown_litres == pytest.approx(heater.hot_water_litres(), rel=0.01)
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)


async def test_options_in_us_customary_units(
    hass: HomeAssistant, us_units: None, init_integration: MockConfigEntry
) -> None:
    """A US customary system shows and takes °F and gallons; °C and L are stored."""
    flow = await hass.config_entries.options.async_init(init_integration.entry_id)
    suggested = {
        str(key): key.description["suggested_value"]
        for key in flow["data_schema"].schema
        if key.description
    }
    assert suggested[CONF_COLD_WATER_TEMPERATURE] == 59.0
    assert suggested[CONF_LITRES_PER_SHOWER] == 10.6

    await hass.config_entries.options.async_configure(
        flow["flow_id"],
        {
            CONF_QUEUE_MAX_AGE: 300,
            CONF_COLD_WATER_TEMPERATURE: 77,
            CONF_LITRES_PER_SHOWER: 15,
            CONF_LOW_HOT_WATER_SHOWERS: 1,
        },
    )
    await hass.async_block_till_done()
    assert init_integration.options[CONF_COLD_WATER_TEMPERATURE] == 25.0
    assert init_integration.options[CONF_LITRES_PER_SHOWER] == pytest.approx(56.78)
    gallons = float(value(hass, "hot_water_available"))
    assert int(value(hass, "showers_available")) == math.floor(
        gallons * LITRES_PER_GALLON / 56.78
    )
