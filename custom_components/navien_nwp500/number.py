"""Numbers: the anti-legionella period (the heater's) and the vacation length (ours).

No freeze-protection temperature number: the heater takes no remote command for
it (protocol.md §17.1). The period shows what the heater last reported and is
unavailable while anti-legionella is off, since the heater only takes a period
with the command that switches the cycle on. The vacation length is a setting
kept here (restored across restarts) that starting a vacation uses; changing it
sends nothing.
"""

from typing import TYPE_CHECKING, override

from homeassistant.components.number import (
    DOMAIN as NUMBER_DOMAIN,
    NumberEntity,
    NumberEntityDescription,
    NumberMode,
    RestoreNumber,
)
from homeassistant.const import EntityCategory, UnitOfTime
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er

from .const import DOMAIN
from .entity import NavienEntity, async_add_feature_entities
from .helpers import navien_command
from .navilink.codec import ANTI_LEGIONELLA_DAYS, VACATION_DAYS, anti_legionella
from .smart_entities import smart_numbers
from .texts import number_text
from .vacation import DEFAULT_VACATION_DAYS, VACATION_LENGTH_KEY

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity import Entity
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .coordinator import NavienConfigEntry, NavienCoordinator
    from .navilink.codec import DeviceFeature

# Actions wait for their command's outcome (up to 15 s); the session's queue
# already orders, paces and supersedes commands, so actions need no semaphore.
PARALLEL_UPDATES = 0

_REPLACED_KEY = "vacation_days"
"""The number that started a vacation when edited; replaced by the vacation length."""

ANTI_LEGIONELLA_PERIOD = NumberEntityDescription(
    key="anti_legionella_period",
    translation_key="anti_legionella_period",
    entity_category=EntityCategory.CONFIG,
    mode=NumberMode.BOX,
    native_min_value=ANTI_LEGIONELLA_DAYS[0],
    native_max_value=ANTI_LEGIONELLA_DAYS[1],
    native_step=1,
    native_unit_of_measurement=UnitOfTime.DAYS,
)
VACATION_LENGTH = NumberEntityDescription(
    key=VACATION_LENGTH_KEY,
    translation_key=VACATION_LENGTH_KEY,
    entity_category=EntityCategory.CONFIG,
    mode=NumberMode.BOX,
    native_min_value=VACATION_DAYS[0],
    native_max_value=VACATION_DAYS[1],
    native_step=1,
    native_unit_of_measurement=UnitOfTime.DAYS,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: NavienConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add numbers for each heater once its capabilities are known."""
    registry = er.async_get(hass)

    def _numbers(
        coordinator: NavienCoordinator, mac: str, feature: DeviceFeature
    ) -> list[Entity]:
        if replaced := registry.async_get_entity_id(
            NUMBER_DOMAIN, DOMAIN, f"{mac}_{_REPLACED_KEY}"
        ):
            registry.async_remove(replaced)
        entities: list[Entity] = []
        if feature.anti_legionella_setting_use:
            entities.append(
                AntiLegionellaPeriod(coordinator, mac, ANTI_LEGIONELLA_PERIOD)
            )
        if feature.dhw_use and feature.holiday_use:
            entities.append(VacationLength(coordinator, mac, VACATION_LENGTH))
        return entities

    async_add_feature_entities(entry, async_add_entities, _numbers, smart_numbers)


def _whole_days(entity: NumberEntity, value: float) -> int:
    """Return `value` as whole days; fractions are refused rather than rounded."""
    if not value.is_integer():
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="invalid_days",
            translation_placeholders={
                "min": number_text(entity.hass, entity.native_min_value),
                "max": number_text(entity.hass, entity.native_max_value),
            },
        )
    return int(value)


class AntiLegionellaPeriod(NavienEntity, NumberEntity):
    """Days between disinfection cycles, as the heater reports them."""

    @property
    @override
    def available(self) -> bool:
        """Only while anti-legionella is on: the heater takes no period otherwise."""
        status = self.status
        return (
            super().available
            and status is not None
            and status.anti_legionella_use is True
        )

    @property
    @override
    def native_value(self) -> int | None:
        """Return what the heater last reported."""
        status = self.status
        return status.anti_legionella_period if status else None

    @navien_command
    @override
    async def async_set_native_value(self, value: float) -> None:
        """Send the period with the command that keeps the cycle on."""
        days = _whole_days(self, value)
        heater = self.coordinator.data.heaters[self.mac]
        await self.coordinator.async_send(
            anti_legionella(heater.device, heater.feature, True, days)
        )


class VacationLength(NavienEntity, RestoreNumber):
    """How many days a vacation lasts when one is started; sends nothing."""

    _attr_native_value: float | None = DEFAULT_VACATION_DAYS

    @property
    @override
    def available(self) -> bool:
        """A setting of ours: always there, whatever the heater's connection."""
        return True

    @property
    @override
    def native_value(self) -> float | None:
        """The length set, or the default one."""
        return self._attr_native_value

    @override
    async def async_added_to_hass(self) -> None:
        """Restore the length set before the restart."""
        await super().async_added_to_hass()
        if (last := await self.async_get_last_number_data()) is not None and (
            last.native_value is not None
        ):
            self._attr_native_value = round(last.native_value)

    @override
    async def async_set_native_value(self, value: float) -> None:
        """Keep the new length for the next vacation."""
        self._attr_native_value = _whole_days(self, value)
        self.async_write_ha_state()
