"""The fate of one link generation: lost or not, and waits that end when it is."""

import asyncio
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Awaitable


class LinkLostError(Exception):
    """The link went away while something waited on it."""


class LinkWatch:
    """Created with each generation; ``report_lost()`` settles it once."""

    def __init__(self, generation: int) -> None:
        """Watch ``generation`` (call inside the event loop)."""
        self.generation = generation
        self._lost: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    @property
    def reason(self) -> str:
        """Why the link was lost ("" while it is not)."""
        return self._lost.result() if self._lost.done() else ""

    def report_lost(self, reason: str) -> bool:
        """Mark the link lost; return False if it already was (a repeated report)."""
        if self._lost.done():
            return False
        self._lost.set_result(reason)
        return True

    async def unless_lost[T](self, awaitable: Awaitable[T]) -> T:
        """Await ``awaitable``; raise LinkLostError if the link is lost first."""
        work = asyncio.ensure_future(awaitable)
        try:
            racers: set[asyncio.Future[Any]] = {work, self._lost}
            await asyncio.wait(racers, return_when=asyncio.FIRST_COMPLETED)
        finally:
            if not work.done():
                work.cancel()
                await _settle(work)
        if work.cancelled():
            raise LinkLostError(self.reason)
        return work.result()


async def _settle(work: asyncio.Future[Any]) -> None:
    """Wait for cancelled ``work`` to end; its outcome no longer matters.

    A cancellation of the waiting task itself (``close()``) that arrives
    meanwhile is not the work's: it propagates.
    """
    try:
        await work
    except asyncio.CancelledError:
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            raise
    except Exception:  # noqa: BLE001 (the work was given up on)
        return
