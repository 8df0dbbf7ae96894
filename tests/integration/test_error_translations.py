"""Every error a user can see has a translation key with English text that fills in.

Two views: the source (every key any exception or form error is raised with,
found with ``ast``, exists in ``en.json`` and gets every placeholder its text
names) and behaviour (each command builder's refusal becomes a
``ServiceValidationError`` with its own key and complete placeholders).
"""

import ast
import json
from pathlib import Path
import string
from typing import TYPE_CHECKING, Any

from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.translation import async_load_integrations
import pytest

import custom_components.navien_nwp500
from custom_components.navien_nwp500.const import DOMAIN
from custom_components.navien_nwp500.helpers import translate_navilink_error
from custom_components.navien_nwp500.navilink.codec import (
    CommandValidationError,
    Device,
    DeviceFeature,
    DhwTemperaturePrecision,
    ReservationEntry,
    ReservationMode,
    commands,
)
from custom_components.navien_nwp500.navilink.session import CommandOutcome
from custom_components.navien_nwp500.texts import name_of

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.core import HomeAssistant

PACKAGE = Path(custom_components.navien_nwp500.__file__).parent
ENGLISH = json.loads((PACKAGE / "translations" / "en.json").read_text("utf-8"))
EXCEPTIONS: dict[str, dict[str, str]] = ENGLISH["exceptions"]
DEVICE = Device(mac="aabbccddeeff", additional_value="1", device_type=52, name="x")
NOTHING_ALLOWED = DeviceFeature(
    power_use=False,
    dhw_use=False,
    anti_legionella_setting_use=False,
    program_reservation_use=False,
    dr_setting_use=False,
    dhw_temperature_setting_use=DhwTemperaturePrecision.DISABLED,
)

LIMITS = DeviceFeature(dhw_temperature_min=40.0, dhw_temperature_max=60.0)


def placeholders_of(message: str) -> set[str]:
    """Return the ``{name}`` placeholders a translated message uses."""
    return {name for _t, name, _f, _c in string.Formatter().parse(message) if name}


def _call_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _literal_keys(node: ast.expr | None) -> set[str] | None:
    """Return the keys of a dict literal (None when it is not a literal)."""
    if node is None:
        return set()
    if isinstance(node, ast.Dict) and all(
        isinstance(k, ast.Constant) for k in node.keys
    ):
        return {str(k.value) for k in node.keys if isinstance(k, ast.Constant)}
    return None


def raised_exception_keys() -> list[tuple[str, str, set[str] | None]]:
    """Return (module, key, placeholders given) for every literal key raised."""
    found: list[tuple[str, str, set[str] | None]] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = str(path.relative_to(PACKAGE))
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            keywords = {k.arg: k.value for k in node.keywords}
            key = keywords.get("translation_key")
            if isinstance(key, ast.Constant) and _call_name(node).endswith(
                ("Error", "Failed", "NotReady")
            ):
                given = _literal_keys(keywords.get("translation_placeholders"))
                found.append((module, str(key.value), given))
            if _call_name(node) == "CommandValidationError" and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant):
                    given = _literal_keys(node.args[2] if len(node.args) > 2 else None)
                    found.append((module, str(first.value), given))
            if _call_name(node) == "_int_in_range" and len(node.args) > 2:
                third = node.args[2]
                if isinstance(third, ast.Constant):
                    found.append((module, str(third.value), {"min", "max"}))
    return found


def flow_error_keys() -> set[str]:
    """Return every form error (``{"base": key}``) the config flow can show."""
    tree = ast.parse((PACKAGE / "config_flow.py").read_text("utf-8"))
    keys: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if (
                    isinstance(key, ast.Constant)
                    and key.value == "base"
                    and isinstance(value, ast.Constant)
                ):
                    keys.add(str(value.value))
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and any(
                isinstance(t, ast.Subscript)
                and isinstance(t.slice, ast.Constant)
                and t.slice.value == "base"
                for t in node.targets
            )
        ):
            keys.add(str(node.value.value))
    return keys


RAISED = raised_exception_keys()


def test_the_scan_finds_the_known_raises() -> None:
    """Guard the scan itself: it sees raises in the integration and the client."""
    keys = {key for _m, key, _p in RAISED}
    assert {"invalid_auth", "not_connected", "invalid_mode", "invalid_days"} <= keys
    assert flow_error_keys() >= {"invalid_auth", "cannot_connect", "unknown"}


@pytest.mark.parametrize(
    ("module", "key", "given"), RAISED, ids=[f"{m}:{k}" for m, k, _g in RAISED]
)
def test_every_raised_key_has_english_text(
    module: str, key: str, given: set[str] | None
) -> None:
    assert key in EXCEPTIONS, f"{module} raises {key!r} with no text in en.json"
    needed = placeholders_of(EXCEPTIONS[key]["message"])
    if given is not None:
        assert needed <= given, f"{module}: {key!r} misses {needed - given}"


@pytest.mark.parametrize("key", sorted(flow_error_keys()))
def test_every_config_flow_error_has_english_text(key: str) -> None:
    assert ENGLISH["config"]["error"][key]


@pytest.mark.parametrize(
    "outcome",
    [o for o in CommandOutcome if o not in {"delivered", "superseded"}],
)
def test_every_undelivered_outcome_has_english_text(outcome: CommandOutcome) -> None:
    message = EXCEPTIONS[f"command_{outcome.value}"]["message"]
    assert placeholders_of(message) <= {"command", "heater"}


def _entry(**changes: Any) -> ReservationEntry:
    fields: dict[str, Any] = {
        "enabled": True,
        "week": 0b0111_1110,
        "hour": 6,
        "minute": 30,
        "mode": ReservationMode.HEAT_PUMP,
        "temperature": 50.0,
    } | changes
    return ReservationEntry(**fields)


REFUSALS: list[tuple[str, Callable[[], object], dict[str, str]]] = [
    ("invalid_mode", lambda: commands.set_dhw_mode(DEVICE, None, 9), {"mode": "9"}),
    (
        "invalid_days",
        lambda: commands.set_vacation(DEVICE, None, 31),
        {"min": "1", "max": "30"},
    ),
    (
        "invalid_days",
        lambda: commands.anti_legionella(DEVICE, None, True, 0),
        {"min": "1", "max": "30"},
    ),
    (
        "temperature_out_of_range",
        lambda: commands.set_dhw_temperature(DEVICE, None, 99),
        {"min": "35 °C", "max": "65.5 °C"},
    ),
    (
        "invalid_months",
        lambda: commands.energy_query(DEVICE, None, 2026, [13]),
        {"min": "1", "max": "12"},
    ),
    (
        "invalid_year",
        lambda: commands.energy_query(DEVICE, None, 1999, [1]),
        {"min": "2000", "max": "2100"},
    ),
    (
        "invalid_reservation",
        lambda: commands.reservation_write(DEVICE, LIMITS, [_entry(hour=24)], True),
        {"index": "1", "field": "time"},
    ),
    (
        "reservation_temperature_out_of_range",
        lambda: commands.reservation_write(
            DEVICE, LIMITS, [_entry(), _entry(temperature=70.0)], True
        ),
        {"index": "2", "temperature": "70.0", "min": "40", "max": "60"},
    ),
    (
        "reservation_limits_unknown",
        lambda: commands.reservation_write(DEVICE, None, [_entry()], True),
        {},
    ),
    (
        "not_supported",
        lambda: commands.power(DEVICE, NOTHING_ALLOWED, True),
        {"feature": "power control"},
    ),
    (
        "not_supported",
        lambda: commands.set_dhw_temperature(DEVICE, NOTHING_ALLOWED, 50),
        {"feature": "temperature control"},
    ),
]


@pytest.mark.parametrize(
    ("key", "build", "placeholders"),
    REFUSALS,
    ids=[f"{key}-{i}" for i, (key, _b, _p) in enumerate(REFUSALS)],
)
def test_builder_refusals_become_translated_validation_errors(
    key: str, build: Callable[[], object], placeholders: dict[str, str]
) -> None:
    with pytest.raises(CommandValidationError) as raised:
        build()
    translated = translate_navilink_error(raised.value)
    assert isinstance(translated, ServiceValidationError)
    assert translated.translation_key == key
    given = translated.translation_placeholders or {}
    assert placeholders.items() <= given.items()
    assert placeholders_of(EXCEPTIONS[key]["message"]) <= set(given)


def _named_values() -> set[tuple[str, str]]:
    """Return every (placeholder, word) the code gives a feature or field error."""
    found: set[tuple[str, str]] = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    if (
                        isinstance(key, ast.Constant)
                        and key.value in {"feature", "field"}
                        and isinstance(value, ast.Constant)
                    ):
                        found.add((str(key.value), str(value.value)))
            if isinstance(node, ast.Call) and len(node.args) == 3:
                name, label = _call_name(node), node.args[2]
                if name == "require" and isinstance(label, ast.Constant):
                    found.add(("feature", str(label.value)))
                if name == "_invalid_entry" and isinstance(node.args[1], ast.Constant):
                    found.add(("field", str(node.args[1].value)))
    return found


NAMED_VALUES = sorted(_named_values())


def test_the_named_value_scan_finds_the_known_ones() -> None:
    assert {("feature", "vacation mode"), ("field", "time")} <= set(NAMED_VALUES)


@pytest.mark.parametrize(("placeholder", "value"), NAMED_VALUES)
async def test_every_named_value_has_a_name_in_each_language(
    hass: HomeAssistant, placeholder: str, value: str
) -> None:
    hass.config.language = "fr"
    await async_load_integrations(hass, {DOMAIN})
    assert name_of(hass, placeholder, value) != value or value == "mode"


async def test_a_refusal_names_the_feature_in_the_users_language(
    hass: HomeAssistant,
) -> None:
    hass.config.language = "es"
    await async_load_integrations(hass, {DOMAIN})
    with pytest.raises(CommandValidationError) as raised:
        commands.power(DEVICE, NOTHING_ALLOWED, True)
    translated = translate_navilink_error(raised.value, hass)
    assert translated.translation_placeholders == {"feature": "el encendido y apagado"}
