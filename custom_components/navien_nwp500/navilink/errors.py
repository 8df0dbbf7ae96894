"""Typed errors raised by the NaviLink client."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping


class NaviLinkError(Exception):
    """Base class of every error the client raises."""


class InvalidCredentialsError(NaviLinkError):
    """The e-mail or password was refused; retrying will not help."""


class CannotConnectError(NaviLinkError):
    """The cloud could not be reached or is failing (network, timeout, 5xx, 429)."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        """Keep the server's requested back-off, if it gave one."""
        super().__init__(message)
        self.retry_after = retry_after


class UnexpectedResponseError(NaviLinkError):
    """The cloud answered with something the client cannot read."""


class CommandValidationError(NaviLinkError, ValueError):
    """A command argument is outside the device's limits or capabilities."""

    def __init__(
        self, key: str, message: str, placeholders: Mapping[str, str] | None = None
    ) -> None:
        """Store a stable key and placeholders so callers can translate the error."""
        super().__init__(message)
        self.key = key
        self.placeholders: dict[str, str] = dict(placeholders or {})


class SessionError(NaviLinkError):
    """Base class of errors raised by the MQTT session."""
