"""Binary sensors for what the heater is doing, its alarms and the cloud link."""

from dataclasses import dataclass
from typing import TYPE_CHECKING, override

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.const import EntityCategory

from .boost_entities import boost_binary_sensors
from .entity import NavienEntity, async_add_reported_entities, reported
from .helpers import heating_now
from .hot_water_entities import hot_water_binary_sensors

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .coordinator import NavienConfigEntry, NavienCoordinator
    from .navilink.codec import DeviceFeature, DeviceStatus

PARALLEL_UPDATES = 0

LEAK_ERROR = 799
CONDENSATE_OVERFLOW_ERROR = 990


@dataclass(frozen=True, kw_only=True)
class NavienBinarySensorEntityDescription(BinarySensorEntityDescription):
    """A yes/no reading of the heater's status message."""

    exists_fn: Callable[[DeviceFeature, DeviceStatus], bool]
    is_on_fn: Callable[[DeviceStatus], bool | None]


def sensor_or_error(flag: bool | None, code: int | None, error: int) -> bool | None:
    """On when an alarm flag is set or the heater shows that alarm's error code."""
    if flag is None and code is None:
        return None
    return bool(flag) or code == error


def has_error(status: DeviceStatus) -> bool | None:
    """On while the heater reports a non-zero error code."""
    return None if status.error_code is None else status.error_code != 0


BINARY_SENSORS: tuple[NavienBinarySensorEntityDescription, ...] = (
    NavienBinarySensorEntityDescription(
        key="heating",
        translation_key="heating",
        device_class=BinarySensorDeviceClass.RUNNING,
        exists_fn=reported("comp_use", "heat_upper_use", "heat_lower_use"),
        is_on_fn=heating_now,
    ),
    NavienBinarySensorEntityDescription(
        key="compressor",
        translation_key="compressor",
        device_class=BinarySensorDeviceClass.RUNNING,
        exists_fn=reported("comp_use"),
        is_on_fn=lambda status: status.comp_use,
    ),
    NavienBinarySensorEntityDescription(
        key="upper_element",
        translation_key="upper_element",
        device_class=BinarySensorDeviceClass.RUNNING,
        exists_fn=reported("heat_upper_use"),
        is_on_fn=lambda status: status.heat_upper_use,
    ),
    NavienBinarySensorEntityDescription(
        key="lower_element",
        translation_key="lower_element",
        device_class=BinarySensorDeviceClass.RUNNING,
        exists_fn=reported("heat_lower_use"),
        is_on_fn=lambda status: status.heat_lower_use,
    ),
    NavienBinarySensorEntityDescription(
        key="hot_water_in_use",
        translation_key="hot_water_in_use",
        exists_fn=reported("dhw_use"),
        is_on_fn=lambda status: status.dhw_use,
    ),
    NavienBinarySensorEntityDescription(
        key="anti_legionella_running",
        translation_key="anti_legionella_running",
        device_class=BinarySensorDeviceClass.RUNNING,
        exists_fn=lambda feature, status: (
            bool(feature.anti_legionella_setting_use)
            and reported("anti_legionella_operation_busy")(feature, status)
        ),
        is_on_fn=lambda status: status.anti_legionella_operation_busy,
    ),
    NavienBinarySensorEntityDescription(
        key="leak",
        translation_key="leak",
        device_class=BinarySensorDeviceClass.MOISTURE,
        exists_fn=reported("wtr_ovr_sensor_use"),
        is_on_fn=lambda status: sensor_or_error(
            status.wtr_ovr_sensor_use, status.error_code, LEAK_ERROR
        ),
    ),
    NavienBinarySensorEntityDescription(
        key="condensate_overflow",
        translation_key="condensate_overflow",
        device_class=BinarySensorDeviceClass.PROBLEM,
        exists_fn=reported("con_ovr_sensor_use"),
        is_on_fn=lambda status: sensor_or_error(
            status.con_ovr_sensor_use, status.error_code, CONDENSATE_OVERFLOW_ERROR
        ),
    ),
    NavienBinarySensorEntityDescription(
        key="error",
        translation_key="error",
        device_class=BinarySensorDeviceClass.PROBLEM,
        exists_fn=reported("error_code"),
        is_on_fn=has_error,
    ),
)

CLOUD_CONNECTION = BinarySensorEntityDescription(
    key="cloud_connection",
    translation_key="cloud_connection",
    device_class=BinarySensorDeviceClass.CONNECTIVITY,
    entity_category=EntityCategory.DIAGNOSTIC,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: NavienConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the binary sensors of each heater once it has reported."""

    def build(
        coordinator: NavienCoordinator,
        mac: str,
        feature: DeviceFeature,
        status: DeviceStatus,
    ) -> Iterator[BinarySensorEntity]:
        for description in BINARY_SENSORS:
            if description.exists_fn(feature, status):
                yield NavienBinarySensor(coordinator, mac, description)
        yield NavienCloudConnectionBinarySensor(coordinator, mac, CLOUD_CONNECTION)
        yield from hot_water_binary_sensors(coordinator, mac, feature, status)
        yield from boost_binary_sensors(coordinator, mac, feature)

    async_add_reported_entities(entry, async_add_entities, build)


class NavienBinarySensor(NavienEntity, BinarySensorEntity):
    """A yes/no value from the heater's latest status message."""

    entity_description: NavienBinarySensorEntityDescription

    @property
    @override
    def is_on(self) -> bool | None:
        """Return the value; None (unknown) when this message lacks it."""
        status = self.status
        return self.entity_description.is_on_fn(status) if status else None


class NavienCloudConnectionBinarySensor(NavienEntity, BinarySensorEntity):
    """Whether the cloud session is up; it stays available to say when it is not.

    It turns off when the coordinator gives up on the connection, i.e. after
    the grace period that keeps short reconnects from flickering.
    """

    @property
    @override
    def available(self) -> bool:
        """Always available: being offline is what this entity reports."""
        return True

    @property
    @override
    def is_on(self) -> bool:
        """Return whether the session is connected."""
        return self.coordinator.connected
