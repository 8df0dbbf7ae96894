"""Times: when hot water must be ready, on weekdays and on weekends (smart heating)."""

from typing import TYPE_CHECKING

from .entity import async_add_heater_entities
from .smart_entities import smart_times

if TYPE_CHECKING:
    from homeassistant.components.time import TimeEntity
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .coordinator import HeaterState, NavienConfigEntry, NavienCoordinator

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: NavienConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the ready-by times of each heater once its capabilities are known."""

    def _build(
        coordinator: NavienCoordinator, mac: str, heater: HeaterState
    ) -> list[TimeEntity]:
        if heater.feature is None:
            return []
        return list(smart_times(coordinator, mac, heater.feature))

    async_add_heater_entities(entry, async_add_entities, _build)
