"""Every translation file mirrors ``en.json``: same keys, same placeholders.

When English keys are added, this test lists each key a language lacks together
with its English text, which is all a translator needs to fill the gap.
"""

import json
from pathlib import Path
import re
from typing import TYPE_CHECKING

from homeassistant.components import climate as climate_component
from homeassistant.helpers.translation import async_get_translations
import pytest

from custom_components.navien_nwp500.const import DOMAIN

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

INTEGRATION = Path(__file__).parent.parent / "custom_components" / "navien_nwp500"
TRANSLATIONS = INTEGRATION / "translations"
ENGLISH = TRANSLATIONS / "en.json"
STRINGS = INTEGRATION / "strings.json"
LANGUAGES = sorted(path.stem for path in TRANSLATIONS.glob("*.json"))
OTHER_LANGUAGES = [language for language in LANGUAGES if language != "en"]
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _load(path: Path) -> object:
    return json.loads(path.read_text(encoding="utf-8"))


def _flatten(tree: object, path: str = "") -> dict[str, str]:
    """Map each dotted key path to its text; anything but objects and text fails."""
    if isinstance(tree, str):
        return {path: tree}
    assert isinstance(tree, dict), f"{path or 'the file'} is neither text nor object"
    assert tree, f"{path or 'the file'} is an empty object"
    flat: dict[str, str] = {}
    for key, value in tree.items():
        flat |= _flatten(value, f"{path}.{key}" if path else key)
    return flat


def _strings(language: str) -> dict[str, str]:
    return _flatten(_load(TRANSLATIONS / f"{language}.json"))


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def _listing(keys: set[str], texts: dict[str, str]) -> str:
    return "\n".join(f"  {key}: {texts[key]!r}" for key in sorted(keys))


def test_french_and_spanish_are_shipped() -> None:
    assert {"en", "fr", "es"} <= set(LANGUAGES)


@pytest.mark.parametrize("path", [STRINGS, *sorted(TRANSLATIONS.glob("*.json"))])
def test_file_is_valid_json_of_non_empty_text(path: Path) -> None:
    strings = _flatten(_load(path))
    assert not [key for key, text in strings.items() if not text.strip()]


def test_strings_json_equals_english() -> None:
    assert _load(STRINGS) == _load(ENGLISH)


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_language_has_every_english_key(language: str) -> None:
    english = _strings("en")
    missing = set(english) - set(_strings(language))
    assert not missing, f"{language}.json lacks:\n{_listing(missing, english)}"


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_language_has_no_key_english_lacks(language: str) -> None:
    translated = _strings(language)
    extra = set(translated) - set(_strings("en"))
    assert not extra, (
        f"{language}.json has keys en.json lacks:\n{_listing(extra, translated)}"
    )


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_placeholders_match_english(language: str) -> None:
    english = _strings("en")
    translated = _strings(language)
    differing = {
        key: (sorted(_placeholders(text)), sorted(_placeholders(english[key])))
        for key, text in translated.items()
        if key in english and _placeholders(text) != _placeholders(english[key])
    }
    assert not differing, f"{language}.json placeholders (its, English): {differing}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_apostrophe_right_before_a_placeholder(language: str) -> None:
    """The frontend's ICU message format would print such a placeholder literally."""
    assert not [text for text in _strings(language).values() if "'{" in text]


@pytest.mark.parametrize(
    ("language", "name"),
    [("fr", "Température de l'eau chaude"), ("es", "Temperatura del agua caliente")],
)
async def test_home_assistant_serves_the_translated_entity_names(
    hass: HomeAssistant, language: str, name: str
) -> None:
    translations = await async_get_translations(hass, language, "entity", {DOMAIN})
    key = f"component.{DOMAIN}.entity.sensor.dhw_temperature.name"
    assert translations[key] == name


# The device page's Controls card cuts a name next to a "Press" button at about
# 20 characters (1280 px wide, three columns): "Démarrer le mode vaca…".
CONTROL_BUTTONS = ("start_vacation", "boost")
CONTROL_NAME_MAX = 20


@pytest.mark.parametrize("language", LANGUAGES)
def test_control_button_names_fit_the_device_page(language: str) -> None:
    texts = _strings(language)
    too_long = {
        key: texts[f"entity.button.{key}.name"]
        for key in CONTROL_BUTTONS
        if len(texts[f"entity.button.{key}.name"]) > CONTROL_NAME_MAX
    }
    assert not too_long, f"{language}: names the Controls card would cut: {too_long}"


# The thermostat's row on the device page reads "{action} ({mode}) - {preset}"
# then the set-point, on one line (HA's ha-climate-state): with "65,5 °C" and the
# name cut to its first letter, about 180 px of bold 14 px Roboto, 30 characters.
THERMOSTAT_ROW_MAX = 30
CLIMATE_TRANSLATIONS = Path(climate_component.__file__).parent / "translations"


def _climate_text(ours: dict[str, str], theirs: dict[str, str], key: str) -> str:
    """Our thermostat's name for a state, else Home Assistant's climate name."""
    own = ours.get(f"entity.climate.tank.{key}")
    return own or theirs[f"entity_component._.{key}"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_thermostat_row_fits_the_device_page(language: str) -> None:
    ours = _strings(language)
    theirs = _flatten(_load(CLIMATE_TRANSLATIONS / f"{language}.json"))
    mode = _climate_text(ours, theirs, "state.heat")
    presets = [
        text
        for key, text in ours.items()
        if key.startswith("entity.climate.tank.state_attributes.preset_mode.state.")
    ]
    rows = [
        f"{_climate_text(ours, theirs, f'state_attributes.hvac_action.state.{action}')}"
        f" ({mode}) - {preset}"
        for action in ("heating", "idle")
        for preset in presets
    ]
    too_long = [row for row in rows if len(row) > THERMOSTAT_ROW_MAX]
    assert not too_long, f"{language}: rows past the Controls card: {too_long}"
