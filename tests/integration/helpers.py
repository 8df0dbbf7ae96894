"""Small helpers for tests that wait on real network traffic."""

import asyncio
from collections.abc import Callable

from homeassistant.core import HomeAssistant


async def wait_for(
    hass: HomeAssistant, predicate: Callable[[], bool], timeout: float = 10.0
) -> None:
    """Wait until ``predicate()`` is true, letting Home Assistant run meanwhile."""
    async with asyncio.timeout(timeout):
        while True:
            await hass.async_block_till_done()
            if predicate():
                return
            await asyncio.sleep(0.05)
