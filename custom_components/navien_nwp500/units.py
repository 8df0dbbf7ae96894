"""Sensor units that follow Home Assistant's unit system and stay put.

A sensor without a suggested unit gets one pinned by Home Assistant when it is
added again after a unit-system change: its unit from before the change. A
temperature sensor (converted on the fly without a suggested unit) thus shows
°F after the switch to US customary units, then °C again after a reload or a
restart. A suggested unit taken from the unit system avoids it: Home Assistant
stores it when the sensor is first registered and replaces it when the owner
lets a unit-system change update existing entities, so the chosen unit sticks.
It also gives gallons to US owners for a device class Home Assistant would
leave in litres, such as a stored volume or a flow rate.
"""

from typing import TYPE_CHECKING, Final, override

from homeassistant.components.sensor import SensorDeviceClass, SensorEntity
from homeassistant.const import UnitOfVolume, UnitOfVolumeFlowRate

if TYPE_CHECKING:
    from homeassistant.util.unit_system import UnitSystem

FLOW_RATE_UNITS: Final = {
    UnitOfVolume.LITERS: UnitOfVolumeFlowRate.LITERS_PER_MINUTE,
    UnitOfVolume.GALLONS: UnitOfVolumeFlowRate.GALLONS_PER_MINUTE,
}


def system_unit(
    units: UnitSystem, device_class: SensorDeviceClass | None
) -> str | None:
    """Return the unit ``units`` shows a sensor of ``device_class`` in; None if no rule."""
    if device_class is SensorDeviceClass.TEMPERATURE:
        return units.temperature_unit
    if device_class is SensorDeviceClass.VOLUME_STORAGE:
        return units.volume_unit
    if device_class is SensorDeviceClass.VOLUME_FLOW_RATE:
        return FLOW_RATE_UNITS.get(units.volume_unit)
    return None


class SystemUnitSensor(SensorEntity):
    """A sensor whose suggested unit is the unit system's for its device class."""

    @property
    @override
    def suggested_unit_of_measurement(self) -> str | None:
        """The unit system's unit; the description's before the sensor is added."""
        hass = getattr(self, "hass", None)
        unit = (
            None if hass is None else system_unit(hass.config.units, self.device_class)
        )
        return unit or super().suggested_unit_of_measurement
