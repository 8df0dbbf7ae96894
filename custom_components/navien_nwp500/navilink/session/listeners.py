"""Listener lists whose callbacks cannot break each other."""

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

_LOGGER = logging.getLogger(__name__)


class Listeners[*Ts]:
    """Callbacks called in registration order; one that raises is logged and skipped."""

    def __init__(self, name: str) -> None:
        """Name the list for log lines."""
        self._name = name
        self._callbacks: list[Callable[[*Ts], None]] = []

    def __len__(self) -> int:
        """Count the registered callbacks."""
        return len(self._callbacks)

    def add(self, callback: Callable[[*Ts], None]) -> Callable[[], None]:
        """Register ``callback``; the returned function unregisters it (idempotent)."""
        self._callbacks.append(callback)

        def remove() -> None:
            if callback in self._callbacks:
                self._callbacks.remove(callback)

        return remove

    def emit(self, *args: *Ts) -> None:
        """Call every callback with ``args``; exceptions are logged, never raised."""
        for callback in list(self._callbacks):
            try:
                callback(*args)
            except Exception:
                _LOGGER.exception("A %s listener raised", self._name)
