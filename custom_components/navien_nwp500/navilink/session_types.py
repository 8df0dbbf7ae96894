"""Public vocabulary of the MQTT session: states, settings, outcomes and errors."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .errors import SessionError


class SessionState(StrEnum):
    """Where the session's connection loop is."""

    IDLE = "idle"  # not started (or a failed start())
    CONNECTING = "connecting"  # an attempt is under way
    CONNECTED = "connected"  # subscribed; commands flow
    BACKING_OFF = "backing_off"  # waiting before the next attempt
    AUTH_FAILED = "auth_failed"  # the password was refused; the loop stopped
    CLOSED = "closed"  # close() was called; final


@dataclass(frozen=True, slots=True)
class SessionConfig:
    """Timings and limits of a session (seconds unless the name says otherwise)."""

    first_connect_timeout: float = 10.0  # start(); also bounds every later attempt
    keep_alive_s: int = 60  # a dead path is noticed within keep_alive + ping timeout
    ping_timeout_ms: int = 10_000
    backoff_min: float = 1.0
    backoff_max: float = 120.0
    stable_after: float = 30.0  # a connection this old resets the attempt count
    request_timeout: float = 30.0  # query() replies, publish/subscribe acks
    queue_enabled: bool = True
    queue_max_size: int = 100
    queue_max_age: float = 300.0
    control_spacing: float = 2.0  # between paced controls to one device (§17.4)
    takeover_window: float = 60.0
    takeover_limit: int = 3  # short-lived connections in the window = takeover
    control_confirm_timeout: float = 10.0  # wait for ack or ctrl-fail of a control
    control_refusal_limit: int = 5  # ctrl-fail answers before a control is dropped
    control_resend_limit: int = 1  # resends of a control a status showed not applied
    push_silence: float = 600.0  # no unprompted status this long: poll the heater
    silent_poll_interval: float = 60.0  # status request period while polling


class SendOutcome(StrEnum):
    """What ``send()`` did with a command."""

    SENT = "sent"  # published and acknowledged by the broker
    QUEUED = "queued"  # waiting for the connection (or behind other commands)


class NotConnectedError(SessionError):
    """The queue is disabled (or the call is never queued) and there is no connection."""


class RequestTimeoutError(SessionError):
    """A request got no reply in time."""


class SessionClosedError(SessionError):
    """The session was closed."""


class WrongContextError(SessionError):
    """The session was used from a forked child process or another event loop."""


class TakeoverError(SessionError):
    """Another client keeps taking our MQTT client ID (reported, not raised)."""


class AuthFailedError(SessionError):
    """The password was refused while reconnecting (reported with AUTH_FAILED)."""
