"""What an owner reads in French and Spanish holds no English and no raw key.

Two views: every text of the translation files rendered with its placeholders
filled (words such as a feature or a command by their translated names), and a
heater loaded in French or Spanish, each entity's name and state as Home
Assistant shows them.
"""

from functools import partial
import json
from pathlib import Path
import re
import string
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.translation import (
    async_get_translations,
    async_translate_state,
)
import pytest

import custom_components.navien_nwp500
from custom_components.navien_nwp500.const import DOMAIN
from custom_components.navien_nwp500.navilink.cloud import (
    CannotConnectError,
    UnexpectedResponseError,
)
from custom_components.navien_nwp500.navilink.codec import NaviLinkError
from custom_components.navien_nwp500.navilink.session import (
    NotConnectedError,
    RequestTimeoutError,
    SessionClosedError,
    SessionConfig,
)
from custom_components.navien_nwp500.services import SERVICE_SET_RESERVATIONS
from custom_components.navien_nwp500.texts import error_text

from .conftest import DEMO, DEMO_MAC
from .test_calendar import calendar, events

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from navilink_sim.simulator import NaviLinkSimulator

PACKAGE = Path(custom_components.navien_nwp500.__file__).parent
LANGUAGES = ("fr", "es")

ENGLISH_TELLTALES = re.compile(
    r"\b(the|and|with|which|when|was|were|is|are|not|heater|water|command|"
    r"schedules?|hours|enter|sign|check|showers?|power|none|days|of|to|from|for|tank|"
    r"this|your|reservations?|time|uses|left|length|state|price|unknown|within|"
    r"connection)\b",
    re.IGNORECASE,
)
"""Words that only English uses (French and Spanish words are not in it)."""

SAME_AS_ENGLISH = {"Thermostat", "Mode", "mode", "Eco", "Error", "Firmware"}
"""Texts that read the same in these languages (brand, unit and loan words)."""

ACTION_IDENTIFIERS = re.compile(
    r"\b(enabled|days|time|mode|temperature|monday|sunday|heat_pump|electric|eco|"
    r"high_demand|off|HH:MM)\b"
)
"""The field and option names an action takes, quoted as they are typed."""

NAMED = ("feature", "field", "command")
"""Placeholders whose value is a word, given by its translated name."""

DECIMAL_POINT = re.compile(r"\d\.\d")
"""A number written the English way: French and Spanish write 40,5."""


def _flatten(tree: object, path: str = "") -> dict[str, str]:
    if isinstance(tree, str):
        return {path: tree}
    assert isinstance(tree, dict)
    flat: dict[str, str] = {}
    for key, value in tree.items():
        flat |= _flatten(value, f"{path}.{key}" if path else key)
    return flat


def _texts(language: str) -> dict[str, str]:
    path = PACKAGE / "translations" / f"{language}.json"
    return _flatten(json.loads(path.read_text("utf-8")))


def _placeholders(text: str) -> set[str]:
    return {name for _t, name, _f, _c in string.Formatter().parse(text) if name}


def _renderings(language: str, key: str, text: str) -> list[str]:
    """Render ``text`` with each translated name its word placeholders can take."""
    texts = _texts(language)
    values: dict[str, list[str]] = {}
    for name in _placeholders(text):
        prefix = f"exceptions.{name}_name_"
        named = [t for k, t in texts.items() if k.startswith(prefix)]
        values[name] = named if name in NAMED and named else ["12"]
    if not values:
        return [text]
    longest = max(len(v) for v in values.values())
    return [
        text.format(**{name: v[i % len(v)] for name, v in values.items()})
        for i in range(longest)
    ]


def _english_words(key: str, rendered: str) -> list[str]:
    if key.startswith("services."):
        rendered = ACTION_IDENTIFIERS.sub("", rendered)
    return ENGLISH_TELLTALES.findall(rendered)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_renders_in_the_language_with_no_english_word(
    language: str,
) -> None:
    english = _texts("en")
    problems: list[str] = []
    for key, text in _texts(language).items():
        if text == english[key] and text not in SAME_AS_ENGLISH:
            problems.append(f"{key}: same as English {text!r}")
        for rendered in _renderings(language, key, text):
            if words := _english_words(key, rendered):
                problems.append(f"{key}: English {words} in {rendered!r}")
            if "{" in rendered or "}" in rendered:
                problems.append(f"{key}: unfilled placeholder in {rendered!r}")
            if DECIMAL_POINT.search(rendered):
                problems.append(f"{key}: decimal point in {rendered!r}")
    assert not problems, "\n".join(problems)


def test_the_check_finds_english() -> None:
    """Guard the check itself: an English text is caught."""
    assert _english_words("entity.x", "Hot water uses")
    assert _english_words("exceptions.x", "The set-point command was dropped")
    assert not _english_words("entity.x", "Utilisations d'eau chaude")
    assert not _english_words("services.x", "chacune avec days (monday à sunday)")


def test_every_word_placeholder_value_has_a_translated_name() -> None:
    """Each feature, field and command the code names has a text of its own."""
    english = _texts("en")
    for name in NAMED:
        assert any(k.startswith(f"exceptions.{name}_name_") for k in english), name


pytestmark = pytest.mark.usefixtures("entity_registry_enabled_by_default")


def _english_in(entity_id: str, shown: str, english: str | None) -> list[str]:
    """Say what is English in a shown text (Home Assistant falls back to English)."""
    problems = []
    if words := ENGLISH_TELLTALES.findall(shown):
        problems.append(f"{entity_id}: English {words} in {shown!r}")
    if english and english not in SAME_AS_ENGLISH and shown.endswith(english):
        problems.append(f"{entity_id}: English {shown!r}")
    return problems


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_heater_reads_in_the_language(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    point_at_simulator: object,
    language: str,
) -> None:
    """Every entity's name and state as shown: translated, no key, no English."""
    hass.config.language = language
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()

    english = _texts("en")
    problems: list[str] = []
    entries = er.async_entries_for_config_entry(
        er.async_get(hass), mock_config_entry.entry_id
    )
    assert len(entries) > 40
    for entry in entries:
        state = hass.states.get(entry.entity_id)
        if state is None or entry.translation_key is None:
            continue
        base = f"entity.{entry.domain}.{entry.translation_key}"
        name = str(state.attributes.get("friendly_name", ""))
        problems += _english_in(entry.entity_id, name, english.get(f"{base}.name"))
        if state.state in (STATE_UNKNOWN, STATE_UNAVAILABLE) or not re.fullmatch(
            r"[a-z]+(_[a-z]+)*", state.state
        ):
            continue
        shown = async_translate_state(
            hass,
            state.state,
            entry.domain,
            DOMAIN,
            entry.translation_key,
            entry.original_device_class,
        )
        if shown == state.state:
            problems.append(f"{entry.entity_id}: raw state {state.state!r}")
        problems += _english_in(
            entry.entity_id, shown, english.get(f"{base}.state.{state.state}")
        )
    assert not problems, "\n".join(problems)
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)


async def _heater_in(
    hass: HomeAssistant, entry: MockConfigEntry, language: str
) -> dr.DeviceEntry:
    """Set the entry up with Home Assistant in ``language``; return the demo heater."""
    hass.config.language = language
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, DEMO_MAC), entry.entry_id
    )
    assert device is not None
    return device


async def test_an_action_error_names_its_field_in_the_language(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, point_at_simulator: object
) -> None:
    device = await _heater_in(hass, mock_config_entry, "fr")
    entry = {"days": ["monday"], "time": "06:30", "mode": "heat_pump"}

    with pytest.raises(ServiceValidationError) as raised:
        await hass.services.async_call(
            DOMAIN,
            SERVICE_SET_RESERVATIONS,
            {"device_id": device.id, "reservations": [entry]},
            blocking=True,
            return_response=True,
        )

    assert raised.value.translation_key == "invalid_reservation"
    assert raised.value.translation_placeholders == {
        "index": "1",
        "field": "température",
    }
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)


UNPRICED_PLAN = {
    "name": "Tempo",
    "utility": "Régie",
    "schedule": [
        {
            "season": 4095,
            "interval": [
                {
                    "week": 254,
                    "startHour": 0,
                    "startMinute": 0,
                    "endHour": 23,
                    "endMinute": 59,
                }
            ],
        }
    ],
}
"""A TOU plan whose only period has no price (the cloud left it out)."""


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_calendars_read_in_the_language(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    point_at_simulator: NaviLinkSimulator,
    language: str,
) -> None:
    """Each event of the schedule and the TOU plan, unpriced periods too."""
    account = point_at_simulator.accounts.account(DEMO.email)
    assert account is not None
    account.devices[0].tou = UNPRICED_PLAN
    device = await _heater_in(hass, mock_config_entry, language)
    schedule = await calendar(hass, "schedule")
    await hass.services.async_call(
        DOMAIN,
        SERVICE_SET_RESERVATIONS,
        {
            "device_id": device.id,
            "enabled": True,
            "reservations": [
                {"days": ["monday"], "time": "06:30", "mode": mode, "temperature": 50}
                for mode in ("heat_pump", "electric", "eco", "high_demand")
            ]
            + [{"days": ["tuesday"], "time": "07:00", "mode": "off"}],
        },
        blocking=True,
        return_response=True,
    )
    await hass.async_block_till_done()

    found = await events(hass, schedule) + await events(
        hass, await calendar(hass, "tou_plan")
    )
    shown = {e["summary"] for e in found} | {e["description"] for e in found}
    assert len(found) > 2
    assert [text for text in shown if ENGLISH_TELLTALES.search(text)] == []
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_no_first_connection_is_said_in_the_language(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    point_at_simulator: NaviLinkSimulator,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
) -> None:
    """The setup error of a cloud that never answers: translated, 1,5 s as written there."""
    monkeypatch.setattr(
        "custom_components.navien_nwp500.coordinator.SessionConfig",
        partial(SessionConfig, first_connect_timeout=1.5, backoff_min=0.05),
    )
    hass.config.language = language
    point_at_simulator.faults.refuse_for(24 * 3600)
    mock_config_entry.add_to_hass(hass)

    assert not await hass.config_entries.async_setup(mock_config_entry.entry_id)

    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY
    assert mock_config_entry.error_reason_translation_key == "no_connection_within"
    placeholders = mock_config_entry.error_reason_translation_placeholders
    assert placeholders == {"seconds": "1,5"}
    texts = await async_get_translations(hass, language, "exceptions", [DOMAIN])
    shown = texts[f"component.{DOMAIN}.exceptions.no_connection_within.message"]
    shown = shown.format(**placeholders)
    assert " 1,5 s" in shown
    assert not ENGLISH_TELLTALES.search(shown)
    point_at_simulator.faults.stop_refusing()
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)


@pytest.mark.parametrize("language", ["en", *LANGUAGES])
def test_a_mode_has_one_name_everywhere(language: str) -> None:
    """The logbook's and the schedule's mode names are the water heater's."""
    texts = _texts(language)
    state = "entity.water_heater.water_heater.state"
    for mode in ("heat_pump", "eco", "high_demand", "electric", "off"):
        name = texts[f"{state}.{mode}"]
        assert texts[f"exceptions.smart_mode_{mode}.message"] == name, mode
        assert texts[f"selector.reservation_mode.options.{mode}"] == name, mode


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_failing_cloud_is_said_in_the_language(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    point_at_simulator: NaviLinkSimulator,
    language: str,
) -> None:
    """A server error at setup: the owner reads its kind, not the client's English."""
    hass.config.language = language
    point_at_simulator.faults.rest_fail(503, count=10)
    mock_config_entry.add_to_hass(hass)

    assert not await hass.config_entries.async_setup(mock_config_entry.entry_id)

    assert mock_config_entry.error_reason_translation_key == "cannot_connect"
    placeholders = mock_config_entry.error_reason_translation_placeholders
    assert placeholders is not None
    texts = _texts(language)
    assert placeholders == {"error": texts["exceptions.error_kind_unreachable.message"]}
    shown = texts["exceptions.cannot_connect.message"].format(**placeholders)
    assert not ENGLISH_TELLTALES.search(shown)
    assert "HTTP" not in shown


@pytest.mark.parametrize("language", LANGUAGES)
async def test_each_client_error_has_a_kind_in_the_language(
    hass: HomeAssistant, language: str
) -> None:
    hass.config.language = language
    await async_get_translations(hass, language, "exceptions", [DOMAIN])
    errors = [
        SessionClosedError("the session is closed"),
        NotConnectedError("not connected"),
        RequestTimeoutError("no reply within 10 s"),
        UnexpectedResponseError("/device/list: data is not a list"),
        CannotConnectError("/device/list: request timed out"),
        NaviLinkError("something else"),
    ]
    said = [error_text(hass, err) for err in errors]
    assert len(set(said)) == len(errors)
    assert [s for s in said if ENGLISH_TELLTALES.search(s) or "_" in s] == []
