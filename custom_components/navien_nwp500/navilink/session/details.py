"""Why a command ended as it did: a machine-readable detail of its outcome.

The outcome (``CommandOutcome``) says what became of a command; the detail
says which evidence decided it, for automations and diagnostics. Codes are
stable snake_case strings, never prose.
"""

from enum import StrEnum

from .queue import CommandOutcome


class OutcomeDetail(StrEnum):
    """The evidence behind one command outcome."""

    ACKNOWLEDGED = "acknowledged"  # the heater's ack echoed our request in time
    LATE_ACK = "late_ack"  # the ack came after the confirm timeout: received
    STATUS_SHOWS_INTENT = "status_shows_intent"  # a status showed the change
    BROKER_ACCEPTED = "broker_accepted"  # a request without an ack, taken by the broker
    NEWER_COMMAND = "newer_command"  # a newer command of the same kind replaced it
    ANOTHER_CONTROL = "another_control"  # another control changed its setting later
    QUEUE_FULL = "queue_full"
    QUEUED_TOO_LONG = "queued_too_long"  # waited longer than the maximum age
    UNCONFIRMED_TOO_LONG = "unconfirmed_too_long"  # no evidence within the maximum age
    SESSION_CLOSED = "session_closed"
    CTRL_FAIL = "ctrl_fail"  # the heater kept refusing it (ctrl-fail)
    LINK_LOST = "link_lost"  # queue disabled and the link went away
    CANNOT_ENCODE = "cannot_encode"
    STATUS_WITHOUT_INTENT = "status_without_intent"  # received, never shown (no resend)
    RESENT_STILL_MISSING = "resent_still_missing"  # sent again, still not shown
    NO_STATUS = "no_status"  # asked repeatedly; no status came to tell
    NOT_CHECKABLE = "not_checkable"  # no ack, and no status can show this command
    ALREADY_SHOWN = "already_shown"  # no ack; the status showed it before it was sent
    LINK_GAP = "link_gap"  # no ack; only statuses after a gap in the link told


DEFAULT_DETAILS: dict[CommandOutcome, OutcomeDetail] = {
    CommandOutcome.DELIVERED: OutcomeDetail.ACKNOWLEDGED,
    CommandOutcome.SUPERSEDED: OutcomeDetail.NEWER_COMMAND,
    CommandOutcome.OVERFLOW: OutcomeDetail.QUEUE_FULL,
    CommandOutcome.TOO_OLD: OutcomeDetail.QUEUED_TOO_LONG,
    CommandOutcome.CLOSED: OutcomeDetail.SESSION_CLOSED,
    CommandOutcome.REFUSED: OutcomeDetail.CTRL_FAIL,
    CommandOutcome.NOT_CONNECTED: OutcomeDetail.LINK_LOST,
    CommandOutcome.INVALID: OutcomeDetail.CANNOT_ENCODE,
    CommandOutcome.NOT_APPLIED: OutcomeDetail.STATUS_WITHOUT_INTENT,
    CommandOutcome.UNCONFIRMED: OutcomeDetail.NO_STATUS,
}
"""The detail of an outcome whose decider named none."""
