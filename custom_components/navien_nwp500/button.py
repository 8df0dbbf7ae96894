"""Buttons: ask for a fresh status, reset the air-filter reminder, start a vacation, boost.

The first two depend on no capability flag (protocol.md §12.5), so every heater
gets them; *Start vacation* needs vacation support and lasts the *Vacation
length* set on the heater's number; *Boost* needs High demand (see ``boost``).
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, override

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.exceptions import HomeAssistantError

from .boost import DEFAULT_BOOST_DURATION, boost_offered
from .const import DOMAIN
from .entity import (
    NavienEntity,
    async_add_feature_entities,
    described_entities,
)
from .helpers import navien_command, vacation_commands
from .navilink.codec import air_filter_reset
from .vacation import vacation_length

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .coordinator import HeaterState, NavienConfigEntry, NavienCoordinator
    from .navilink.codec import DeviceFeature

# Actions wait for their command's outcome (up to 15 s); the session's queue
# already orders, paces and supersedes commands, so actions need no semaphore.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class NavienButtonEntityDescription(ButtonEntityDescription):
    """A one-shot action on a heater."""

    press_fn: Callable[[NavienCoordinator, HeaterState], Awaitable[None]]
    exists_fn: Callable[[DeviceFeature], bool] = lambda _feature: True


async def _request_status(coordinator: NavienCoordinator, _heater: HeaterState) -> None:
    """Ask for a status now; such requests are never queued, so refuse offline."""
    if not coordinator.connected:
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key="not_connected"
        )
    await coordinator.async_request_status()


async def _start_vacation(coordinator: NavienCoordinator, heater: HeaterState) -> None:
    """Start a vacation of the length set on the heater's *Vacation length*."""
    days = vacation_length(coordinator.hass, heater.device.mac)
    await coordinator.async_send_all(vacation_commands(heater, days))


async def _boost(coordinator: NavienCoordinator, heater: HeaterState) -> None:
    """Boost for the default hour; during a boost, restart it for an hour from now."""
    await coordinator.boosts.async_start(heater.device.mac, DEFAULT_BOOST_DURATION)


BUTTONS: tuple[NavienButtonEntityDescription, ...] = (
    NavienButtonEntityDescription(
        key="request_status",
        translation_key="request_status",
        entity_category=EntityCategory.DIAGNOSTIC,
        press_fn=_request_status,
    ),
    NavienButtonEntityDescription(
        key="reset_air_filter",
        translation_key="reset_air_filter",
        entity_category=EntityCategory.CONFIG,
        press_fn=lambda coordinator, heater: coordinator.async_send(
            air_filter_reset(heater.device, heater.feature)
        ),
    ),
    NavienButtonEntityDescription(
        key="start_vacation",
        translation_key="start_vacation",
        press_fn=_start_vacation,
        exists_fn=lambda feature: bool(feature.dhw_use and feature.holiday_use),
    ),
    NavienButtonEntityDescription(
        key="boost",
        translation_key="boost",
        press_fn=_boost,
        exists_fn=boost_offered,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: NavienConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add buttons for each heater once its capabilities are known."""
    async_add_feature_entities(
        entry, async_add_entities, described_entities(NavienButton, BUTTONS)
    )


class NavienButton(NavienEntity, ButtonEntity):
    """A one-shot heater action."""

    entity_description: NavienButtonEntityDescription

    @navien_command
    @override
    async def async_press(self) -> None:
        """Run the action."""
        heater = self.coordinator.data.heaters[self.mac]
        await self.entity_description.press_fn(self.coordinator, heater)
