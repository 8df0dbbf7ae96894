"""Errors raised when talking to the NaviLink cloud."""

from ..codec import NaviLinkError


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
