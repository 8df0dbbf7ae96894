"""The client's base error and the one the command builders raise."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping


class NaviLinkError(Exception):
    """Base class of every error the client raises."""


class CommandValidationError(NaviLinkError, ValueError):
    """A command argument is outside the device's limits or capabilities."""

    def __init__(
        self, key: str, message: str, placeholders: Mapping[str, str] | None = None
    ) -> None:
        """Store a stable key and placeholders so callers can translate the error."""
        super().__init__(message)
        self.key = key
        self.placeholders: dict[str, str] = dict(placeholders or {})
