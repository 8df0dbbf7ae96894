"""Sensors of the heater's own counters: lifetime energy per source and maintenance.

Their values come from ``energy.CounterPoller`` (queries with a reply), not from
the status message. A sensor is unavailable until its heater's first reply after
a start: a restored value would be shown as if the heater had just said it.
``total_increasing`` lets a device counter that goes back (a reset) start a new
cycle in the statistics.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory, UnitOfEnergy, UnitOfTime
from homeassistant.core import callback

from .entity import NavienEntity

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
    from homeassistant.helpers.typing import StateType

    from .coordinator import NavienConfigEntry
    from .energy import HeaterCounters
    from .navilink.codec import Diagnostics


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
    def available(self) -> bool:
        """Available once the heater has answered since the start."""
        return super().available and self._value is not None

    @property
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
    coordinator = entry.runtime_data
    known: set[str] = set()

    @callback
    def _add_new() -> None:
        entities: list[NavienCounterSensor] = []
        for mac, counters in coordinator.counters.data.items():
            if mac in known or counters.diagnostics is None:
                continue
            if mac not in coordinator.data.heaters:
                continue
            known.add(mac)
            entities.extend(
                NavienCounterSensor(coordinator, mac, description)
                for description in MAINTENANCE_SENSORS
            )
        if entities:
            async_add_entities(entities)

    _add_new()
    entry.async_on_unload(coordinator.async_add_listener(_add_new))
