"""Numbers for day counts: the anti-legionella period and vacation length.

No freeze-protection temperature number: the heater takes no remote command for
it (protocol.md §17.1). Values shown are what the heater last reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeassistant.components.number import (
    NumberEntity,
    NumberEntityDescription,
    NumberMode,
)
from homeassistant.const import EntityCategory, UnitOfTime
from homeassistant.exceptions import ServiceValidationError

from .const import DOMAIN
from .entity import NavienEntity
from .helpers import async_add_heater_entities, navien_command
from .navilink.commands import (
    ANTI_LEGIONELLA_DAYS,
    VACATION_DAYS,
    Command,
    anti_legionella,
    set_vacation,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .coordinator import HeaterState, NavienConfigEntry, NavienCoordinator
    from .navilink.models import DeviceFeature, DeviceStatus

# Actions wait for their command's outcome (up to 15 s); the session's queue
# already orders, paces and supersedes commands, so actions need no semaphore.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class NavienNumberEntityDescription(NumberEntityDescription):
    """A whole number of days the heater can be given."""

    exists_fn: Callable[[DeviceFeature], bool]
    value_fn: Callable[[DeviceStatus], int | None]
    set_fn: Callable[[HeaterState, int], Command]


def _set_anti_legionella_period(heater: HeaterState, days: int) -> Command:
    """Send a new period, which the heater only takes with the cycle switched on."""
    if heater.status is None or heater.status.anti_legionella_use is not True:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="anti_legionella_disabled"
        )
    return anti_legionella(heater.device, heater.feature, True, days)


NUMBERS: tuple[NavienNumberEntityDescription, ...] = (
    NavienNumberEntityDescription(
        key="anti_legionella_period",
        translation_key="anti_legionella_period",
        entity_category=EntityCategory.CONFIG,
        mode=NumberMode.BOX,
        native_min_value=ANTI_LEGIONELLA_DAYS[0],
        native_max_value=ANTI_LEGIONELLA_DAYS[1],
        native_step=1,
        native_unit_of_measurement=UnitOfTime.DAYS,
        exists_fn=lambda feature: bool(feature.anti_legionella_setting_use),
        value_fn=lambda status: status.anti_legionella_period,
        set_fn=_set_anti_legionella_period,
    ),
    NavienNumberEntityDescription(
        key="vacation_days",
        translation_key="vacation_days",
        mode=NumberMode.BOX,
        native_min_value=VACATION_DAYS[0],
        native_max_value=VACATION_DAYS[1],
        native_step=1,
        native_unit_of_measurement=UnitOfTime.DAYS,
        exists_fn=lambda feature: bool(feature.dhw_use and feature.holiday_use),
        value_fn=lambda status: status.vacation_day_setting,
        set_fn=lambda heater, days: set_vacation(heater.device, heater.feature, days),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: NavienConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add numbers for each heater once its capabilities are known."""

    def _build(
        coordinator: NavienCoordinator, mac: str, heater: HeaterState
    ) -> list[NavienNumber]:
        return [
            NavienNumber(coordinator, mac, description)
            for description in NUMBERS
            if heater.feature is not None and description.exists_fn(heater.feature)
        ]

    async_add_heater_entities(entry, async_add_entities, _build)


class NavienNumber(NavienEntity, NumberEntity):
    """A day count of the heater, shown and changed as a number."""

    entity_description: NavienNumberEntityDescription

    @property
    def native_value(self) -> int | None:
        """Return what the heater last reported."""
        status = self.status
        return self.entity_description.value_fn(status) if status else None

    @navien_command
    async def async_set_native_value(self, value: float) -> None:
        """Send whole days; fractions are refused rather than rounded."""
        if not value.is_integer():
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="invalid_days",
                translation_placeholders={
                    "min": f"{self.native_min_value:g}",
                    "max": f"{self.native_max_value:g}",
                },
            )
        heater = self.coordinator.data.heaters[self.mac]
        command = self.entity_description.set_fn(heater, int(value))
        await self.coordinator.async_send(command)
