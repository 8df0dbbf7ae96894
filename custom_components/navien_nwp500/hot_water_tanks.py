"""Each heater's cold water (``hot_water_draws``) and heat pump rate, fed by every status.

The coordinator hands each status here before the entities show it. What is
kept over a restart (or a reload) is only what cannot lie after it: the cold
water of a heater that counts its litres, with the count it was read at, so
the first status after the restart adds what came in meanwhile. A heater whose
count reads 0 (protocol §17.1) starts over from its probes: nobody watched its
flow while Home Assistant was down. The heat pump's measured output
(``heat_pump_rate``) is kept with it.
"""

from typing import TYPE_CHECKING, Any, Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store
from homeassistant.util.dt import utcnow

from .const import DOMAIN
from .heat_pump_rate import NWP500_RATES, HeatPumpRate
from .hot_water import tank_litres
from .hot_water_draws import ColdWater
from .hot_water_options import hot_water_settings

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry

    from .navilink.codec import DeviceFeature, DeviceStatus

STORAGE_VERSION: Final = 1
SAVE_DELAY_S: Final = 10.0
"""Seconds between writes of the cold water while statuses come."""


def _store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, dict[str, Any]]]:
    """Return the store of an entry's cold water."""
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.cold_water.{entry_id}")


async def async_remove_stored_cold_water(hass: HomeAssistant, entry_id: str) -> None:
    """Forget the stored cold water of a removed entry."""
    await _store(hass, entry_id).async_remove()


class HotWaterTanks:
    """The cold water in each heater's tank, as its statuses tell it."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Start empty; `async_load` takes back what a restart kept."""
        self._entry = entry
        self._store = _store(hass, entry.entry_id)
        self._tanks: dict[str, ColdWater] = {}
        self._rates: dict[str, HeatPumpRate] = {}
        self._loaded = False

    async def async_load(self) -> None:
        """Take back the cold water of heaters that count their litres."""
        stored = await self._store.async_load() or {}
        self._tanks = {mac: ColdWater.from_stored(raw) for mac, raw in stored.items()}
        self._rates = {
            mac: HeatPumpRate.from_stored(raw.get("heat_pump", []))
            for mac, raw in stored.items()
        }
        self._loaded = True

    @callback
    def take(
        self, mac: str, feature: DeviceFeature | None, status: DeviceStatus
    ) -> None:
        """Follow a heater's new status (before its entities show it)."""
        capacity = None if feature is None else tank_litres(feature)
        if capacity is None:
            return
        cold_c = hot_water_settings(self._entry.options).cold_water_c
        tank = self._tanks.setdefault(mac, ColdWater())
        now = utcnow().timestamp()
        tank.take(capacity, status, now, cold_c)
        rate = self._rates.setdefault(mac, HeatPumpRate())
        rate.take(status, now, capacity, NWP500_RATES)
        self._store.async_delay_save(self._stored, SAVE_DELAY_S)

    def get(self, mac: str) -> ColdWater | None:
        """Return the heater's cold water; None before its first status."""
        return self._tanks.get(mac)

    def heat_pump_rate(self, mac: str) -> HeatPumpRate:
        """Return what the heater's heat pump runs showed (nothing before the first)."""
        return self._rates.get(mac) or HeatPumpRate()

    @callback
    def forget(self, mac: str) -> None:
        """Drop a heater the user removed."""
        self._rates.pop(mac, None)
        if self._tanks.pop(mac, None) is not None:
            self._store.async_delay_save(self._stored, 0)

    async def async_stop(self) -> None:
        """Write what the next start needs now (an unload or a restart).

        A setup that failed before loading writes nothing over what is kept.
        """
        if self._loaded:
            await self._store.async_save(self._stored())

    def _stored(self) -> dict[str, dict[str, Any]]:
        rates = self._rates
        return {
            mac: tank.as_stored()
            | {"heat_pump": rates.get(mac, HeatPumpRate()).as_stored()}
            for mac, tank in self._tanks.items()
        }
