"""What became of each command: the caller's error, an event, a notification.

The session reports the one final outcome of every command it was given. Here
that outcome becomes:

- the result of a caller that waits for it (bounded): a translated error when
  the heater refused the command or it could not be delivered;
- the event ``navien_nwp500_command_result`` for every outcome;
- a persistent notification when a command was not delivered and nobody
  waited for it any more (given offline, or its caller's wait ran out).
"""

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from homeassistant.components import persistent_notification
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.util.ulid import ulid_now

from .const import DOMAIN
from .navilink.session import CommandOutcome
from .texts import exception_text, name_of

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from .navilink.codec import Command

COMMAND_OUTCOME_TIMEOUT: Final = 15.0
"""Seconds an action waits for its commands' outcomes before it returns."""
EVENT_COMMAND_RESULT: Final = f"{DOMAIN}_command_result"

_SUCCESSES: Final = frozenset({CommandOutcome.DELIVERED, CommandOutcome.SUPERSEDED})
_REASONS: Final[Mapping[str, str]] = {
    CommandOutcome.DELIVERED: "delivered to the heater",
    CommandOutcome.SUPERSEDED: "a newer command of the same kind replaced it",
    CommandOutcome.OVERFLOW: "too many commands were waiting; the oldest was dropped",
    CommandOutcome.TOO_OLD: "it waited longer than commands may wait for the cloud",
    CommandOutcome.CLOSED: "the connection was closed (reload or shutdown)",
    CommandOutcome.REFUSED: "the heater refused it",
    CommandOutcome.NOT_CONNECTED: "the connection to the cloud was lost",
    CommandOutcome.INVALID: "it could not be encoded",
    CommandOutcome.NOT_APPLIED: "sent again, and the heater still does not show it",
    CommandOutcome.UNCONFIRMED: "it may have arrived, but the heater did not confirm it",
}
_ERROR_KEYS: Final[Mapping[str, str]] = {
    CommandOutcome.OVERFLOW: "command_overflow",
    CommandOutcome.TOO_OLD: "command_too_old",
    CommandOutcome.CLOSED: "command_closed",
    CommandOutcome.REFUSED: "command_refused",
    CommandOutcome.NOT_CONNECTED: "command_not_connected",
    CommandOutcome.INVALID: "command_invalid",
    CommandOutcome.NOT_APPLIED: "command_not_applied",
    CommandOutcome.UNCONFIRMED: "command_unconfirmed",
}
_OTHER_FAILURE_KEY: Final = "command_not_delivered"
_NOTIFICATION_TITLE_KEY: Final = "command_not_delivered_title"


def is_failure(outcome: str) -> bool:
    """Whether the command was not delivered (any unknown outcome counts as one)."""
    return outcome not in _SUCCESSES


@dataclass(eq=False, slots=True)
class PendingCommand:
    """A command given to the session whose outcome has not arrived yet."""

    command: Command
    outcome: asyncio.Future[str]
    waited_for: bool = True
    """Whether a caller still waits for the outcome (else a failure notifies)."""


class CommandResults:
    """Matches the session's command outcomes to their callers (by identity)."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Bind to Home Assistant and the config entry whose heaters send."""
        self._hass = hass
        self._entry_id = entry_id
        self._pending: dict[int, PendingCommand] = {}

    def track(self, command: Command) -> PendingCommand:
        """Expect the outcome of ``command``; call before giving it to the session."""
        pending = PendingCommand(command, self._hass.loop.create_future())
        self._pending[id(command)] = pending
        return pending

    def forget(self, pending: PendingCommand) -> None:
        """Stop expecting an outcome (the session did not take the command)."""
        if self._pending.get(id(pending.command)) is pending:
            del self._pending[id(pending.command)]

    async def async_wait(self, pending: Sequence[PendingCommand]) -> None:
        """Wait up to COMMAND_OUTCOME_TIMEOUT for every outcome; raise the first failure.

        Outcomes still missing then are reported later, by event and (on
        failure) notification.
        """
        if not pending:
            return
        try:
            await asyncio.wait(
                [entry.outcome for entry in pending], timeout=COMMAND_OUTCOME_TIMEOUT
            )
        except asyncio.CancelledError:
            self.release(pending)
            raise
        for entry in pending:
            entry.waited_for = False
        for entry in pending:
            if entry.outcome.done() and is_failure(outcome := entry.outcome.result()):
                raise HomeAssistantError(
                    translation_domain=DOMAIN,
                    translation_key=_ERROR_KEYS.get(outcome, _OTHER_FAILURE_KEY),
                    translation_placeholders=self._placeholders(entry.command, outcome),
                )

    @callback
    def release(self, pending: Sequence[PendingCommand]) -> None:
        """Nobody waits for these any more: each failure becomes a notification."""
        for entry in pending:
            entry.waited_for = False
            if entry.outcome.done() and is_failure(outcome := entry.outcome.result()):
                self._notify(entry.command, outcome)

    @callback
    def handle_outcome(self, command: Command, outcome: CommandOutcome) -> None:
        """Session listener: the one final outcome of a command."""
        self._fire_event(command, outcome)
        # Keyed by id(): equal commands are distinct intents, and the entry holds
        # its command, so the id cannot be reused while the entry waits.
        pending = self._pending.pop(id(command), None)
        if pending is None:
            return
        if pending.waited_for:
            pending.outcome.set_result(outcome)
        elif is_failure(outcome):
            self._notify(command, outcome)

    def _device(self, command: Command) -> dr.DeviceEntry | None:
        return dr.async_get(self._hass).async_get_device_by_identifier(
            (DOMAIN, command.mac), self._entry_id
        )

    def _placeholders(self, command: Command, outcome: str) -> dict[str, str]:
        device = self._device(command)
        name = (device.name_by_user or device.name) if device else None
        return {
            "heater": name or command.mac,
            "command": name_of(self._hass, "command", command.kind),
            "outcome": str(outcome),
        }

    def _fire_event(self, command: Command, outcome: CommandOutcome) -> None:
        device = self._device(command)
        self._hass.bus.async_fire(
            EVENT_COMMAND_RESULT,
            {
                "device_id": device.id if device else None,
                "command": command.kind,
                "outcome": str(outcome),
                "reason": _REASONS.get(outcome, str(outcome)),
            },
        )

    def _notify(self, command: Command, outcome: str) -> None:
        """Tell the user; each dropped command has a notification of its own."""
        placeholders = self._placeholders(command, outcome)
        key = _ERROR_KEYS.get(outcome, _OTHER_FAILURE_KEY)
        persistent_notification.async_create(
            self._hass,
            exception_text(self._hass, key, placeholders, key),
            title=exception_text(
                self._hass,
                _NOTIFICATION_TITLE_KEY,
                placeholders,
                _NOTIFICATION_TITLE_KEY,
            ),
            notification_id=(
                f"{DOMAIN}_{command.mac}_command_not_delivered_{ulid_now()}"
            ),
        )
