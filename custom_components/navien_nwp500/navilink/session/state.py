"""The session's states, the transitions allowed between them and who hears of them."""

import logging

from .listeners import Listeners
from .session_types import SessionError, SessionState, UnstableConnectionError

_LOGGER = logging.getLogger(__name__)
_State = SessionState
_TRANSITIONS: dict[SessionState, frozenset[SessionState]] = {
    _State.IDLE: frozenset({_State.CONNECTING, _State.CLOSED}),
    _State.CONNECTING: frozenset(
        {
            _State.CONNECTED,
            _State.BACKING_OFF,
            _State.AUTH_FAILED,
            _State.IDLE,
            _State.CLOSED,
        }
    ),
    # CONNECTED -> CONNECTED re-reports the state when an unstable-connection
    # report ends.
    _State.CONNECTED: frozenset(
        {_State.CONNECTED, _State.BACKING_OFF, _State.IDLE, _State.CLOSED}
    ),
    _State.BACKING_OFF: frozenset({_State.CONNECTING, _State.IDLE, _State.CLOSED}),
    _State.AUTH_FAILED: frozenset({_State.CLOSED}),
    _State.CLOSED: frozenset(),
}
_LOOP_STATES = frozenset({_State.CONNECTING, _State.CONNECTED, _State.BACKING_OFF})


class StateMachine:
    """The current state, the error behind it and the lasting unstable report."""

    def __init__(self, client_id: str) -> None:
        """Start IDLE; ``client_id`` names the session in log lines."""
        self._client_id = client_id
        self.state = SessionState.IDLE
        self.error: SessionError | None = None
        self.unstable: UnstableConnectionError | None = None  # reported, lasting
        self.listeners: Listeners[SessionState, SessionError | None] = Listeners(
            "state"
        )

    def change(
        self,
        new: SessionState,
        error: SessionError | None,
        *,
        generation: int,
        attempt: int,
    ) -> bool:
        """Move to ``new`` if allowed and log it; False when the change is ignored.

        Without an ``error`` of its own, a state of the connection loop carries
        the lasting unstable-connection report, so that report does not flicker
        with every attempt. The caller tells the listeners (``emit``).
        """
        old = self.state
        if new not in _TRANSITIONS[old]:
            _LOGGER.debug("Ignoring state change %s -> %s", old.value, new.value)
            return False
        if error is None and new in _LOOP_STATES:
            error = self.unstable
        self.state, self.error = new, error
        _LOGGER.debug(
            "Session %s: %s -> %s (generation %d, attempt %d)%s",
            self._client_id,
            old.value,
            new.value,
            generation,
            attempt,
            f": {error}" if error else "",
        )
        return True

    def emit(self) -> None:
        """Tell the listeners the current state and its error."""
        self.listeners.emit(self.state, self.error)
