"""Public vocabulary of the MQTT session: states, settings, outcomes and errors."""

from dataclasses import dataclass
from enum import StrEnum

from ..cloud import CannotConnectError
from ..codec import NaviLinkError


class SessionError(NaviLinkError):
    """Base class of errors raised by the MQTT session."""


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

    first_connect_timeout: float = 10.0  # start(); also bounds every link operation
    keep_alive_s: int = 60  # a dead path is noticed within keep_alive + ping timeout
    ping_timeout_ms: int = 10_000
    # Reconnect slots (every slot is kept within backoff_min..backoff_max):
    backoff_min: float = 0.5  # the first slot of an outage is drawn between this
    backoff_first_max: float = 2.0  # ... and this
    backoff_quick_min: float = 5.0  # later slots while the outage is young
    backoff_quick_max: float = 10.0
    backoff_quick_for: float = 120.0  # how long an outage counts as young
    backoff_max: float = 120.0  # the cap once it lasts
    stable_after: float = 30.0  # a connection this old ends the outage
    request_timeout: float = 30.0  # query() replies, publish/subscribe acks
    key_renewal_timeout: float = 60.0  # renewing the AWS keys before an attempt
    queue_enabled: bool = True
    queue_max_size: int = 100
    queue_max_age: float = 300.0
    control_spacing: float = 2.0  # between paced controls to one device (§17.4)
    flap_window: float = 60.0
    flap_limit: int = 3  # connections shorter than stable_after in the window
    flap_backoff_min: float = 15.0  # slots while connections keep dropping
    flap_backoff_max: float = 30.0  # right after they are made
    flap_report_after: float = 900.0  # flapping this long is reported as an error
    control_confirm_timeout: float = 10.0  # wait for ack or ctrl-fail of a control
    control_refusal_limit: int = 5  # ctrl-fail answers before a control is dropped
    # A refused control is resent only if the resend leaves within this long of
    # its first publish; a later refusal is final, so the outcome still reaches an
    # action's 15 s wait (the resend's answer can take seconds more, §17.8).
    control_refusal_budget: float = 5.0
    control_resend_limit: int = 1  # resends of a control lost with the link
    # An unconfirmed control may take this long to show in status (§17.8: a
    # set-point took more than 16 s); until then a status without it decides nothing.
    control_patience: float = 60.0
    status_poll_interval: float = 5.0  # status requests while a control is unconfirmed
    push_silence: float = 600.0  # no unprompted status this long: poll the heater
    silent_poll_interval: float = 60.0  # status request period while polling
    # A heater without a feature this long after the greeting is asked again,
    # the wait doubling up to feature_retry_max (a lost reply, §17.8).
    feature_retry_min: float = 15.0
    feature_retry_max: float = 300.0


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


class FirstConnectTimeoutError(CannotConnectError):
    """``start()`` found no connection within ``seconds``; ``cause`` says why, if known."""

    def __init__(self, seconds: float, cause: str) -> None:
        """Keep the wait and the last attempt's failure apart, for the caller's words."""
        super().__init__(f"no connection within {seconds:g} s ({cause})")
        self.seconds = seconds
        self.cause = cause


class UnstableConnectionError(SessionError):
    """The connection keeps dropping right after it is made (reported, not raised).

    Reported with every state change once it lasted ``flap_report_after``, and
    until a connection stays up ``stable_after``.
    """


class AuthFailedError(SessionError):
    """The password was refused while reconnecting (reported with AUTH_FAILED)."""
