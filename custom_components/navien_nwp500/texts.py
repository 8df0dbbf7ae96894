"""Texts of ours in the user's language: messages, names, numbers, error kinds.

Placeholder values that are words (a feature, a schedule field, a command) are
named through exception texts of their own (``feature_name_vacation_mode``...),
in the language Home Assistant is set to, so that no English word ends up in a
translated message.
"""

import logging
import re
from typing import TYPE_CHECKING, Final

from homeassistant.helpers.translation import async_get_cached_translations

from .const import DOMAIN
from .navilink.cloud import CannotConnectError, UnexpectedResponseError
from .navilink.session import (
    NotConnectedError,
    RequestTimeoutError,
    SessionClosedError,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from homeassistant.core import HomeAssistant

NAMED_PLACEHOLDERS: Final = ("feature", "field")
"""Placeholders whose value is a word with a translated name."""
DECIMAL_COMMA_LANGUAGES: Final = frozenset(
    {
        "bg",
        "ca",
        "cs",
        "da",
        "de",
        "el",
        "es",
        "et",
        "eu",
        "fi",
        "fr",
        "gl",
        "hr",
        "hu",
        "id",
        "it",
        "lt",
        "lv",
        "nb",
        "nl",
        "nn",
        "pl",
        "pt",
        "ro",
        "ru",
        "sk",
        "sl",
        "sr",
        "sv",
        "tr",
        "uk",
        "vi",
    }
)
"""Languages (their primary subtag) that write 40,5 rather than 40.5 (CLDR)."""
_LOGGER = logging.getLogger(__name__)
_NOT_A_KEY: Final = re.compile(r"[^a-z0-9]+")
_ERROR_KINDS: Final = (
    (SessionClosedError, "closed"),
    (NotConnectedError, "offline"),
    (RequestTimeoutError, "no_reply"),
    (UnexpectedResponseError, "unreadable"),
    (CannotConnectError, "unreachable"),
)
"""The kinds of client error an owner is told of, most specific first."""


def exception_text(
    hass: HomeAssistant, key: str, placeholders: Mapping[str, str], fallback: str
) -> str:
    """Return an exception text in the user's language (English, then ``fallback``)."""
    name = f"component.{DOMAIN}.exceptions.{key}.message"
    for language in (hass.config.language, "en"):
        text = async_get_cached_translations(hass, language, "exceptions", DOMAIN).get(
            name
        )
        if text:
            return text.format(**placeholders)
    return fallback


def entity_name(hass: HomeAssistant, platform: str, key: str) -> str:
    """Return the name of our entity ``key`` of ``platform`` in the user's language."""
    name = f"component.{DOMAIN}.entity.{platform}.{key}.name"
    for language in (hass.config.language, "en"):
        text = async_get_cached_translations(hass, language, "entity", DOMAIN).get(name)
        if text:
            return text
    return key


def number_text(
    hass: HomeAssistant | None, value: float, *, digits: int | None = None
) -> str:
    """Write a number for the user's language: "40.5" in English, "40,5" in French.

    Without ``digits``, as short as it goes (``:g``: 40.5, 65); else with that many
    decimals. Without ``hass``, in English.
    """
    text = f"{value:g}" if digits is None else f"{value:.{digits}f}"
    language = hass.config.language if hass is not None else "en"
    if language.split("-")[0].lower() in DECIMAL_COMMA_LANGUAGES:
        return text.replace(".", ",")
    return text


def name_of(hass: HomeAssistant, kind: str, value: str) -> str:
    """Return the translated name of ``value`` (a feature, field or command)."""
    key = f"{kind}_name_{_NOT_A_KEY.sub('_', value.lower()).strip('_')}"
    return exception_text(hass, key, {}, value)


def localized_placeholders(
    hass: HomeAssistant, placeholders: Mapping[str, str]
) -> dict[str, str]:
    """Return ``placeholders`` with their word values named in the user's language."""
    return {
        key: name_of(hass, key, value) if key in NAMED_PLACEHOLDERS else value
        for key, value in placeholders.items()
    }


def translated_message(
    hass: HomeAssistant, key: str, placeholders: Mapping[str, str] | None = None
) -> str:
    """Return the exception text ``key`` in the user's language (the key if none)."""
    return exception_text(hass, key, placeholders or {}, key)


def error_text(hass: HomeAssistant | None, err: Exception) -> str:
    """Say what kind of failure a client error is, in the user's language.

    The client's own text (English, technical) stays with the exception; an
    unexpected kind is logged with it. Without ``hass``, it is that text.
    """
    if hass is None:
        return str(err)
    kind = next((k for cls, k in _ERROR_KINDS if isinstance(err, cls)), "other")
    if kind == "other":
        _LOGGER.warning("Unexpected error from the NaviLink client: %r", err)
    return translated_message(hass, f"error_kind_{kind}")
