"""Total, logging field decoders shared by the model parsers (protocol.md §7).

Every decoder returns None (or an enum's ``UNKNOWN``) instead of raising. A problem
is logged once per (field, problem) per process: malformed values at WARNING, absent
fields at DEBUG, since older firmware legitimately omits newer keys (§5.3).
"""

from collections.abc import Mapping
import logging
import reprlib
from typing import Any

from .enums import WireEnum

_LOGGER = logging.getLogger(__name__)
_REPORTED: set[tuple[str, str]] = set()
_MISSING: Any = object()


def report(field: str, problem: str, value: object, *, missing: bool = False) -> None:
    """Log a decoding problem the first time this (field, problem) pair is seen."""
    key = (field, problem)
    if key in _REPORTED:
        return
    _REPORTED.add(key)
    level = logging.DEBUG if missing else logging.WARNING
    _LOGGER.log(
        level,
        "NaviLink field %s: %s (value %s); treating it as unknown",
        field,
        problem,
        reprlib.repr(value),
    )


def reset_reported() -> None:
    """Forget which problems were logged (tests use it to observe the once-only log)."""
    _REPORTED.clear()


def as_mapping(value: object, scope: str) -> Mapping[str, Any]:
    """Return ``value`` if it is a mapping, else an empty one (logged)."""
    if isinstance(value, Mapping):
        return value
    report(scope, "not an object", value)
    return {}


class Reader:
    """Reads typed values out of one wire object; ``scope`` prefixes log field names."""

    __slots__ = ("raw", "scope")

    def __init__(self, raw: object, scope: str) -> None:
        """Wrap ``raw`` (anything; non-mappings read as empty)."""
        self.raw: Mapping[str, Any] = as_mapping(raw, scope)
        self.scope = scope

    def has(self, key: str) -> bool:
        """Tell whether ``key`` is present."""
        return key in self.raw

    def integer(self, key: str) -> int | None:
        """Read a plain wire integer (bool, float and strings are rejected)."""
        value = self.raw.get(key, _MISSING)
        if value is _MISSING:
            report(f"{self.scope}.{key}", "missing", None, missing=True)
            return None
        if type(value) is not int:
            report(
                f"{self.scope}.{key}",
                f"expected an integer, got {type(value).__name__}",
                value,
            )
            return None
        return value

    def text(self, key: str) -> str | None:
        """Read a wire string."""
        value = self.raw.get(key, _MISSING)
        if value is _MISSING:
            report(f"{self.scope}.{key}", "missing", None, missing=True)
            return None
        if not isinstance(value, str):
            report(
                f"{self.scope}.{key}",
                f"expected a string, got {type(value).__name__}",
                value,
            )
            return None
        return value

    def scaled(self, key: str, divisor: int) -> float | None:
        """Read an integer divided by ``divisor`` (half-°C: 2, deci-°C and L/min x10: 10)."""
        value = self.integer(key)
        return None if value is None else value / divisor

    def half_celsius(self, key: str) -> float | None:
        """HalfCelsius temperature in °C (raw / 2); also ``outsideTemperature``."""
        return self.scaled(key, 2)

    def deci_celsius(self, key: str) -> float | None:
        """DeciCelsius temperature or temperature difference in °C (raw / 10)."""
        return self.scaled(key, 10)

    def one_of(self, key: str, table: Mapping[int, bool | None]) -> bool | None:
        """Read an integer mapped through ``table``; values outside it read as None."""
        value = self.integer(key)
        if value is None:
            return None
        if value not in table:
            report(f"{self.scope}.{key}", "value outside the flag's range", value)
            return None
        return table[value]

    def flag(self, key: str) -> bool | None:
        """Read a 1/2 device boolean where 0 reads as False (§7.1 "bool")."""
        return self.one_of(key, {0: False, 1: False, 2: True})

    def tri(self, key: str) -> bool | None:
        """Read a 1/2 device boolean where 0 means unknown (§7.1 "tri")."""
        return self.one_of(key, {0: None, 1: False, 2: True})

    def nonzero(self, key: str) -> bool | None:
        """Read an integer as "enabled" when non-zero (``touStatus``)."""
        value = self.integer(key)
        return None if value is None else value != 0

    def enum[E: WireEnum](self, key: str, cls: type[E]) -> E:
        """Read an enum member, ``UNKNOWN`` for absent, malformed or undefined values."""
        value = self.integer(key)
        if value is not None and not cls.is_known_value(value):
            report(f"{self.scope}.{key}", f"undefined {cls.__name__} value", value)
        return cls.from_raw(value)
