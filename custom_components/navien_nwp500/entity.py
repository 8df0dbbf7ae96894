"""The entities' shared bases: one Home Assistant device per water heater.

`NavienEntity` binds an entity to a heater; `NavienTankEntity` adds the tank's
temperatures for the water heater and thermostat. The platforms add their
entities through `async_add_heater_entities` (`async_add_feature_entities` for
those built from its capabilities by `described_entities` or `offered_entities`,
`async_add_reported_entities` for those that show status fields), and `reported`
builds the `exists_fn` that gives an entity only to firmware that sends its fields.

Each temperature member of the tank exists under its 2026.10 name and its
2026.11 ``native_*`` name, so Home Assistant 2026.11 serves the native one
without a deprecation warning and 2026.10 reads the old one (quality.md §3.5).
The heater works in half degrees Celsius. A °F user sets and sees whole °F: a
whole °F lands on a half °C (120 °F is sent as 49 °C, raw 98) that reads back
as 120.2 °F, which whole-degree precision shows as 120 °F again.
"""

from typing import TYPE_CHECKING, Any, Protocol, override

from homeassistant.const import (
    PRECISION_HALVES,
    PRECISION_WHOLE,
    UnitOfTemperature,
    UnitOfVolume,
)
from homeassistant.core import callback
from homeassistant.helpers.device_registry import CONNECTION_NETWORK_MAC, DeviceInfo
from homeassistant.helpers.update_coordinator import CoordinatorEntity
from homeassistant.util.unit_conversion import VolumeConverter

from .const import DOMAIN, MANUFACTURER
from .coordinator import HeaterState, NavienCoordinator
from .navilink.codec import (
    DHW_TEMPERATURE_MAX_C,
    DHW_TEMPERATURE_MIN_C,
    STATUS_FIELDS,
    DhwTemperaturePrecision,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity import Entity, EntityDescription
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .coordinator import NavienConfigEntry
    from .navilink.codec import DeviceFeature, DeviceStatus


def model_name(hass: HomeAssistant, gallons: int | None) -> str:
    """Name the model with its tank in the owner's volume unit: "NWP500 246 L".

    The heater reports its tank as a size code in whole US gallons (50, 65,
    80); a metric owner sees it in litres, rounded to the litre.
    """
    if gallons is None:
        return "NWP500"
    unit = hass.config.units.volume_unit
    size = VolumeConverter.convert(gallons, UnitOfVolume.GALLONS, unit)
    return f"NWP500 {size:.0f} {unit}"


def heater_device_info(hass: HomeAssistant, heater: HeaterState) -> DeviceInfo:
    """Describe a heater for the device registry from what it has reported."""
    device, feature = heater.device, heater.feature
    info = DeviceInfo(
        identifiers={(DOMAIN, device.mac)},
        connections={(CONNECTION_NETWORK_MAC, device.mac)},
        manufacturer=MANUFACTURER,
        model="NWP500",
        name=device.name or "NWP500",
    )
    if feature is not None:
        info["model"] = model_name(hass, feature.volume_gallons)
        if feature.controller_serial_number:
            info["serial_number"] = feature.controller_serial_number
        if feature.controller_sw_version is not None:
            info["sw_version"] = format_version(feature.controller_sw_version)
    return info


def format_version(packed: int) -> str:
    """Show a packed firmware version (one byte each, e.g. 0x0A010000) as 10.1.0.0."""
    return ".".join(str(packed >> shift & 0xFF) for shift in (24, 16, 8, 0))


class NavienEntity(CoordinatorEntity[NavienCoordinator]):
    """An entity of one heater, available while the heater's reports are current."""

    _attr_has_entity_name = True

    def __init__(
        self,
        coordinator: NavienCoordinator,
        mac: str,
        description: EntityDescription,
    ) -> None:
        """Bind the entity to a heater and describe it."""
        super().__init__(coordinator)
        self.entity_description = description
        self.mac = mac
        self._attr_unique_id = f"{mac}_{description.key}"
        self._attr_device_info = heater_device_info(
            coordinator.hass, coordinator.data.heaters[mac]
        )

    @property
    def heater(self) -> HeaterState | None:
        """The heater's latest state, if the account still has it."""
        return self.coordinator.data.heaters.get(self.mac)

    @property
    def status(self) -> DeviceStatus | None:
        """The heater's latest status message."""
        heater = self.heater
        return heater.status if heater else None

    @property
    def feature(self) -> DeviceFeature | None:
        """The heater's capabilities and limits."""
        heater = self.heater
        return heater.feature if heater else None

    @property
    @override
    def available(self) -> bool:
        """Available while the cloud is, the heater answers and its status is fresh."""
        return (
            super().available
            and self.status is not None
            and self.coordinator.heater_available(self.mac)
        )


class NavienTankEntity(NavienEntity):
    """The tank's temperatures, limits and precision, shared by both tank entities."""

    @property
    def temperature_unit(self) -> str:
        """The heater reports Celsius (2026.10 name)."""
        return UnitOfTemperature.CELSIUS

    @property
    def native_temperature_unit(self) -> str:
        """The heater reports Celsius (2026.11 name)."""
        return UnitOfTemperature.CELSIUS

    @property
    def current_temperature(self) -> float | None:
        """The hot-water temperature at the top of the tank (2026.10 name)."""
        return self.status.dhw_temperature if self.status else None

    @property
    def native_current_temperature(self) -> float | None:
        """The hot-water temperature at the top of the tank (2026.11 name)."""
        return self.current_temperature

    @property
    def target_temperature(self) -> float | None:
        """The set-point (2026.10 name)."""
        return self.status.dhw_temperature_setting if self.status else None

    @property
    def native_target_temperature(self) -> float | None:
        """The set-point (2026.11 name)."""
        return self.target_temperature

    @property
    def min_temp(self) -> float:
        """The installer's lowest set-point, °C."""
        limit = self.feature.dhw_temperature_min if self.feature else None
        return DHW_TEMPERATURE_MIN_C if limit is None else limit

    @property
    def max_temp(self) -> float:
        """The installer's highest set-point, °C."""
        limit = self.feature.dhw_temperature_max if self.feature else None
        return DHW_TEMPERATURE_MAX_C if limit is None else limit

    @property
    def _whole_degrees(self) -> bool:
        feature = self.feature
        return (
            feature is not None
            and feature.dhw_temperature_setting_use
            is DhwTemperaturePrecision.WHOLE_DEGREE
        )

    @property
    def _shown_in_fahrenheit(self) -> bool:
        return self.hass.config.units.temperature_unit == UnitOfTemperature.FAHRENHEIT

    @property
    def precision(self) -> float:
        """Whole °F for °F users; in °C half degrees, unless the heater takes whole ones."""
        if self._shown_in_fahrenheit or self._whole_degrees:
            return PRECISION_WHOLE
        return PRECISION_HALVES

    @property
    def target_temperature_step(self) -> float:
        """The set-point moves by 1 °F, or in the heater's °C precision."""
        return self.precision


def _feature_known(
    _coordinator: NavienCoordinator, _mac: str, heater: HeaterState
) -> bool:
    return heater.feature is not None


@callback
def async_add_heater_entities(
    entry: NavienConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    build: Callable[[NavienCoordinator, str, HeaterState], Iterable[Entity]],
    *,
    ready: Callable[[NavienCoordinator, str, HeaterState], bool] = _feature_known,
) -> None:
    """Add a heater's entities once it is ``ready`` (its feature is known), now or later.

    Each heater's entities are built once, when ``ready`` first holds for it:
    at setup, or when a heater that joined the account reports (no reload). A
    heater the user deleted is forgotten, so it gets entities again if it returns.
    """
    coordinator = entry.runtime_data
    known: set[str] = set()

    @callback
    def _add_new() -> None:
        known.intersection_update(coordinator.data.heaters)
        entities: list[Entity] = []
        for mac, heater in coordinator.data.heaters.items():
            if mac not in known and ready(coordinator, mac, heater):
                known.add(mac)
                entities.extend(build(coordinator, mac, heater))
        if entities:
            async_add_entities(entities)

    _add_new()
    entry.async_on_unload(coordinator.async_add_listener(_add_new))


type FeatureBuild[T] = Callable[[NavienCoordinator, str, DeviceFeature], Iterable[T]]
"""Build a heater's entities of one kind from its capabilities."""


@callback
def async_add_feature_entities(
    entry: NavienConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    *builds: FeatureBuild[Entity],
) -> None:
    """Add the entities ``builds`` make of each heater's capabilities, once known."""

    def _build(
        coordinator: NavienCoordinator, mac: str, heater: HeaterState
    ) -> list[Entity]:
        feature = heater.feature
        if feature is None:
            return []
        return [
            entity for build in builds for entity in build(coordinator, mac, feature)
        ]

    async_add_heater_entities(entry, async_add_entities, _build)


class FeatureDescription(Protocol):
    """An entity description that says which capabilities its entity needs."""

    @property
    def exists_fn(self) -> Callable[[DeviceFeature], bool]:
        """Whether a heater with these capabilities gets the entity."""


def described_entities[T, D: FeatureDescription](
    make: Callable[[NavienCoordinator, str, D], T], descriptions: Iterable[D]
) -> FeatureBuild[T]:
    """Build an entity of each description whose ``exists_fn`` holds for the heater."""

    def build(
        coordinator: NavienCoordinator, mac: str, feature: DeviceFeature
    ) -> list[T]:
        return [
            make(coordinator, mac, description)
            for description in descriptions
            if description.exists_fn(feature)
        ]

    return build


def offered_entities[T](
    offered: Callable[[DeviceFeature], bool],
    *entities: tuple[Callable[[NavienCoordinator, str, Any], T], EntityDescription],
) -> FeatureBuild[T]:
    """Build each (entity class, description) pair for a heater that has ``offered``."""

    def build(
        coordinator: NavienCoordinator, mac: str, feature: DeviceFeature
    ) -> list[T]:
        if not offered(feature):
            return []
        return [make(coordinator, mac, description) for make, description in entities]

    return build


_WIRE_KEYS = {attribute: key for attribute, key, _decode in STATUS_FIELDS}


def reported(*fields: str) -> Callable[[DeviceFeature, DeviceStatus], bool]:
    """Build an `exists_fn` true when the firmware sends every one of `fields`.

    A field the heater never sends gets no entity; a field that is only missing
    or malformed in one message still exists and reads unknown.
    """
    keys = tuple(_WIRE_KEYS[field] for field in fields)
    return lambda _feature, status: all(key in status.raw for key in keys)


@callback
def async_add_reported_entities(
    entry: NavienConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    build: Callable[
        [NavienCoordinator, str, DeviceFeature, DeviceStatus], Iterable[Entity]
    ],
) -> None:
    """Add a heater's entities once both its feature and a status are known.

    The status is needed to see which fields the firmware sends. Heaters that
    report after setup get their entities from the coordinator listener.
    """

    def _build(
        coordinator: NavienCoordinator, mac: str, heater: HeaterState
    ) -> Iterable[Entity]:
        assert heater.feature is not None
        assert heater.status is not None
        return build(coordinator, mac, heater.feature, heater.status)

    async_add_heater_entities(
        entry,
        async_add_entities,
        _build,
        ready=lambda _coordinator, _mac, heater: (
            heater.feature is not None and heater.status is not None
        ),
    )
