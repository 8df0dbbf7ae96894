"""The MQTT connection: one self-healing session for every heater of an account."""

from .queue import CommandOutcome
from .session import NaviLinkSession
from .session_types import (
    AuthFailedError,
    FirstConnectTimeoutError,
    NotConnectedError,
    RequestTimeoutError,
    SendOutcome,
    SessionClosedError,
    SessionConfig,
    SessionError,
    SessionState,
    UnstableConnectionError,
    WrongContextError,
)

__all__ = [
    "AuthFailedError",
    "CommandOutcome",
    "FirstConnectTimeoutError",
    "NaviLinkSession",
    "NotConnectedError",
    "RequestTimeoutError",
    "SendOutcome",
    "SessionClosedError",
    "SessionConfig",
    "SessionError",
    "SessionState",
    "UnstableConnectionError",
    "WrongContextError",
]
