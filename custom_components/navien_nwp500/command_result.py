"""What became of each command: the caller's error, an event, a notification.

The session reports the one final outcome of every command it was given, with
a detail code saying which evidence decided it. Here that outcome becomes:

- the result of the action that gave it, which never waits longer than
  COMMAND_OUTCOME_TIMEOUT in all: one translated error naming every command
  refused or not delivered, or one saying the outcome is still pending;
- the event ``navien_nwp500_command_result`` for every outcome (``reason`` is
  the session's detail code, e.g. ``late_ack``, ``status_without_intent``);
- a persistent notification when a command was not delivered and nobody
  waited for it any more (given offline, or its action's wait ran out);
- before the session closes (unload, reload, stop), a bounded wait for every
  outcome still open, so that what the unload itself sent (a boost's or smart
  heating's return) reaches the heater; what the close still drops is told in
  one notification.
"""

import asyncio
from dataclasses import dataclass
import logging
from typing import TYPE_CHECKING, Final

from homeassistant.components import persistent_notification
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.util.ulid import ulid_now

from .const import DOMAIN
from .navilink.codec import NaviLinkError
from .navilink.session import CommandOutcome, NotConnectedError, SessionState
from .texts import error_text, exception_text, name_of

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from .navilink.codec import Command
    from .navilink.session import NaviLinkSession

_LOGGER = logging.getLogger(__name__)

COMMAND_OUTCOME_TIMEOUT: Final = 15.0
"""Seconds an action may take in all: giving its commands and their outcomes."""
CLOSE_WAIT: Final = 60.0
"""Seconds an unload waits for open outcomes: the session's patience with one control
(a set-point can take over 16 s to show, §17.8)."""
STOP_CLOSE_WAIT: Final = 10.0
"""The same wait while Home Assistant stops (its stop stage is bounded for all)."""
EVENT_COMMAND_RESULT: Final = f"{DOMAIN}_command_result"

_SUCCESSES: Final = frozenset({CommandOutcome.DELIVERED, CommandOutcome.SUPERSEDED})
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
_SEVERAL_FAILURES_KEY: Final = "commands_not_delivered"
_PENDING_KEY: Final = "command_pending"
_NOTIFICATION_TITLE_KEY: Final = "command_not_delivered_title"
_CLOSED_KEY: Final = "commands_closed_unconfirmed"
_CLOSED_TITLE_KEY: Final = "commands_closed_unconfirmed_title"


class CommandPendingError(HomeAssistantError):
    """The action's wait ran out before every outcome came: nothing failed (yet)."""


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
        self._closing: list[Command] | None = None
        """While the session closes: the commands it dropped that nobody waited for."""

    def track(self, command: Command) -> PendingCommand:
        """Expect the outcome of ``command``; call before giving it to the session."""
        pending = PendingCommand(command, self._hass.loop.create_future())
        self._pending[id(command)] = pending
        return pending

    def forget(self, pending: PendingCommand) -> None:
        """Stop expecting an outcome (the session did not take the command)."""
        if self._pending.get(id(pending.command)) is pending:
            del self._pending[id(pending.command)]

    async def async_send_all(
        self, session: NaviLinkSession, to_send: Sequence[Command], *, wait: bool = True
    ) -> None:
        """Give ``to_send`` to ``session`` in order and report what became of them.

        Connected: waits for their outcomes, the whole action bounded by
        COMMAND_OUTCOME_TIMEOUT, then raises one translated error naming every
        failure, or saying that outcomes are still pending (they follow as the
        event and, on failure, a notification). Offline: the commands wait in
        the session's queue; this returns at once and their outcomes are
        reported that way too, as when nobody ``wait``s (a boost's return).
        """
        pending: list[PendingCommand] = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + COMMAND_OUTCOME_TIMEOUT
        try:
            async with asyncio.timeout_at(deadline):
                for command in to_send:
                    # Tracked before it is given: a cut send() still queued it.
                    pending.append(tracked := self.track(command))
                    await self._async_give(session, tracked, pending)
        except TimeoutError:
            pass  # a publish cut by a link loss: what was given is pending
        except BaseException:
            self.release(pending)
            raise
        if session.state is not SessionState.CONNECTED or not wait:
            self.release(pending)
            if session.state is not SessionState.CONNECTED:
                _LOGGER.warning(
                    "The NaviLink cloud is unreachable; %s queued: sent when the"
                    " connection is back, unless it has waited too long by then",
                    ", ".join(command.kind for command in to_send),
                )
            return
        await self.async_wait(pending, max(0.0, deadline - loop.time()))

    async def async_wait(
        self,
        pending: Sequence[PendingCommand],
        timeout: float = COMMAND_OUTCOME_TIMEOUT,  # noqa: ASYNC109 (a budget left)
    ) -> None:
        """Wait up to ``timeout`` for every outcome, then raise what went wrong."""
        try:
            if pending and timeout > 0:
                await asyncio.wait(
                    [entry.outcome for entry in pending], timeout=timeout
                )
        except asyncio.CancelledError:
            self.release(pending)
            raise
        self._conclude(pending)

    async def _async_give(
        self,
        session: NaviLinkSession,
        tracked: PendingCommand,
        pending: list[PendingCommand],
    ) -> None:
        """Give one command to the session; translate its refusal to take it."""
        try:
            await session.send(tracked.command)
        except (NaviLinkError, ValueError) as err:  # it never entered the queue
            pending.remove(tracked)
            self.forget(tracked)
            if isinstance(err, NotConnectedError):
                raise HomeAssistantError(
                    translation_domain=DOMAIN, translation_key="not_connected"
                ) from err
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="command_failed",
                translation_placeholders={"error": error_text(self._hass, err)},
            ) from err

    def _conclude(self, pending: Sequence[PendingCommand]) -> None:
        """Nobody waits any more: raise every failure, else any outcome still open."""
        for entry in pending:
            entry.waited_for = False
        failures = [
            (entry.command, outcome)
            for entry in pending
            if entry.outcome.done() and is_failure(outcome := entry.outcome.result())
        ]
        if len(failures) == 1:
            command, outcome = failures[0]
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key=_ERROR_KEYS.get(outcome, _OTHER_FAILURE_KEY),
                translation_placeholders=self._placeholders(command, outcome),
            )
        if failures:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key=_SEVERAL_FAILURES_KEY,
                translation_placeholders={
                    "count": str(len(failures)),
                    "failures": " ".join(
                        exception_text(
                            self._hass,
                            key := _ERROR_KEYS.get(outcome, _OTHER_FAILURE_KEY),
                            self._placeholders(command, outcome),
                            key,
                        )
                        for command, outcome in failures
                    ),
                },
            )
        still_open = [entry.command for entry in pending if not entry.outcome.done()]
        if still_open:
            raise CommandPendingError(
                translation_domain=DOMAIN,
                translation_key=_PENDING_KEY,
                translation_placeholders={
                    "heater": ", ".join(
                        dict.fromkeys(self._heater_name(c) for c in still_open)
                    ),
                    "commands": ", ".join(
                        name_of(self._hass, "command", command.kind)
                        for command in still_open
                    ),
                },
            )

    async def async_settle(self, session: NaviLinkSession, *, stopping: bool) -> None:
        """Wait, bounded, for the outcome of every command still open (before a close).

        Only while ``session`` is connected: offline, queued commands cannot
        move. The close that follows drops what is still open; from here on
        those drops are kept for `report_closed`, one notification for all.
        """
        self._closing = []
        still_open = [entry.outcome for entry in self._pending.values()]
        if still_open and session.state is SessionState.CONNECTED:
            await asyncio.wait(
                still_open, timeout=STOP_CLOSE_WAIT if stopping else CLOSE_WAIT
            )

    @callback
    def report_closed(self) -> None:
        """Tell the user, once, which commands the close dropped before their outcome."""
        closed, self._closing = self._closing or [], None
        if not closed:
            return
        by_heater: dict[str, list[str]] = {}
        for command in closed:
            by_heater.setdefault(self._heater_name(command), []).append(
                name_of(self._hass, "command", command.kind)
            )
        message = " ".join(
            exception_text(
                self._hass,
                _CLOSED_KEY,
                {"heater": heater, "commands": ", ".join(kinds)},
                _CLOSED_KEY,
            )
            for heater, kinds in by_heater.items()
        )
        persistent_notification.async_create(
            self._hass,
            message,
            title=exception_text(
                self._hass,
                _CLOSED_TITLE_KEY,
                {"heater": ", ".join(by_heater)},
                _CLOSED_TITLE_KEY,
            ),
            notification_id=f"{DOMAIN}_{self._entry_id}_commands_closed_{ulid_now()}",
        )

    @callback
    def release(self, pending: Sequence[PendingCommand]) -> None:
        """Nobody waits for these any more: each failure becomes a notification."""
        for entry in pending:
            entry.waited_for = False
            if entry.outcome.done() and is_failure(outcome := entry.outcome.result()):
                self._notify(entry.command, outcome)

    @callback
    def handle_outcome(
        self, command: Command, outcome: CommandOutcome, detail: str = ""
    ) -> None:
        """Session listener: the one final outcome of a command and its detail code."""
        self._fire_event(command, outcome, detail or str(outcome))
        # Keyed by id(): equal commands are distinct intents, and the entry holds
        # its command, so the id cannot be reused while the entry waits.
        pending = self._pending.pop(id(command), None)
        if pending is None:
            return
        waited_for = pending.waited_for
        if not pending.outcome.done():  # also settles a wait before a close
            pending.outcome.set_result(outcome)
        if waited_for or not is_failure(outcome):
            return
        if outcome is CommandOutcome.CLOSED and self._closing is not None:
            self._closing.append(command)
        else:
            self._notify(command, outcome)

    def _device(self, command: Command) -> dr.DeviceEntry | None:
        return dr.async_get(self._hass).async_get_device_by_identifier(
            (DOMAIN, command.mac), self._entry_id
        )

    def _heater_name(self, command: Command) -> str:
        device = self._device(command)
        name = (device.name_by_user or device.name) if device else None
        return name or command.mac

    def _placeholders(self, command: Command, outcome: str) -> dict[str, str]:
        return {
            "heater": self._heater_name(command),
            "command": name_of(self._hass, "command", command.kind),
            "outcome": str(outcome),
        }

    def _fire_event(
        self, command: Command, outcome: CommandOutcome, reason: str
    ) -> None:
        device = self._device(command)
        self._hass.bus.async_fire(
            EVENT_COMMAND_RESULT,
            {
                "device_id": device.id if device else None,
                "command": command.kind,
                "outcome": str(outcome),
                "reason": reason,
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
