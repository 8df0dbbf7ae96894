"""What a scenario saw: each command given, its publishes and outcomes, and a timeline.

The observer spies on the integration's real code (it wraps, never replaces):
`CommandResults.track`/`forget`/`handle_outcome` tell which commands the user
gave and what became of each; `Addressing.message` tells under which client and
session IDs each was published (the simulator counts applies by those IDs); the
coordinator's status and state handlers give the timeline the freshness check
reads; `ReplyRouter.route` tells which requests' answers reached the session and
the simulated heater's `handle` when it applied whose control.
"""

from contextvars import ContextVar
from dataclasses import dataclass, field
import logging
import time
from typing import TYPE_CHECKING, Any

from homeassistant.const import EVENT_STATE_CHANGED, STATE_UNAVAILABLE
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback

from custom_components.navien_nwp500.command_result import (
    EVENT_COMMAND_RESULT,
    CommandResults,
)
from custom_components.navien_nwp500.coordinator import NavienCoordinator
from custom_components.navien_nwp500.navilink.session import SessionState
from custom_components.navien_nwp500.navilink.session.addressing import Addressing
from custom_components.navien_nwp500.navilink.session.replies import ReplyRouter
from navilink_sim.heater import SimulatedHeater

from .loop_lag import LoopLag

if TYPE_CHECKING:
    from collections.abc import Mapping

    import pytest

    from custom_components.navien_nwp500.navilink.codec import Command, InboundMessage


SESSION_LOGGER = "custom_components.navien_nwp500.navilink.session"
ACTION: ContextVar[str] = ContextVar("ACTION", default="the integration")
"""The action whose task gives a command (the integration's own otherwise)."""


@dataclass(eq=False, slots=True)
class CommandRecord:
    """One command the user gave (through an action), followed to its end."""

    command: Command
    given_at: float
    action: str
    publishes: list[tuple[str, str]] = field(default_factory=list)
    """(clientID, sessionID) of each publish of it."""
    outcomes: list[tuple[str, str, float]] = field(default_factory=list)
    """(outcome, detail, time) of each outcome reported."""
    taken: bool = True
    """False: the session refused to take it (the action raised at once)."""


@dataclass(frozen=True, slots=True)
class Apply:
    """One control the simulated heater applied."""

    at: float
    client_id: str
    session_id: str
    code: int


@dataclass(slots=True)
class ActionRecord:
    """One action call: when it began and ended, and the error it raised."""

    name: str
    started: float
    ended: float | None = None
    error: str | None = None


@dataclass(slots=True)
class HotWaterSample:
    """The hot water shown next to the simulator's ground truth at one status."""

    shown: float
    truth: float
    upper_c: float
    lower_c: float
    hidden_k: float = 0.0
    """How far a layer strays from its half's probe (K): no temperature shows it.

    The tank has two probes (a quarter and three quarters up); a half whose
    layers are not all at its probe's temperature hides that from both.
    """
    history_known: bool = True
    """Whether the integration saw every litre come in since the tank was last hot."""


@dataclass
class Observer:
    """Records everything the checks read; `install` puts the spies in place."""

    commands: dict[int, CommandRecord] = field(default_factory=dict)
    actions: list[ActionRecord] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    outages: list[float] = field(default_factory=list)
    """Times the session left CONNECTED, or the entry was reloaded."""
    connects: list[float] = field(default_factory=list)
    """Times the session reached CONNECTED."""
    statuses: list[float] = field(default_factory=list)
    """Times a status reached the coordinator."""
    returns: list[float] = field(default_factory=list)
    """Times the water heater entity became available again."""
    aways: list[float] = field(default_factory=list)
    """Times the water heater entity became unavailable (or was removed)."""
    hot_water: list[HotWaterSample] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    session_log: list[tuple[float, str]] = field(default_factory=list)
    """(time, message) of the session's info and warning lines."""
    lag: LoopLag = field(default_factory=LoopLag)
    """When the loop's thread waited for a core (``runner`` runs it)."""
    applies: list[Apply] = field(default_factory=list)
    """Every control the heater applied, whoever gave it."""
    heard: set[tuple[str, str]] = field(default_factory=set)
    """(clientID, sessionID) echoed by each message that reached the session."""

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Wrap the integration's methods so that every call is recorded."""
        observer = self
        track, forget = CommandResults.track, CommandResults.forget
        handle_outcome, message = CommandResults.handle_outcome, Addressing.message
        handle_status = NavienCoordinator._handle_status
        handle_state = NavienCoordinator._handle_state
        route, heater_handle = ReplyRouter.route, SimulatedHeater.handle

        def spy_track(self: CommandResults, command: Command) -> Any:
            observer.commands[id(command)] = CommandRecord(
                command, time.monotonic(), ACTION.get()
            )
            return track(self, command)

        def spy_forget(self: CommandResults, pending: Any) -> None:
            if (record := observer.commands.get(id(pending.command))) is not None:
                record.taken = False
            forget(self, pending)

        def spy_outcome(
            self: CommandResults, command: Command, outcome: Any, detail: str = ""
        ) -> None:
            if (record := observer.commands.get(id(command))) is not None:
                record.outcomes.append((str(outcome), detail, time.monotonic()))
            handle_outcome(self, command, outcome, detail)

        def spy_message(
            self: Addressing, command: Command, session_id: str
        ) -> tuple[str, bytes]:
            if (record := observer.commands.get(id(command))) is not None:
                record.publishes.append((self.client_id, session_id))
            return message(self, command, session_id)

        def spy_status(self: NavienCoordinator, device: Any, status: Any) -> None:
            observer.statuses.append(time.monotonic())
            handle_status(self, device, status)

        def spy_state(self: NavienCoordinator, state: Any, error: Any) -> None:
            if state is SessionState.CONNECTED:
                observer.connects.append(time.monotonic())
            else:
                observer.outages.append(time.monotonic())
            handle_state(self, state, error)

        def spy_route(self: ReplyRouter, inbound: InboundMessage) -> None:
            observer.heard.add((inbound.client_id or "", inbound.session_id or ""))
            route(self, inbound)

        def spy_heater(
            self: SimulatedHeater, topic: str, payload: Mapping[str, Any]
        ) -> Any:
            before = self.applied.total()
            replies = heater_handle(self, topic, payload)
            if self.applied.total() > before:
                observer.applies.append(
                    Apply(
                        time.monotonic(),
                        payload["clientID"],
                        payload.get("sessionID", ""),
                        payload["request"]["command"],
                    )
                )
            return replies

        class SessionLog(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                observer.session_log.append((time.monotonic(), record.getMessage()))

        session_logger = logging.getLogger(SESSION_LOGGER)
        handlers = [*session_logger.handlers, SessionLog(logging.INFO)]
        monkeypatch.setattr(session_logger, "handlers", handlers)
        monkeypatch.setattr(session_logger, "level", logging.INFO)
        monkeypatch.setattr(CommandResults, "track", spy_track)
        monkeypatch.setattr(CommandResults, "forget", spy_forget)
        monkeypatch.setattr(CommandResults, "handle_outcome", spy_outcome)
        monkeypatch.setattr(Addressing, "message", spy_message)
        monkeypatch.setattr(ReplyRouter, "route", spy_route)
        monkeypatch.setattr(SimulatedHeater, "handle", spy_heater)
        monkeypatch.setattr(NavienCoordinator, "_handle_status", spy_status)
        monkeypatch.setattr(NavienCoordinator, "_handle_state", spy_state)

    def listen(self, hass: HomeAssistant, water_heater: str) -> None:
        """Record the command result events and the water heater's returns."""

        @callback
        def on_result(event: Event[dict[str, Any]]) -> None:
            self.events.append(dict(event.data))

        @callback
        def on_state(event: Event[EventStateChangedData]) -> None:
            if event.data["entity_id"] != water_heater:
                return
            old, new = event.data["old_state"], event.data["new_state"]
            was = old is not None and old.state != STATE_UNAVAILABLE
            now = new is not None and new.state != STATE_UNAVAILABLE
            if now and not was:
                self.returns.append(time.monotonic())
            elif was and not now:
                self.aways.append(time.monotonic())

        hass.bus.async_listen(EVENT_COMMAND_RESULT, on_result)
        hass.bus.async_listen(EVENT_STATE_CHANGED, on_state)

    def given(self) -> list[CommandRecord]:
        """Return the commands the session took, in the order given."""
        return sorted(
            (r for r in self.commands.values() if r.taken), key=lambda r: r.given_at
        )
