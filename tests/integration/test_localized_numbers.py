"""Numbers in what the owner reads are written the way their language writes them.

French and Spanish write "40,5 °C" and "0,52 EUR/kWh"; English "40.5 °C". The
heater (simulated, limits 40.5-65.5 °C, a TOU peak at 0.52/kWh) is loaded in each
language and its texts are read as Home Assistant shows them: an action's error,
the schedule's events and the time-of-use plan's events.
"""

import re
from typing import TYPE_CHECKING, Any

from homeassistant.components.water_heater import (
    DOMAIN as WATER_HEATER_DOMAIN,
    SERVICE_SET_TEMPERATURE,
)
from homeassistant.const import ATTR_ENTITY_ID, ATTR_TEMPERATURE, Platform
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.translation import async_get_translations
import pytest

from custom_components.navien_nwp500.const import DOMAIN
from custom_components.navien_nwp500.services import SERVICE_SET_RESERVATIONS
from custom_components.navien_nwp500.texts import number_text

from .conftest import DEMO_MAC
from .test_calendar import calendar, events

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

pytestmark = [
    pytest.mark.simulator(time_scale=0, push_interval=None),
    pytest.mark.platforms(Platform.CALENDAR, Platform.WATER_HEATER),
]

DECIMAL_POINT = re.compile(r"\d\.\d")
DECIMAL_COMMA = re.compile(r"\d,\d")
LANGUAGES = {"en": ".", "fr": ",", "es": ",", "pt-BR": ",", "de": ","}
"""Each language tested and its decimal separator."""


class _Language:
    """A stand-in for ``hass`` that only has a language (``number_text`` reads it)."""

    def __init__(self, language: str) -> None:
        self.config = type("Config", (), {"language": language})()


@pytest.mark.parametrize(("language", "separator"), LANGUAGES.items())
def test_a_number_is_written_with_the_language_s_separator(
    language: str, separator: str
) -> None:
    hass: Any = _Language(language)
    assert number_text(hass, 40.5) == f"40{separator}5"
    assert number_text(hass, 65.0) == "65"
    assert number_text(hass, 0.52) == f"0{separator}52"
    assert number_text(hass, 104.9, digits=0) == "105"
    assert number_text(hass, 10.56, digits=1) == f"10{separator}6"
    assert number_text(None, 40.5) == "40.5"


async def _rendered(hass: HomeAssistant, err: ServiceValidationError) -> str:
    """Render an error's message in the owner's language, as the frontend does."""
    texts = await async_get_translations(
        hass, hass.config.language, "exceptions", [DOMAIN]
    )
    message = texts[f"component.{DOMAIN}.exceptions.{err.translation_key}.message"]
    return message.format(**(err.translation_placeholders or {}))


def _check(language: str, texts: list[str]) -> None:
    """Every number has the language's separator, never the other one."""
    wrong = DECIMAL_COMMA if LANGUAGES[language] == "." else DECIMAL_POINT
    assert [text for text in texts if wrong.search(text)] == []


@pytest.mark.parametrize("language", ["en", "fr", "es"])
async def test_errors_and_calendars_write_numbers_in_the_language(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    point_at_simulator: object,
    language: str,
) -> None:
    separator = LANGUAGES[language]
    hass.config.language = language
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()

    (water_heater,) = hass.states.async_entity_ids(WATER_HEATER_DOMAIN)
    with pytest.raises(ServiceValidationError) as raised:
        await hass.services.async_call(
            WATER_HEATER_DOMAIN,
            SERVICE_SET_TEMPERATURE,
            {ATTR_ENTITY_ID: water_heater, ATTR_TEMPERATURE: 80},
            blocking=True,
        )
    error = await _rendered(hass, raised.value)
    assert f"40{separator}5 °C" in error
    assert f"65{separator}5 °C" in error

    schedule = await calendar(hass, "schedule")
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, DEMO_MAC), mock_config_entry.entry_id
    )
    assert device is not None
    entry = {"days": ["monday"], "time": "06:30", "mode": "heat_pump"}
    await hass.services.async_call(
        DOMAIN,
        SERVICE_SET_RESERVATIONS,
        {
            "device_id": device.id,
            "enabled": True,
            "reservations": [entry | {"temperature": 55.5}],
        },
        blocking=True,
        return_response=True,
    )
    await hass.async_block_till_done()
    found = await events(hass, schedule)
    assert found
    assert all(f"55{separator}5 °C" in event["description"] for event in found)

    tou = await calendar(hass, "tou_plan")
    prices = [event["summary"] for event in await events(hass, tou)]
    assert any(price.startswith(f"0{separator}52 ") for price in prices)

    _check(language, [error, *prices, *(e["description"] for e in found)])
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)
