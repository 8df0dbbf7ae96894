"""The session's clock for command deadlines: it runs connected or not.

A queued command older than the maximum age ends TOO_OLD, and an unconfirmed
control that old ends UNCONFIRMED, at its deadline, whether or not the cloud
is reachable: its outcome reaches the listeners (event, notification) and any
caller waiting for it is released then, not at the next reconnect.
"""

import asyncio
from typing import Protocol

_MARGIN = 0.005  # fire just after the deadline: "too old" means strictly older


class Expiring(Protocol):
    """Something holding commands with a deadline (the queue, the sender)."""

    def next_expiry(self) -> float | None:
        """Seconds until the next deadline (None: none)."""

    def expire(self) -> None:
        """End every command past its deadline."""


class ExpiryTimer:
    """One timer handle, always set for the earliest deadline of its sources."""

    def __init__(self, *sources: Expiring) -> None:
        """Watch the deadlines of ``sources``."""
        self._sources = list(sources)
        self._handle: asyncio.TimerHandle | None = None

    def watch(self, source: Expiring) -> None:
        """Watch the deadlines of one more source."""
        self._sources.append(source)

    def poke(self) -> None:
        """Set the timer for the earliest deadline now (one was added or changed)."""
        self.stop()
        left = [
            seconds
            for source in self._sources
            if (seconds := source.next_expiry()) is not None
        ]
        if left:
            self._handle = asyncio.get_running_loop().call_later(
                min(left) + _MARGIN, self._fire
            )

    def stop(self) -> None:
        """Cancel the timer (the session is closing)."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def _fire(self) -> None:
        self._handle = None
        for source in self._sources:
            source.expire()
        self.poke()
