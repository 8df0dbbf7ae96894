"""Planning again when an input changes: one plan at a time for each heater.

A surplus sensor may change every few seconds; each change asks for a plan.
While a heater's plan is being made, further changes only ask for one more
plan after it (made with the inputs as they are then), not one each.
"""

from typing import TYPE_CHECKING

from homeassistant.core import callback

from .const import DOMAIN

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine
    from typing import Any

    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import HomeAssistant


class Replans:
    """The input-driven plans of an entry's heaters, coalesced per heater."""

    def __init__(
        self,
        entry: ConfigEntry,
        refresh: Callable[[str], Coroutine[Any, Any, None]],
    ) -> None:
        """Plan a heater with ``refresh(mac)``, as a task of ``entry``."""
        self._entry = entry
        self._refresh = refresh
        self._changed_meanwhile: dict[str, bool] = {}

    @callback
    def request(self, hass: HomeAssistant, mac: str) -> None:
        """Plan ``mac`` again, now or once the plan under way is made."""
        if mac in self._changed_meanwhile:
            self._changed_meanwhile[mac] = True
            return
        self._changed_meanwhile[mac] = False
        self._entry.async_create_background_task(
            hass, self._async_run(mac), f"{DOMAIN} plan {mac}"
        )

    async def _async_run(self, mac: str) -> None:
        try:
            while True:
                self._changed_meanwhile[mac] = False
                await self._refresh(mac)
                if not self._changed_meanwhile[mac]:
                    return
        finally:
            del self._changed_meanwhile[mac]
