"""Where smart heating keeps each entry's settings, controls and handed-over plans."""

from typing import TYPE_CHECKING, Any, Final

from homeassistant.helpers.storage import Store

from .const import DOMAIN
from .smart_state import HeaterSmart, heater_read, heater_stored

if TYPE_CHECKING:
    from collections.abc import Container, Mapping

    from homeassistant.core import HomeAssistant

STORAGE_VERSION: Final = 1


def _store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, dict[str, Any]]]:
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.smart.{entry_id}")


async def async_remove_stored_smart_heating(hass: HomeAssistant, entry_id: str) -> None:
    """Forget the stored smart heating of a removed entry."""
    await _store(hass, entry_id).async_remove()


def _stored(heaters: Mapping[str, HeaterSmart]) -> dict[str, dict[str, Any]]:
    return {mac: heater_stored(smart) for mac, smart in heaters.items()}


class SmartStore:
    """One entry's stored smart heating, one record per heater."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Use the store of ``entry_id``."""
        self._store = _store(hass, entry_id)

    async def async_load(self, macs: Container[str]) -> dict[str, HeaterSmart]:
        """Return what was stored for the heaters in ``macs`` (others are gone)."""
        stored = await self._store.async_load() or {}
        return {mac: heater_read(raw) for mac, raw in stored.items() if mac in macs}

    async def async_save_now(self, heaters: Mapping[str, HeaterSmart]) -> None:
        """Store ``heaters`` now (an unload: the next load reads it)."""
        await self._store.async_save(_stored(heaters))

    def save(self, heaters: Mapping[str, HeaterSmart]) -> None:
        """Store ``heaters`` as they are when the store writes (soon)."""
        self._store.async_delay_save(lambda: _stored(heaters), 0)
