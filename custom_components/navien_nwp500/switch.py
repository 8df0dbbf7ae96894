"""Switches for the heater's on/off settings (anti-legionella, TOU, demand response).

Each switch shows what the heater last reported; a command changes nothing here
until the heater's acknowledgement (a status snapshot) arrives. Freeze protection
has no switch: the protocol has no working command for it (protocol.md §6.2, §17.1).
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, override

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import EntityCategory

from .entity import (
    NavienEntity,
    async_add_feature_entities,
    described_entities,
)
from .helpers import navien_command
from .navilink.codec import (
    ANTI_LEGIONELLA_DAYS,
    Command,
    DrEvent,
    anti_legionella,
    demand_response,
    tou,
)
from .smart_entities import smart_switches

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .coordinator import HeaterState, NavienConfigEntry
    from .navilink.codec import DeviceFeature, DeviceStatus

# Actions wait for their command's outcome (up to 15 s); the session's queue
# already orders, paces and supersedes commands, so actions need no semaphore.
PARALLEL_UPDATES = 0

DEFAULT_ANTI_LEGIONELLA_DAYS = 7


@dataclass(frozen=True, kw_only=True)
class NavienSwitchEntityDescription(SwitchEntityDescription):
    """A heater setting that is either on or off."""

    exists_fn: Callable[[DeviceFeature], bool]
    value_fn: Callable[[DeviceStatus], bool | None]
    set_fn: Callable[[HeaterState, bool], Command]


def _anti_legionella_period(status: DeviceStatus | None) -> int:
    """Return the period the heater keeps, or the default when it reports none usable."""
    period = status.anti_legionella_period if status else None
    low, high = ANTI_LEGIONELLA_DAYS
    if period is None or not low <= period <= high:
        return DEFAULT_ANTI_LEGIONELLA_DAYS
    return period


def _demand_response_enabled(status: DeviceStatus) -> bool | None:
    """Read demand response as enabled while the heater reports any DR state.

    The status has no plain "DR enabled" flag. ``drEventStatus`` is 0 (not
    applied) with demand response off and a CTA-2045 state (1 run normal, 2 shed,
    ...) with it on; ``drOverrideStatus`` only says a user override is running.
    """
    if status.dr_event_status is DrEvent.UNKNOWN:
        return None
    return status.dr_event_status is not DrEvent.NOT_APPLIED


SWITCHES: tuple[NavienSwitchEntityDescription, ...] = (
    NavienSwitchEntityDescription(
        key="anti_legionella",
        translation_key="anti_legionella",
        entity_category=EntityCategory.CONFIG,
        exists_fn=lambda feature: bool(feature.anti_legionella_setting_use),
        value_fn=lambda status: status.anti_legionella_use,
        set_fn=lambda heater, on: anti_legionella(
            heater.device,
            heater.feature,
            on,
            _anti_legionella_period(heater.status),
        ),
    ),
    NavienSwitchEntityDescription(
        key="tou",
        translation_key="tou",
        entity_category=EntityCategory.CONFIG,
        exists_fn=lambda feature: bool(feature.program_reservation_use),
        value_fn=lambda status: status.tou_enabled,
        set_fn=lambda heater, on: tou(heater.device, heater.feature, on),
    ),
    NavienSwitchEntityDescription(
        key="demand_response",
        translation_key="demand_response",
        entity_category=EntityCategory.CONFIG,
        exists_fn=lambda feature: bool(feature.dr_setting_use),
        value_fn=_demand_response_enabled,
        set_fn=lambda heater, on: demand_response(heater.device, heater.feature, on),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: NavienConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add switches for each heater once its capabilities are known."""
    async_add_feature_entities(
        entry,
        async_add_entities,
        described_entities(NavienSwitch, SWITCHES),
        smart_switches,
    )


class NavienSwitch(NavienEntity, SwitchEntity):
    """A heater setting shown and changed as a switch."""

    entity_description: NavienSwitchEntityDescription

    @property
    @override
    def is_on(self) -> bool | None:
        """Return what the heater last reported."""
        status = self.status
        return self.entity_description.value_fn(status) if status else None

    @navien_command
    @override
    async def async_turn_on(self, **kwargs: Any) -> None:
        """Ask the heater to enable the setting."""
        await self._async_set(True)

    @navien_command
    @override
    async def async_turn_off(self, **kwargs: Any) -> None:
        """Ask the heater to disable the setting."""
        await self._async_set(False)

    async def _async_set(self, on: bool) -> None:
        heater = self.coordinator.data.heaters[self.mac]
        await self.coordinator.async_send(self.entity_description.set_fn(heater, on))
