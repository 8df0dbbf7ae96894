"""Energy and maintenance sensors: the heater's own counters, or an energy estimate.

Their values come from ``energy.CounterPoller`` (queries with a reply), not from
the status message. A sensor is unavailable until its heater's first reply after
a start: a restored value would be shown as if the heater had just said it.
``total_increasing`` lets a device counter that goes back (a reset) start a new
cycle in the statistics.

Only a heater that refuses the counters (``energyUsageUse`` not supported) gets
the estimate integrated from its reported power instead, named *Energy
(estimated)*; never both.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Final, override

from homeassistant.components.sensor import (
    RestoreSensor,
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory, UnitOfEnergy, UnitOfTime
from homeassistant.core import callback
from homeassistant.util.dt import utcnow

from .entity import NavienEntity, async_add_heater_entities

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
    from homeassistant.helpers.typing import StateType

    from .coordinator import HeaterState, NavienConfigEntry, NavienCoordinator
    from .energy import HeaterCounters
    from .navilink.codec import DeviceStatus, Diagnostics


@dataclass(frozen=True, kw_only=True)
class NavienCounterSensorEntityDescription(SensorEntityDescription):
    """A value from the heater's counters; None while not reported."""

    value_fn: Callable[[HeaterCounters], StateType]


def _energy(
    key: str, wh: Callable[[HeaterCounters], int | None]
) -> NavienCounterSensorEntityDescription:
    return NavienCounterSensorEntityDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.WATT_HOUR,
        suggested_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        state_class=SensorStateClass.TOTAL_INCREASING,
        suggested_display_precision=2,
        value_fn=wh,
    )


ENERGY_SENSORS: tuple[NavienCounterSensorEntityDescription, ...] = (
    _energy("heat_pump_energy", lambda c: c.energy.heat_pump_wh if c.energy else None),
    _energy("element_energy", lambda c: c.energy.element_wh if c.energy else None),
    _energy("energy_total", lambda c: c.energy.total_wh if c.energy else None),
)


def _maintenance(
    key: str,
    value: Callable[[Diagnostics], int | None],
    *,
    hours: bool = False,
    enabled: bool = False,
) -> NavienCounterSensorEntityDescription:
    return NavienCounterSensorEntityDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.DURATION if hours else None,
        native_unit_of_measurement=UnitOfTime.HOURS if hours else None,
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=enabled,
        value_fn=lambda c: value(c.diagnostics) if c.diagnostics else None,
    )


MAINTENANCE_SENSORS: tuple[NavienCounterSensorEntityDescription, ...] = (
    _maintenance(
        "compressor_hours", lambda d: d.compressor_hours, hours=True, enabled=True
    ),
    _maintenance("compressor_starts", lambda d: d.compressor_starts),
    _maintenance("element_hours", lambda d: d.element_hours, hours=True),
    _maintenance("element_starts", lambda d: d.element_starts),
    _maintenance("fan_hours", lambda d: d.fan_hours, hours=True),
    NavienCounterSensorEntityDescription(
        key="days_installed",
        translation_key="days_installed",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.DAYS,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda c: c.diagnostics.days_installed if c.diagnostics else None,
    ),
    _maintenance("draws", lambda d: d.draws),
    _maintenance("long_draws", lambda d: d.long_draws),
    _maintenance("dry_fire_events", lambda d: d.dry_fire_events),
    _maintenance("eco_trips", lambda d: d.eco_trips),
    _maintenance("freeze_protection_events", lambda d: d.freeze_protection_events),
    _maintenance("condensate_overflows", lambda d: d.condensate_overflows),
    _maintenance("water_overflows", lambda d: d.water_overflows),
)


class NavienCounterSensor(NavienEntity, SensorEntity):
    """A counter the heater keeps, as last read by the counter poller."""

    entity_description: NavienCounterSensorEntityDescription

    @property
    def _value(self) -> StateType:
        counters = self.coordinator.counters.data.get(self.mac)
        return None if counters is None else self.entity_description.value_fn(counters)

    @property
    @override
    def available(self) -> bool:
        """Available once the heater has answered since the start."""
        return super().available and self._value is not None

    @property
    @override
    def native_value(self) -> StateType:
        """Return the counter's last reported value."""
        return self._value


@callback
def async_add_maintenance_entities(
    entry: NavienConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add a heater's maintenance sensors once it has answered the diagnostics query.

    A firmware that never answers it gets none, rather than sensors that stay
    unavailable forever.
    """

    def _diagnostics_known(
        coordinator: NavienCoordinator, mac: str, _heater: HeaterState
    ) -> bool:
        counters = coordinator.counters.data.get(mac)
        return counters is not None and counters.diagnostics is not None

    def _build(
        coordinator: NavienCoordinator, mac: str, _heater: HeaterState
    ) -> list[NavienCounterSensor]:
        return [
            NavienCounterSensor(coordinator, mac, description)
            for description in MAINTENANCE_SENSORS
        ]

    async_add_heater_entities(
        entry, async_add_entities, _build, ready=_diagnostics_known
    )


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

    @override
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
    @override
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
    @override
    def native_value(self) -> float:
        """Return the total in Wh."""
        return round(self._total_wh, 1)
