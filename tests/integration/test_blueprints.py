"""The blueprints load with HA's blueprint integration and run as automations.

Each blueprint is validated as an automation blueprint, instantiated with
inputs into an automation config that Home Assistant's own validation accepts,
and then run: the action it calls is captured with our action's real schema
(where the action exists), so what a user imports is what the action accepts.
"""

from datetime import date, datetime, timedelta
from pathlib import Path
import shutil
from typing import TYPE_CHECKING, Any, override
from urllib.parse import quote

from homeassistant.components.automation.config import async_validate_config_item
from homeassistant.components.blueprint import models
from homeassistant.components.blueprint.schemas import BLUEPRINT_SCHEMA
from homeassistant.components.calendar import (
    DATA_COMPONENT as CALENDAR,
    CalendarEntity,
    CalendarEvent,
)
from homeassistant.core import ServiceCall, callback
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    entity_registry as er,
)
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util, yaml as yaml_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.navien_nwp500 import async_setup
from custom_components.navien_nwp500.const import DOMAIN

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.core import HomeAssistant

ROOT = Path(__file__).parents[2]
FOLDER = ROOT / "blueprints" / "automation" / DOMAIN
REPOSITORY = "https://github.com/navien-nwp500-ha/navien_nwp500"
BLUEPRINTS = sorted(path.name for path in FOLDER.glob("*.yaml"))
HEATER = "0123456789abcdef0123456789abcdef"
INPUTS: dict[str, dict[str, Any]] = {
    "low_hot_water.yaml": {"low_hot_water": "binary_sensor.nwp500_low_hot_water"},
    "boost_before_event.yaml": {"calendar": "calendar.family", "heater": HEATER},
    "vacation_from_calendar.yaml": {"calendar": "calendar.family", "heater": HEATER},
}


def _load(name: str) -> models.Blueprint:
    data = yaml_util.load_yaml_dict(FOLDER / name)
    return models.Blueprint(
        data, path=name, expected_domain="automation", schema=BLUEPRINT_SCHEMA
    )


def _automation(name: str, **inputs: Any) -> dict[str, Any]:
    """Return an automation from blueprint ``name``; its entity is ``automation.<stem>``."""
    stem = name.removesuffix(".yaml")
    return {
        "id": stem,
        "alias": stem,
        "use_blueprint": {
            "path": f"{DOMAIN}/{name}",
            "input": INPUTS[name] | inputs,
        },
    }


@pytest.fixture
def blueprint_home(hass: HomeAssistant, tmp_path: Path) -> None:
    """Give Home Assistant a config folder that holds our blueprints only."""
    hass.config.config_dir = str(tmp_path)
    shutil.copytree(FOLDER, tmp_path / "blueprints" / "automation" / DOMAIN)


@pytest.fixture(autouse=True)
async def turn_automations_off(hass: HomeAssistant) -> AsyncIterator[None]:
    """Detach the automations' triggers (and their calendar timers) after a test."""
    yield
    if hass.services.has_service("automation", "turn_off"):
        await hass.services.async_call(
            "automation", "turn_off", {"entity_id": "all"}, blocking=True
        )


def _capture(hass: HomeAssistant, domain: str, action: str) -> list[ServiceCall]:
    """Record calls to an action; ours keep the schema the integration registered."""
    calls: list[ServiceCall] = []
    registered = hass.services.async_services_for_domain(domain).get(action)

    @callback
    def record(call: ServiceCall) -> None:
        calls.append(call)

    hass.services.async_register(
        domain, action, record, None if registered is None else registered.schema
    )
    return calls


async def _start(hass: HomeAssistant, *automations: dict[str, Any]) -> None:
    assert await async_setup(hass, {})
    assert await async_setup_component(
        hass, "automation", {"automation": list(automations)}
    )
    await hass.async_block_till_done()


class FamilyCalendar(CalendarEntity):
    """A calendar whose events the test decides."""

    _attr_name = "Family"

    def __init__(self, events: list[CalendarEvent]) -> None:
        """Hold ``events``."""
        self.entity_id = "calendar.family"
        self._events = events

    @property
    @override
    def event(self) -> CalendarEvent | None:
        return None

    @override
    async def async_get_events(
        self, hass: HomeAssistant, start_date: datetime, end_date: datetime
    ) -> list[CalendarEvent]:
        return [
            event
            for event in self._events
            if event.start_datetime_local < end_date
            and event.end_datetime_local > start_date
        ]


def _local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=dt_util.get_default_time_zone())


async def _with_calendar(hass: HomeAssistant, events: list[CalendarEvent]) -> None:
    assert await async_setup_component(hass, "calendar", {})
    await hass.data[CALENDAR].async_add_entities([FamilyCalendar(events)])


async def _advance_to(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, until: str
) -> None:
    """Let time pass in the calendar trigger's 15-minute steps, up to ``until``."""
    end = _local(until)
    while dt_util.now() < end:
        freezer.tick(min(timedelta(minutes=15), end - dt_util.now()))
        # once for the trigger's refresh, once for the events it just queued
        for _ in range(2):
            async_fire_time_changed(hass)
            await hass.async_block_till_done()


def test_every_blueprint_has_inputs_in_this_test() -> None:
    assert sorted(INPUTS) == BLUEPRINTS


@pytest.mark.parametrize("name", BLUEPRINTS)
def test_blueprint_is_a_valid_automation_blueprint(name: str) -> None:
    blueprint = _load(name)
    assert blueprint.domain == "automation"
    assert blueprint.validate() is None
    source = blueprint.metadata["source_url"]
    assert source == f"{REPOSITORY}/blob/main/blueprints/automation/{DOMAIN}/{name}"


@pytest.mark.parametrize("name", BLUEPRINTS)
def test_the_readme_has_an_import_button_for_it(name: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    source = _load(name).metadata["source_url"]
    encoded = quote(source, safe="")
    assert f"redirect/blueprint_import/?blueprint_url={encoded}" in readme


@pytest.mark.usefixtures("blueprint_home")
@pytest.mark.parametrize("name", BLUEPRINTS)
async def test_instantiated_blueprint_is_an_automation_home_assistant_accepts(
    hass: HomeAssistant, name: str
) -> None:
    config = _automation(name)
    inputs = models.BlueprintInputs(_load(name), config)
    inputs.validate()
    assert "use_blueprint" not in inputs.async_substitute()
    assert await async_setup_component(hass, "automation", {})
    validated = await async_validate_config_item(hass, name, config)
    assert validated is not None
    assert validated.validation_error is None
    assert validated.raw_blueprint_inputs == config


@pytest.mark.usefixtures("blueprint_home")
async def test_low_hot_water_notifies_with_the_heater_name(hass: HomeAssistant) -> None:
    entry = MockConfigEntry(domain=DOMAIN)
    entry.add_to_hass(hass)
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={(DOMAIN, "h")}, name="Basement"
    )
    low = er.async_get(hass).async_get_or_create(
        "binary_sensor", DOMAIN, "h-low", device_id=device.id, config_entry=entry
    )
    hass.states.async_set(low.entity_id, "off")
    sent = _capture(hass, "notify", "phone")
    config = _automation("low_hot_water.yaml", notify_action="notify.phone")
    config["use_blueprint"]["input"]["low_hot_water"] = low.entity_id
    await _start(hass, config)

    hass.states.async_set(low.entity_id, "on")
    await hass.async_block_till_done()
    assert sent == []  # the default 5 minutes have not passed
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(minutes=5, seconds=1))
    await hass.async_block_till_done()
    assert [call.data["message"] for call in sent] == [
        "Basement: hot water is running low."
    ]


@pytest.mark.usefixtures("blueprint_home")
async def test_vacation_lasts_as_long_as_the_matching_event(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(_local("2026-12-19T23:00:00"))
    await _with_calendar(
        hass,
        [
            CalendarEvent(
                _local("2026-12-20T09:00"), _local("2026-12-20T10:00"), "Dentist"
            ),
            CalendarEvent(date(2026, 12, 20), date(2026, 12, 27), "trip to Lisbon"),
            CalendarEvent(
                _local("2026-12-20T18:00"), _local("2026-12-22T09:00"), "Trip home"
            ),
            CalendarEvent(date(2026, 12, 21), date(2027, 6, 1), "Trip round the world"),
        ],
    )
    await _start(hass, _automation("vacation_from_calendar.yaml", match="Trip"))
    calls = _capture(hass, DOMAIN, "set_vacation")

    await _advance_to(hass, freezer, "2026-12-21T01:00:00")
    assert [(call.data["device_id"], call.data["days"]) for call in calls] == [
        ([HEATER], 7),
        ([HEATER], 2),
        ([HEATER], 30),
    ]


@pytest.mark.usefixtures("blueprint_home")
@pytest.mark.parametrize(
    ("temperature", "expected"), [(None, None), (0, None), (60.5, 60.5)]
)
async def test_boost_before_the_event(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    temperature: float | None,
    expected: float | None,
) -> None:
    freezer.move_to(_local("2026-12-20T12:00:00"))
    guests = CalendarEvent(
        _local("2026-12-20T18:00"), _local("2026-12-20T23:00"), "Guests"
    )
    await _with_calendar(hass, [guests])
    inputs: dict[str, Any] = {"boost_duration": {"hours": 2, "minutes": 30}}
    if temperature is not None:
        inputs["temperature"] = temperature
    await _start(hass, _automation("boost_before_event.yaml", **inputs))
    calls = _capture(hass, DOMAIN, "boost")

    await _advance_to(hass, freezer, "2026-12-20T15:59:00")
    assert calls == []  # the default lead time is 2 hours
    await _advance_to(hass, freezer, "2026-12-20T16:00:01")
    assert len(calls) == 1
    data = calls[0].data
    assert data["device_id"] == [HEATER]
    assert cv.time_period(data["duration"]) == timedelta(hours=2, minutes=30)
    assert data.get("temperature") == expected
