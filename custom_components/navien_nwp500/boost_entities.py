"""The *Boost* binary sensor and *Boost end* sensor: what `boost` keeps, shown.

Their state changes are what the logbook shows of a boost: it turned on,
when it ends, it turned off. Each heater that offers High demand has them.
"""

from typing import TYPE_CHECKING, override

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
)

from .boost import boost_offered
from .entity import NavienEntity, offered_entities

if TYPE_CHECKING:
    from datetime import datetime

    from .entity import FeatureBuild

BOOST = BinarySensorEntityDescription(key="boost", translation_key="boost")
BOOST_END = SensorEntityDescription(
    key="boost_end",
    translation_key="boost_end",
    device_class=SensorDeviceClass.TIMESTAMP,
)


class NavienBoostEntity(NavienEntity):
    """An entity that follows the heater's boost as well as its status."""

    @override
    async def async_added_to_hass(self) -> None:
        """Follow the boosts too."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self.coordinator.boosts.add_listener(self.async_write_ha_state)
        )


class NavienBoostBinarySensor(NavienBoostEntity, BinarySensorEntity):
    """On while the heater is boosted."""

    @property
    @override
    def is_on(self) -> bool:
        """Return whether a boost is on."""
        return self.coordinator.boosts.get(self.mac) is not None


class NavienBoostEndSensor(NavienBoostEntity, SensorEntity):
    """When the boost ends; unknown while there is none."""

    @property
    @override
    def native_value(self) -> datetime | None:
        """Return the end of the boost."""
        boost = self.coordinator.boosts.get(self.mac)
        return boost.end if boost else None


boost_binary_sensors: FeatureBuild[BinarySensorEntity] = offered_entities(
    boost_offered, (NavienBoostBinarySensor, BOOST)
)
"""The *Boost* binary sensor of a heater that can be boosted."""
boost_sensors: FeatureBuild[SensorEntity] = offered_entities(
    boost_offered, (NavienBoostEndSensor, BOOST_END)
)
"""The *Boost end* sensor of a heater that can be boosted."""
