"""Take commands from ``send()``: queue them and tell the caller SENT or QUEUED."""

import asyncio
from typing import TYPE_CHECKING

from .details import DEFAULT_DETAILS
from .listeners import Listeners
from .queue import CommandOutcome, CommandQueue, QueueEntry
from .session_types import SendOutcome, SessionClosedError, SessionConfig

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..codec import Command


class CommandIntake:
    """The command queue, the callers waiting on it and the outcome listeners."""

    def __init__(self, config: SessionConfig) -> None:
        """Size the queue from ``config``."""
        self._request_timeout = config.request_timeout
        self.queue: CommandQueue[Command] = CommandQueue(
            max_size=config.queue_max_size,
            max_age=config.queue_max_age,
            on_outcome=self._on_outcome,
        )
        self.listeners: Listeners[Command, CommandOutcome] = Listeners("command")
        # The same outcomes with their detail (``details.OutcomeDetail``).
        self.detail_listeners: Listeners[Command, CommandOutcome, str] = Listeners(
            "command detail"
        )
        self._waiting: dict[QueueEntry[Command], asyncio.Future[SendOutcome]] = {}

    async def submit(
        self, command: Command, *, wait: bool, wake: Callable[[], None]
    ) -> SendOutcome:
        """Queue ``command``, ``wake`` the sender; with ``wait``, await SENT a while."""
        entry = self.queue.put(command)
        wake()
        if not wait:
            return SendOutcome.QUEUED
        accepted: asyncio.Future[SendOutcome] = (
            asyncio.get_running_loop().create_future()
        )
        self._waiting[entry] = accepted
        try:
            return await asyncio.wait_for(
                asyncio.shield(accepted), self._request_timeout
            )
        except TimeoutError:
            return SendOutcome.QUEUED
        finally:
            self._waiting.pop(entry, None)

    def settle(self, entry: QueueEntry[Command], outcome: SendOutcome) -> None:
        """Tell the caller waiting for ``entry``, if any, what became of it."""
        future = self._waiting.get(entry)
        if future is not None and not future.done():
            future.set_result(outcome)

    def settle_all_queued(self) -> None:
        """Tell every waiting caller QUEUED (the link is gone)."""
        for entry in list(self._waiting):
            self.settle(entry, SendOutcome.QUEUED)

    def _on_outcome(self, entry: QueueEntry[Command], outcome: CommandOutcome) -> None:
        if outcome is CommandOutcome.CLOSED:
            future = self._waiting.get(entry)
            if future is not None and not future.done():
                future.set_exception(SessionClosedError("the session was closed"))
        else:
            self.settle(entry, SendOutcome.QUEUED)
        self.listeners.emit(entry.command, outcome)
        detail = entry.detail or DEFAULT_DETAILS[outcome]
        self.detail_listeners.emit(entry.command, outcome, str(detail))
