"""Hot water entities: litres and showers available, low hot water, time to ready.

They follow the owner's options (cold-water temperature, litres per shower, low
threshold) as soon as the options are saved, without reloading the entry.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, override

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.config_entries import SIGNAL_CONFIG_ENTRY_CHANGED, ConfigEntryChange
from homeassistant.const import UnitOfTime, UnitOfVolume
from homeassistant.core import callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.util.dt import utcnow

from .entity import NavienEntity, reported
from .hot_water import (
    HotWaterSettings,
    RecoveryEstimator,
    is_low,
    showers,
    tank_litres,
)
from .hot_water_draws import available_litres
from .hot_water_options import hot_water_settings
from .units import SystemUnitSensor

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from homeassistant.config_entries import ConfigEntry
    from homeassistant.helpers.typing import StateType

    from .coordinator import NavienCoordinator
    from .navilink.codec import DeviceFeature, DeviceStatus

_TANK_FIELDS = ("tank_upper_temperature", "tank_lower_temperature")
_RECOVERY_FIELDS = (
    *_TANK_FIELDS,
    "dhw_temperature_setting",
    "comp_use",
    "heat_upper_use",
    "heat_lower_use",
)


def _has_tank(feature: DeviceFeature, status: DeviceStatus) -> bool:
    """Whether the heater tells its tank size and both tank temperatures."""
    return tank_litres(feature) is not None and reported(*_TANK_FIELDS)(feature, status)


def _available_litres(litres: float, _settings: HotWaterSettings) -> float:
    return round(litres, 1)


def _showers(litres: float, settings: HotWaterSettings) -> int:
    return showers(round(litres, 1), settings.litres_per_shower)


@dataclass(frozen=True, kw_only=True)
class HotWaterSensorEntityDescription(SensorEntityDescription):
    """A figure computed from hot water available and the owner's settings."""

    value_fn: Callable[[float, HotWaterSettings], StateType]


HOT_WATER_SENSORS: tuple[HotWaterSensorEntityDescription, ...] = (
    HotWaterSensorEntityDescription(
        key="hot_water_available",
        translation_key="hot_water_available",
        device_class=SensorDeviceClass.VOLUME_STORAGE,
        native_unit_of_measurement=UnitOfVolume.LITERS,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=_available_litres,
    ),
    HotWaterSensorEntityDescription(
        key="showers_available",
        translation_key="showers_available",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=_showers,
    ),
)

TIME_TO_READY = SensorEntityDescription(
    key="time_to_ready",
    translation_key="time_to_ready",
    device_class=SensorDeviceClass.DURATION,
    native_unit_of_measurement=UnitOfTime.MINUTES,
    suggested_display_precision=0,
)

LOW_HOT_WATER = BinarySensorEntityDescription(
    key="low_hot_water",
    translation_key="low_hot_water",
)


def hot_water_sensors(
    coordinator: NavienCoordinator,
    mac: str,
    feature: DeviceFeature,
    status: DeviceStatus,
) -> Iterator[SensorEntity]:
    """Build the hot water sensors of a heater that reports its tank."""
    if not _has_tank(feature, status):
        return
    for description in HOT_WATER_SENSORS:
        yield HotWaterSensor(coordinator, mac, description)
    if reported(*_RECOVERY_FIELDS)(feature, status):
        yield TimeToReadySensor(coordinator, mac, TIME_TO_READY)


def hot_water_binary_sensors(
    coordinator: NavienCoordinator,
    mac: str,
    feature: DeviceFeature,
    status: DeviceStatus,
) -> Iterator[BinarySensorEntity]:
    """Build the low hot water binary sensor of a heater that reports its tank."""
    if _has_tank(feature, status):
        yield LowHotWaterBinarySensor(coordinator, mac, LOW_HOT_WATER)


class _FollowsOptions(NavienEntity):
    """Writes its state again when the owner saves new options."""

    @property
    def settings(self) -> HotWaterSettings:
        """The owner's current hot water settings."""
        return hot_water_settings(self.coordinator.config_entry.options)

    @property
    def litres(self) -> float | None:
        """Hot water available (``hot_water_draws``); None when the status lacks it."""
        feature, status = self.feature, self.status
        if feature is None or status is None:
            return None
        cold_water = self.coordinator.tanks.get(self.mac)
        return available_litres(feature, status, cold_water, self.settings.cold_water_c)

    @override
    async def async_added_to_hass(self) -> None:
        """Follow option changes of the entry."""
        await super().async_added_to_hass()

        @callback
        def _entry_changed(change: ConfigEntryChange, entry: ConfigEntry) -> None:
            if (
                change is ConfigEntryChange.UPDATED
                and entry.entry_id == self.coordinator.config_entry.entry_id
            ):
                self.async_write_ha_state()

        self.async_on_remove(
            async_dispatcher_connect(
                self.hass, SIGNAL_CONFIG_ENTRY_CHANGED, _entry_changed
            )
        )


class HotWaterSensor(_FollowsOptions, SystemUnitSensor):
    """Hot water available, in litres or showers."""

    entity_description: HotWaterSensorEntityDescription

    @property
    @override
    def native_value(self) -> StateType:
        """Return the figure; None (unknown) when the status lacks what it needs."""
        litres = self.litres
        if litres is None:
            return None
        return self.entity_description.value_fn(litres, self.settings)


class LowHotWaterBinarySensor(_FollowsOptions, BinarySensorEntity):
    """On while hot water available is under the owner's threshold."""

    @property
    @override
    def is_on(self) -> bool | None:
        """Return whether hot water is low; None (unknown) when it cannot tell."""
        litres = self.litres
        return None if litres is None else is_low(round(litres, 1), self.settings)


class TimeToReadySensor(NavienEntity, SensorEntity):
    """Minutes until the tank is ready, from the recent rise of its stored heat."""

    def __init__(
        self,
        coordinator: NavienCoordinator,
        mac: str,
        description: SensorEntityDescription,
    ) -> None:
        """Start without history; each new status adds to it."""
        super().__init__(coordinator, mac, description)
        self._estimator = RecoveryEstimator()
        self._seen: DeviceStatus | None = None
        self._minutes: float | None = None

    @override
    async def async_added_to_hass(self) -> None:
        """Take the current status as the first sample."""
        await super().async_added_to_hass()
        self._take_status()

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        """Feed a new status to the estimator, then update."""
        self._take_status()
        super()._handle_coordinator_update()

    @callback
    def _take_status(self) -> None:
        feature, status = self.feature, self.status
        if feature is None or status is None or status is self._seen:
            return
        self._seen = status
        self._minutes = self._estimator.minutes_to_ready(feature, status, utcnow())

    @property
    @override
    def native_value(self) -> float | None:
        """Return the minutes left; 0 when ready, None (unknown) when it cannot tell."""
        return None if self._minutes is None else round(self._minutes)
