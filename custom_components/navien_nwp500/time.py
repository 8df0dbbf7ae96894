"""Times: when hot water must be ready, on weekdays and on weekends (smart heating)."""

from typing import TYPE_CHECKING

from .entity import async_add_feature_entities
from .smart_entities import smart_times

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .coordinator import NavienConfigEntry

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: NavienConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the ready-by times of each heater once its capabilities are known."""
    async_add_feature_entities(entry, async_add_entities, smart_times)
