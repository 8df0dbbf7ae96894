"""Energy and maintenance counters read from the simulated heater (queries with a reply)."""

from typing import TYPE_CHECKING, Any
from unittest.mock import patch

from homeassistant.components.sensor import DOMAIN as SENSOR_DOMAIN
from homeassistant.const import STATE_UNAVAILABLE, Platform
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.navien_nwp500.energy import COUNTER_INTERVAL
from custom_components.navien_nwp500.sensor_energy import (
    ENERGY_SENSORS,
    MAINTENANCE_SENSORS,
)
from navilink_sim.profile import REALISTIC

from .conftest import DEMO_MAC
from .helpers import find_entity_id, get_state, wait_for

if TYPE_CHECKING:
    from collections.abc import Iterator

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers import entity_registry as er
    from pytest_homeassistant_custom_component.common import MockConfigEntry
    from syrupy.assertion import SnapshotAssertion

    from custom_components.navien_nwp500.energy import CounterPoller
    from navilink_sim.heater import SimulatedHeater
    from navilink_sim.simulator import NaviLinkSimulator

pytestmark = [
    pytest.mark.simulator(time_scale=0, push_interval=None),
    pytest.mark.platforms(Platform.SENSOR),
    pytest.mark.counters,
]

ENERGY_QUERY = 16777225
DIAGNOSTICS_QUERY = 16777228
ELECTRIC = 2


@pytest.fixture
def quick_queries() -> Iterator[None]:
    """Allow back-to-back counter reads and give up on a silent heater quickly."""
    with (
        patch("custom_components.navien_nwp500.reader.MIN_REREAD", 0),
        patch("custom_components.navien_nwp500.energy.QUERY_TIMEOUT", 0.5),
    ):
        yield


def kwh(hass: HomeAssistant, key: str) -> float:
    """Return sensor ``key``'s state as a number (kWh for energy)."""
    entity_id = find_entity_id(hass, SENSOR_DOMAIN, key)
    assert entity_id is not None
    return float(get_state(hass, entity_id).state)


def available(hass: HomeAssistant, key: str) -> bool:
    """Whether sensor ``key`` exists and is available."""
    entity_id = find_entity_id(hass, SENSOR_DOMAIN, key)
    state = None if entity_id is None else hass.states.get(entity_id)
    return state is not None and state.state != STATE_UNAVAILABLE


def lifetime_kwh(heater: SimulatedHeater) -> tuple[float, float]:
    """Return the simulated heater's lifetime counters (heat pump, elements) in kWh."""
    ts = heater.diagnostics["tsData"]
    return ts["cumulatedPwrHp"] / 1000, ts["cumulatedPwrHe"] / 1000


def queries(heater: SimulatedHeater, code: int) -> int:
    """How many requests with ``code`` the heater has received."""
    return sum(1 for m in heater.received if m["request"]["command"] == code)


def poller(entry: MockConfigEntry) -> CounterPoller:
    """Return the entry's counter poller."""
    return entry.runtime_data.counters


async def reads_done(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Wait until no counter read is under way."""
    await wait_for(hass, lambda: not entry.runtime_data.reader.busy, within=30)


async def counters_read(hass: HomeAssistant) -> None:
    """Wait until the energy and the maintenance sensors have their first values."""
    await wait_for(
        hass,
        lambda: available(hass, "energy_total") and available(hass, "compressor_hours"),
        within=30,
    )


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_snapshot(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    await counters_read(hass)
    await reads_done(hass, init_integration)
    for description in (*ENERGY_SENSORS, *MAINTENANCE_SENSORS):
        entity_id = find_entity_id(hass, SENSOR_DOMAIN, description.key)
        assert entity_id is not None
        entry = entity_registry.async_get(entity_id)
        assert entry == snapshot(name=f"{entity_id}-entry")
        assert get_state(hass, entity_id) == snapshot(name=f"{entity_id}-state")


async def test_energy_sensors_show_the_heaters_own_counters(
    hass: HomeAssistant, init_integration: MockConfigEntry, heater: SimulatedHeater
) -> None:
    await counters_read(hass)
    heat_pump, element = lifetime_kwh(heater)
    assert kwh(hass, "heat_pump_energy") == pytest.approx(heat_pump)
    assert kwh(hass, "element_energy") == pytest.approx(element)
    assert kwh(hass, "energy_total") == pytest.approx(heat_pump + element)
    assert find_entity_id(hass, SENSOR_DOMAIN, "energy") is None  # no estimate too
    state = get_state(hass, find_entity_id(hass, SENSOR_DOMAIN, "energy_total") or "")
    assert state.attributes["state_class"] == "total_increasing"
    assert state.attributes["device_class"] == "energy"
    assert state.attributes["unit_of_measurement"] == "kWh"
    usable = get_state(hass, find_entity_id(hass, SENSOR_DOMAIN, "usable_energy") or "")
    assert usable.attributes["device_class"] == "energy_storage"
    assert "state_class" not in usable.attributes  # stored, not used: no statistics


async def setup_unanswered(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    heater: SimulatedHeater,
    *codes: int,
) -> None:
    """Set the entry up while the heater takes requests ``codes`` but never answers them."""
    original = heater.handle

    def handle(topic: str, payload: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        replies = original(topic, payload)
        return [] if payload.get("request", {}).get("command") in codes else replies

    with (
        patch.object(heater, "handle", handle),
        patch("custom_components.navien_nwp500.energy.QUERY_TIMEOUT", 0.5),
    ):
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        for code in codes:
            await wait_for(
                hass, lambda code=code: queries(heater, code) >= 1, within=30
            )
        await reads_done(hass, entry)


@pytest.mark.usefixtures("point_at_simulator")
async def test_energy_sensors_are_unavailable_until_the_heater_answers(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, heater: SimulatedHeater
) -> None:
    await setup_unanswered(
        hass, mock_config_entry, heater, ENERGY_QUERY, DIAGNOSTICS_QUERY
    )
    for description in ENERGY_SENSORS:
        entity_id = find_entity_id(hass, SENSOR_DOMAIN, description.key)
        assert entity_id is not None
        assert get_state(hass, entity_id).state == STATE_UNAVAILABLE
    assert find_entity_id(hass, SENSOR_DOMAIN, "compressor_hours") is None
    assert (
        find_entity_id(hass, SENSOR_DOMAIN, "power") is not None
    )  # status still flows

    await mock_config_entry.runtime_data.counters.async_refresh_diagnostics()
    await hass.async_block_till_done()
    assert available(hass, "energy_total")
    assert available(hass, "compressor_hours")
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)


@pytest.mark.usefixtures("point_at_simulator")
async def test_the_diagnostics_reply_gives_the_energy_when_the_energy_query_fails(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, heater: SimulatedHeater
) -> None:
    await setup_unanswered(hass, mock_config_entry, heater, ENERGY_QUERY)
    await wait_for(hass, lambda: available(hass, "compressor_hours"), within=30)
    assert kwh(hass, "heat_pump_energy") == pytest.approx(lifetime_kwh(heater)[0])
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)


@pytest.mark.usefixtures("quick_queries")
async def test_counters_refresh_on_schedule_and_keep_the_last_value_without_reply(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    heater: SimulatedHeater,
) -> None:
    await counters_read(hass)
    await reads_done(hass, init_integration)
    before = kwh(hass, "element_energy")
    heater.mode = ELECTRIC
    heater.setpoint = 130
    simulator.advance(1800)
    expected = lifetime_kwh(heater)[1]
    assert expected > before

    async_fire_time_changed(hass, dt_util.utcnow() + COUNTER_INTERVAL)
    await wait_for(
        hass, lambda: kwh(hass, "element_energy") == pytest.approx(expected), within=30
    )

    link = simulator.device_links[DEMO_MAC]
    sent = queries(heater, ENERGY_QUERY)
    link.drop_replies = True
    simulator.advance(1800)
    await reads_done(hass, init_integration)
    await poller(init_integration).async_refresh_energy()  # times out, unanswered
    await wait_for(hass, lambda: queries(heater, ENERGY_QUERY) == sent + 1)
    link.drop_replies = False
    assert kwh(hass, "element_energy") == pytest.approx(expected)  # not invented


async def test_reads_are_never_closer_than_the_spacing(
    hass: HomeAssistant, init_integration: MockConfigEntry, heater: SimulatedHeater
) -> None:
    await counters_read(hass)
    await reads_done(hass, init_integration)
    sent = queries(heater, ENERGY_QUERY)
    counters = poller(init_integration)
    # However slow this machine is, the first read was less than an hour ago.
    with patch("custom_components.navien_nwp500.reader.MIN_REREAD", 3600):
        await counters.async_refresh_energy()
        await counters.async_refresh_energy()
    # Both calls returned without asking: nothing can be on its way to the heater.
    assert queries(heater, ENERGY_QUERY) == sent


@pytest.mark.usefixtures("quick_queries")
async def test_a_device_counter_reset_is_reported_as_is(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    heater: SimulatedHeater,
) -> None:
    await counters_read(hass)
    await reads_done(hass, init_integration)
    assert kwh(hass, "heat_pump_energy") > 100
    heater.reset_energy_counter()
    heater.start_draw(10.0, 1800)
    simulator.advance(3600)
    await poller(init_integration).async_refresh_energy()
    await hass.async_block_till_done()
    assert 0 < kwh(hass, "heat_pump_energy") < 5
    assert kwh(hass, "heat_pump_energy") == pytest.approx(lifetime_kwh(heater)[0])


async def test_maintenance_counters(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    heater: SimulatedHeater,
) -> None:
    await counters_read(hass)
    ta = heater.diagnostics["taData"]
    assert kwh(hass, "compressor_hours") == ta["cumulatedOpTimeComp"]
    days = heater.diagnostics["tsData"]["daysSinceInstallation"]
    assert kwh(hass, "days_installed") == days == REALISTIC.installed_days
    for description in MAINTENANCE_SENSORS:
        entity_id = find_entity_id(hass, SENSOR_DOMAIN, description.key)
        assert entity_id is not None
        entry = entity_registry.async_get(entity_id)
        assert entry is not None
        assert entry.entity_category is not None
        enabled = description.key in {"compressor_hours", "days_installed"}
        assert (entry.disabled_by is None) is enabled, description.key


@pytest.mark.usefixtures("point_at_simulator")
async def test_no_maintenance_sensors_while_the_heater_ignores_diagnostics(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, heater: SimulatedHeater
) -> None:
    await setup_unanswered(hass, mock_config_entry, heater, DIAGNOSTICS_QUERY)
    await wait_for(hass, lambda: available(hass, "energy_total"), within=30)
    assert find_entity_id(hass, SENSOR_DOMAIN, "compressor_hours") is None
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)


async def test_reconnect_reads_the_counters_again(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    heater: SimulatedHeater,
) -> None:
    await counters_read(hass)
    await reads_done(hass, init_integration)
    sent = queries(heater, ENERGY_QUERY)
    coordinator = init_integration.runtime_data
    with patch("custom_components.navien_nwp500.reader.MIN_REREAD", 0):
        simulator.faults.refuse_for(600)
        simulator.faults.drop_all()
        await wait_for(hass, lambda: not coordinator.connected, within=30)
        simulator.faults.stop_refusing()
        await wait_for(hass, lambda: coordinator.connected, within=60)
        await wait_for(hass, lambda: queries(heater, ENERGY_QUERY) > sent, within=30)
