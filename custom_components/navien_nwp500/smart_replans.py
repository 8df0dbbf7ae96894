"""Planning again when an input changes: one plan at a time for each heater.

It follows the price and surplus entities the options name. A surplus sensor
may change every few seconds; each change asks for a plan.
While a heater's plan is being made, further changes only ask for one more
plan after it (made with the inputs as they are then), not one each.
"""

from typing import TYPE_CHECKING

from homeassistant.core import callback
from homeassistant.helpers.event import async_track_state_change_event

from .const import DOMAIN

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine
    from typing import Any

    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant


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
        self._unfollow: CALLBACK_TYPE | None = None

    @callback
    def follow(
        self, hass: HomeAssistant, entity_ids: list[str], changed: Callable[[], None]
    ) -> None:
        """Call ``changed`` whenever one of ``entity_ids`` changes (instead of those before)."""
        self.stop_following()

        @callback
        def _state_changed(_event: Event[Any]) -> None:
            changed()

        self._unfollow = async_track_state_change_event(
            hass, entity_ids, _state_changed
        )

    @callback
    def stop_following(self) -> None:
        """Stop following the input entities."""
        if self._unfollow is not None:
            self._unfollow()
            self._unfollow = None

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
