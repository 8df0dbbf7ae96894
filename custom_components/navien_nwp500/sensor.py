"""Sensors for what the heater measures and reports, and its energy use.

The status sensors are described here; the energy and maintenance counters,
and the energy estimate for a heater without counters, in ``sensor_energy``;
the hot-water sensors in ``hot_water_entities``; the values that take more
than reading one status field in ``sensor_values``. The table of status
sensors stays beside the entity class that reads it, as in Home Assistant core.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, override

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    PERCENTAGE,
    REVOLUTIONS_PER_MINUTE,
    EntityCategory,
    UnitOfEnergy,
    UnitOfPower,
    UnitOfTemperature,
    UnitOfTime,
    UnitOfVolume,
    UnitOfVolumeFlowRate,
)

from .boost_entities import boost_sensors
from .energy import counts_energy
from .entity import NavienEntity, async_add_reported_entities, reported
from .hot_water_entities import hot_water_sensors
from .modes import MODE_NAMES
from .navilink.codec import CurrentOperationMode, DrEvent, HeatSource
from .sensor_energy import (
    ENERGY_ESTIMATE,
    ENERGY_SENSORS,
    NavienCounterSensor,
    NavienEnergySensor,
    async_add_maintenance_entities,
)
from .sensor_values import (
    air_filter_remaining,
    enum_options,
    enum_state,
    error_text,
    tou_state,
    vacation_days_left,
)
from .smart_entities import smart_sensors
from .units import SystemUnitSensor

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
    from homeassistant.helpers.typing import StateType

    from .coordinator import NavienConfigEntry, NavienCoordinator
    from .navilink.codec import DeviceFeature, DeviceStatus

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class NavienSensorEntityDescription(SensorEntityDescription):
    """A value read from the heater's status message."""

    exists_fn: Callable[[DeviceFeature, DeviceStatus], bool]
    value_fn: Callable[[DeviceStatus], StateType]
    fahrenheit_precision: int | None = None
    """Decimals shown in °F, when they differ from those in °C."""


def _temperature(
    key: str,
    value_fn: Callable[[DeviceStatus], float | None],
    *,
    diagnostic: bool = False,
    fahrenheit_precision: int | None = None,
) -> NavienSensorEntityDescription:
    """Describe a temperature sensor whose key is also its status field."""
    return NavienSensorEntityDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.TEMPERATURE,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        entity_category=EntityCategory.DIAGNOSTIC if diagnostic else None,
        entity_registry_enabled_default=not diagnostic,
        exists_fn=reported(key),
        value_fn=value_fn,
        fahrenheit_precision=fahrenheit_precision,
    )


def _diagnostic_number(
    key: str,
    field: str,
    value_fn: Callable[[DeviceStatus], int | None],
    unit: str | None = None,
) -> NavienSensorEntityDescription:
    """Describe a technical number from the status, hidden by default."""
    return NavienSensorEntityDescription(
        key=key,
        translation_key=key,
        native_unit_of_measurement=unit,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        exists_fn=reported(field),
        value_fn=value_fn,
    )


def _superheat(
    key: str, value_fn: Callable[[DeviceStatus], float | None]
) -> NavienSensorEntityDescription:
    """Describe a superheat reading: a signed temperature difference."""
    return NavienSensorEntityDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.TEMPERATURE_DELTA,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        exists_fn=reported(key),
        value_fn=value_fn,
    )


SENSORS: tuple[NavienSensorEntityDescription, ...] = (
    _temperature("dhw_temperature", lambda status: status.dhw_temperature),
    _temperature(
        "tank_upper_temperature", lambda status: status.tank_upper_temperature
    ),
    _temperature(
        "tank_lower_temperature", lambda status: status.tank_lower_temperature
    ),
    _temperature("ambient_temperature", lambda status: status.ambient_temperature),
    _temperature(
        "evaporator_temperature",
        lambda status: status.evaporator_temperature,
        diagnostic=True,
    ),
    _temperature(
        "discharge_temperature",
        lambda status: status.discharge_temperature,
        diagnostic=True,
    ),
    _temperature(
        "suction_temperature",
        lambda status: status.suction_temperature,
        diagnostic=True,
    ),
    _temperature(
        # Whole °F, as the water heater shows it; °C in the heater's half degrees.
        "dhw_temperature_setting",
        lambda status: status.dhw_temperature_setting,
        fahrenheit_precision=0,
    ),
    NavienSensorEntityDescription(
        # The only power sensor: the device-class name "Power" fits.
        key="power",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.WATT,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        exists_fn=reported("current_inst_power"),
        value_fn=lambda status: status.current_inst_power,
    ),
    NavienSensorEntityDescription(
        # The heater's dhwChargePer, from its probes: blind to cold water below them.
        key="tank_charge",
        translation_key="tank_charge",
        entity_category=EntityCategory.DIAGNOSTIC,
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        exists_fn=reported("dhw_charge_percent"),
        value_fn=lambda status: status.dhw_charge_percent,
    ),
    NavienSensorEntityDescription(
        # The heater's own figure, from the tank's mean temperature (protocol
        # §17.11). No state class: a long-term statistic in an energy unit would
        # be offered (and refused) in the Energy dashboard's individual devices.
        key="usable_energy",
        translation_key="usable_energy",
        device_class=SensorDeviceClass.ENERGY_STORAGE,
        native_unit_of_measurement=UnitOfEnergy.WATT_HOUR,
        suggested_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=2,
        exists_fn=reported("total_energy_capacity_wh", "available_energy_capacity_wh"),
        value_fn=lambda status: status.usable_energy_wh,
    ),
    NavienSensorEntityDescription(
        key="flow_rate",
        translation_key="flow_rate",
        device_class=SensorDeviceClass.VOLUME_FLOW_RATE,
        native_unit_of_measurement=UnitOfVolumeFlowRate.LITERS_PER_MINUTE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        exists_fn=reported("current_dhw_flow_rate"),
        value_fn=lambda status: status.current_dhw_flow_rate,
    ),
    NavienSensorEntityDescription(
        key="hot_water_total",
        translation_key="hot_water_total",
        device_class=SensorDeviceClass.WATER,
        native_unit_of_measurement=UnitOfVolume.LITERS,
        state_class=SensorStateClass.TOTAL_INCREASING,
        suggested_display_precision=0,
        exists_fn=reported("cumulated_dhw_flow"),
        value_fn=lambda status: status.cumulated_dhw_flow,
    ),
    NavienSensorEntityDescription(
        key="heat_source",
        translation_key="heat_source",
        device_class=SensorDeviceClass.ENUM,
        options=enum_options(HeatSource),
        exists_fn=reported("current_heat_use"),
        value_fn=lambda status: enum_state(status.current_heat_use),
    ),
    NavienSensorEntityDescription(
        key="operation_state",
        translation_key="operation_state",
        device_class=SensorDeviceClass.ENUM,
        options=enum_options(CurrentOperationMode),
        exists_fn=reported("operation_mode"),
        value_fn=lambda status: enum_state(status.operation_mode),
    ),
    NavienSensorEntityDescription(
        key="dhw_mode",
        translation_key="dhw_mode",
        device_class=SensorDeviceClass.ENUM,
        options=list(MODE_NAMES.values()),
        exists_fn=reported("dhw_operation_setting"),
        value_fn=lambda status: MODE_NAMES.get(status.dhw_operation_setting),
    ),
    NavienSensorEntityDescription(
        key="error",
        translation_key="error",
        exists_fn=reported("error_code", "sub_error_code"),
        value_fn=error_text,
    ),
    NavienSensorEntityDescription(
        key="error_code",
        translation_key="error_code",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        exists_fn=reported("error_code"),
        value_fn=lambda status: status.error_code,
    ),
    NavienSensorEntityDescription(
        key="sub_error_code",
        translation_key="sub_error_code",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        exists_fn=reported("sub_error_code"),
        value_fn=lambda status: status.sub_error_code,
    ),
    NavienSensorEntityDescription(
        # The unit and sign are unknown (real units report about +60), so this
        # is neither dBm nor a signal-strength device class (protocol §16.9).
        key="wifi_signal",
        translation_key="wifi_signal",
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        exists_fn=lambda feature, status: (
            bool(feature.wifi_rssi_use) and reported("wifi_rssi")(feature, status)
        ),
        value_fn=lambda status: status.wifi_rssi,
    ),
    _diagnostic_number(
        "fan_speed",
        "current_fan_rpm",
        lambda status: status.current_fan_rpm,
        REVOLUTIONS_PER_MINUTE,
    ),
    _diagnostic_number("eev_step", "eev_step", lambda status: status.eev_step),
    _superheat("current_super_heat", lambda status: status.current_super_heat),
    _superheat("target_super_heat", lambda status: status.target_super_heat),
    NavienSensorEntityDescription(
        key="air_filter_used",
        translation_key="air_filter_used",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.HOURS,
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        exists_fn=reported("cumulated_op_time_eva_fan"),
        value_fn=lambda status: status.cumulated_op_time_eva_fan,
    ),
    NavienSensorEntityDescription(
        key="air_filter_remaining",
        translation_key="air_filter_remaining",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.HOURS,
        entity_category=EntityCategory.DIAGNOSTIC,
        exists_fn=reported("air_filter_alarm_period", "cumulated_op_time_eva_fan"),
        value_fn=air_filter_remaining,
    ),
    NavienSensorEntityDescription(
        key="vacation_days_left",
        translation_key="vacation_days_left",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.DAYS,
        exists_fn=lambda feature, status: (
            bool(feature.holiday_use)
            and reported(
                "dhw_operation_setting", "vacation_day_setting", "vacation_day_elapsed"
            )(feature, status)
        ),
        value_fn=vacation_days_left,
    ),
    NavienSensorEntityDescription(
        key="dr_state",
        translation_key="dr_state",
        device_class=SensorDeviceClass.ENUM,
        options=enum_options(DrEvent),
        exists_fn=lambda feature, status: (
            bool(feature.dr_setting_use)
            and reported("dr_event_status")(feature, status)
        ),
        value_fn=lambda status: enum_state(status.dr_event_status),
    ),
    NavienSensorEntityDescription(
        key="tou_state",
        translation_key="tou_state",
        device_class=SensorDeviceClass.ENUM,
        options=["off", "following", "override"],
        exists_fn=lambda feature, status: (
            bool(feature.program_reservation_use)
            and reported("tou_enabled", "tou_override_active")(feature, status)
        ),
        value_fn=tou_state,
    ),
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
        yield from boost_sensors(coordinator, mac, feature)
        yield from smart_sensors(coordinator, mac, feature)

    async_add_reported_entities(entry, async_add_entities, build)
    async_add_maintenance_entities(entry, async_add_entities)


class NavienSensor(NavienEntity, SystemUnitSensor):
    """A value from the heater's latest status message."""

    entity_description: NavienSensorEntityDescription

    @property
    @override
    def suggested_display_precision(self) -> int | None:
        """The description's decimals, or its °F ones while shown in °F."""
        precision = self.entity_description.fahrenheit_precision
        if (
            precision is not None
            and self.unit_of_measurement == UnitOfTemperature.FAHRENHEIT
        ):
            return precision
        return super().suggested_display_precision

    @property
    @override
    def native_value(self) -> StateType:
        """Return the value; None (unknown) when this message lacks it."""
        status = self.status
        return self.entity_description.value_fn(status) if status else None
