"""Small helpers for tests that wait on real network traffic."""

import asyncio
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.core import HomeAssistant


async def wait_for(
    hass: HomeAssistant, predicate: Callable[[], bool], within: float = 10.0
) -> None:
    """Wait until ``predicate()`` is true, letting Home Assistant run meanwhile."""
    async with asyncio.timeout(within):
        while True:
            await hass.async_block_till_done()
            if predicate():
                return
            await asyncio.sleep(0.05)
