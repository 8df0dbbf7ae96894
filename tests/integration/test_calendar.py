"""Schedule and TOU calendars against the simulator (MQTT schedule, REST TOU plan)."""

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.components.calendar import DOMAIN as CALENDAR_DOMAIN
from homeassistant.const import Platform
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util
import pytest

from custom_components.navien_nwp500 import services
from custom_components.navien_nwp500.const import DOMAIN

from .conftest import DEMO_MAC
from .helpers import find_entity_id, get_state, wait_for

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers import entity_registry as er
    from pytest_homeassistant_custom_component.common import MockConfigEntry
    from syrupy.assertion import SnapshotAssertion

    from navilink_sim.heater import SimulatedHeater

pytestmark = [
    pytest.mark.simulator(time_scale=0, push_interval=None),
    pytest.mark.platforms(Platform.CALENDAR),
]

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday"]
SCHEDULE = [
    {"days": WEEKDAYS, "time": "06:30", "mode": "high_demand", "temperature": 55.5},
    {"days": WEEKDAYS, "time": "22:00", "mode": "heat_pump", "temperature": 50.0},
]


async def calendar(hass: HomeAssistant, key: str) -> str:
    """Wait until calendar ``key`` has read its detail; return its entity ID."""
    await wait_for(hass, lambda: find_entity_id(hass, CALENDAR_DOMAIN, key) is not None)
    entity_id = find_entity_id(hass, CALENDAR_DOMAIN, key)
    assert entity_id is not None
    await wait_for(hass, lambda: get_state(hass, entity_id).state != "unavailable")
    return entity_id


async def events(hass: HomeAssistant, entity_id: str, days: int = 7) -> list[Any]:
    """Return the calendar's events of the next ``days`` days."""
    start = dt_util.start_of_local_day()
    response = await hass.services.async_call(
        CALENDAR_DOMAIN,
        "get_events",
        {
            "entity_id": entity_id,
            "start_date_time": start,
            "end_date_time": start + timedelta(days=days),
        },
        blocking=True,
        return_response=True,
    )
    assert response is not None
    found = response[entity_id]
    assert isinstance(found, dict)
    return list(found["events"])


async def test_snapshot(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Registry entries of both calendars."""
    for key in ("schedule", "tou_plan"):
        entity_id = await calendar(hass, key)
        assert entity_registry.async_get(entity_id) == snapshot(name=key)


async def test_schedule_follows_a_write(
    hass: HomeAssistant, init_integration: MockConfigEntry, heater: SimulatedHeater
) -> None:
    """An empty schedule has no events; a confirmed write shows at once."""
    entity_id = await calendar(hass, "schedule")
    assert await events(hass, entity_id) == []
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, DEMO_MAC), init_integration.entry_id
    )
    assert device is not None
    read_before = len(heater.received)

    await hass.services.async_call(
        DOMAIN,
        services.SERVICE_SET_RESERVATIONS,
        {"device_id": device.id, "enabled": True, "reservations": SCHEDULE},
        blocking=True,
        return_response=True,
    )
    await hass.async_block_till_done()
    found = await events(hass, entity_id)
    # No extra read: the write's confirmation is shown (read, write, and no more).
    assert len(heater.received) - read_before == 2
    weekday_events = [
        e for e in found if datetime.fromisoformat(e["start"]).weekday() < 5
    ]
    assert weekday_events
    morning = next(e for e in found if "T06:30" in e["start"])
    assert morning["summary"] == "High demand"
    assert morning["description"] == "High demand, 55.5 °C"
    assert datetime.fromisoformat(morning["end"]).hour == 22
    assert all(datetime.fromisoformat(e["start"]).weekday() < 5 for e in found)


async def test_tou_plan_events(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The simulator's plan: a weekday peak from 16 to 21 h at 0.52/kWh."""
    await calendar(hass, "schedule")  # no read left running at unload
    entity_id = await calendar(hass, "tou_plan")
    found = await events(hass, entity_id)
    peaks = [e for e in found if e["summary"].startswith("0.52 ")]
    weekdays = {datetime.fromisoformat(e["start"]).weekday() for e in peaks}
    assert weekdays == {0, 1, 2, 3, 4}
    for peak in peaks:
        assert datetime.fromisoformat(peak["start"]).hour == 16
        assert datetime.fromisoformat(peak["end"]).hour == 21
    assert "Simulated TOU plan" in peaks[0]["description"]


async def test_no_schedule_support_no_calendars(
    hass: HomeAssistant, heater: SimulatedHeater, mock_config_entry: MockConfigEntry
) -> None:
    """A heater without schedule support gets neither calendar (only smart heating's)."""
    feature = heater.feature | {"programReservationUse": 1}
    with pytest.MonkeyPatch.context() as patcher:
        patcher.setattr(type(heater), "feature", property(lambda _self: feature))
        mock_config_entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        await hass.async_block_till_done()
        assert hass.states.async_entity_ids(CALENDAR_DOMAIN) == ["calendar.nwp500_plan"]
        assert await hass.config_entries.async_unload(mock_config_entry.entry_id)


async def test_eco_and_off_events_use_the_integrations_mode_names(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Eco and off reservations read as the action's eco and off, not wire names."""
    entity_id = await calendar(hass, "schedule")
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, DEMO_MAC), init_integration.entry_id
    )
    assert device is not None
    reservations = [
        {"days": WEEKDAYS, "time": "07:00", "mode": "eco", "temperature": 50.0},
        {"days": WEEKDAYS, "time": "23:00", "mode": "off"},
    ]
    await hass.services.async_call(
        DOMAIN,
        services.SERVICE_SET_RESERVATIONS,
        {"device_id": device.id, "enabled": True, "reservations": reservations},
        blocking=True,
        return_response=True,
    )
    found = await events(hass, entity_id)
    morning = next(e for e in found if "T07:00" in e["start"])
    night = next(e for e in found if "T23:00" in e["start"])
    assert morning["summary"] == "Eco"
    assert morning["description"] == "Eco, 50 °C"
    assert night["summary"] == "Off"
