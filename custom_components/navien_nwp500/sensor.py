"""Sensors for what the heater measures and reports, and its energy use.

Energy comes from the heater's own counters (``sensor_energy``). Only a heater
that refuses them (``energyUsageUse`` not supported) gets the estimate integrated
from its reported power instead, named *Energy (estimated)*; never both.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Final

from homeassistant.components.sensor import (
    RestoreSensor,
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import UnitOfEnergy
from homeassistant.core import HomeAssistant, callback
from homeassistant.util.dt import utcnow

from .energy import counts_energy
from .entity import NavienEntity
from .hot_water_entities import hot_water_sensors
from .reported import async_add_reported_entities, reported
from .sensor_descriptions import SENSORS, NavienSensorEntityDescription
from .sensor_energy import (
    ENERGY_SENSORS,
    NavienCounterSensor,
    async_add_maintenance_entities,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
    from homeassistant.helpers.typing import StateType

    from .coordinator import NavienConfigEntry, NavienCoordinator
    from .navilink.codec import DeviceFeature, DeviceStatus

PARALLEL_UPDATES = 0

MAX_SAMPLE_GAP: Final = timedelta(minutes=10)
"""Longest gap between two status messages that still counts as energy used."""

ENERGY_ESTIMATE = SensorEntityDescription(
    # Only for a heater without energy counters; its unique ID predates them.
    key="energy",
    translation_key="energy_estimate",
    device_class=SensorDeviceClass.ENERGY,
    native_unit_of_measurement=UnitOfEnergy.WATT_HOUR,
    suggested_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
    state_class=SensorStateClass.TOTAL_INCREASING,
    suggested_display_precision=2,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: NavienConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors of each heater once it has reported."""

    def build(
        coordinator: NavienCoordinator,
        mac: str,
        feature: DeviceFeature,
        status: DeviceStatus,
    ) -> Iterator[SensorEntity]:
        for description in SENSORS:
            if description.exists_fn(feature, status):
                yield NavienSensor(coordinator, mac, description)
        if counts_energy(coordinator.data.heaters[mac]):
            for counter in ENERGY_SENSORS:
                yield NavienCounterSensor(coordinator, mac, counter)
        elif reported("current_inst_power")(feature, status):
            yield NavienEnergySensor(coordinator, mac, ENERGY_ESTIMATE)
        yield from hot_water_sensors(coordinator, mac, feature, status)

    async_add_reported_entities(entry, async_add_entities, build)
    async_add_maintenance_entities(entry, async_add_entities)


class NavienSensor(NavienEntity, SensorEntity):
    """A value from the heater's latest status message."""

    entity_description: NavienSensorEntityDescription

    @property
    def native_value(self) -> StateType:
        """Return the value; None (unknown) when this message lacks it."""
        status = self.status
        return self.entity_description.value_fn(status) if status else None


class NavienEnergySensor(NavienEntity, RestoreSensor):
    """Electricity the heater used, integrated from its instantaneous power.

    The status message has no energy counter, only the present power
    (``currentInstPower``, elements included). Each new status closes the
    interval since the previous one at the previous power (power changes in
    steps, and the heater reports when it steps). An interval counts only while
    the session is connected and only when it is at most ``MAX_SAMPLE_GAP``
    long, so an outage adds nothing; a gap shorter than that (a brief
    reconnect) is assumed to run at the last known power. The total never
    decreases and is restored after a restart, so a heater that reboots or
    drops its power reading to 0 cannot make it go down.

    Used only for a heater that does not keep energy counters of its own.
    """

    def __init__(
        self,
        coordinator: NavienCoordinator,
        mac: str,
        description: SensorEntityDescription,
    ) -> None:
        """Start at zero; a restored total replaces this when added."""
        super().__init__(coordinator, mac, description)
        self._total_wh = 0.0
        self._sample: tuple[datetime, int] | None = None
        self._sampled_status: DeviceStatus | None = None

    async def async_added_to_hass(self) -> None:
        """Restore the total, then take the current status as the first sample."""
        await super().async_added_to_hass()
        last = await self.async_get_last_sensor_data()
        if (
            last is not None
            and last.native_unit_of_measurement == UnitOfEnergy.WATT_HOUR
        ):
            try:
                restored = Decimal(str(last.native_value))
            except InvalidOperation:
                restored = Decimal(0)
            if restored.is_finite() and restored > 0:
                self._total_wh = float(restored)
        self._integrate()

    @callback
    def _handle_coordinator_update(self) -> None:
        """Count the energy of the interval a new status closes, then update."""
        self._integrate()
        super()._handle_coordinator_update()

    @callback
    def _integrate(self) -> None:
        """Add the interval since the last sample when a new status closes it."""
        status = self.status
        if status is None or not self.coordinator.connected:
            self._sample = None
            return
        if status is self._sampled_status:
            return
        self._sampled_status = status
        now = utcnow()
        if self._sample is not None:
            since, watts = self._sample
            elapsed = now - since
            if timedelta(0) < elapsed <= MAX_SAMPLE_GAP:
                self._total_wh += watts * elapsed.total_seconds() / 3600
        power = status.current_inst_power
        self._sample = (now, power) if power is not None and power >= 0 else None

    @property
    def native_value(self) -> float:
        """Return the total in Wh."""
        return round(self._total_wh, 1)
