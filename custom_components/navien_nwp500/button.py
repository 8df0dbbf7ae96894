"""Buttons: ask for a fresh status, reset the air-filter reminder.

Neither action depends on a capability flag (protocol.md §12.5), so every heater
gets both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.exceptions import HomeAssistantError

from .const import DOMAIN
from .entity import NavienEntity
from .helpers import async_add_heater_entities, navien_command
from .navilink.commands import air_filter_reset

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .coordinator import HeaterState, NavienConfigEntry, NavienCoordinator

# Actions wait for their command's outcome (up to 15 s); the session's queue
# already orders, paces and supersedes commands, so actions need no semaphore.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class NavienButtonEntityDescription(ButtonEntityDescription):
    """A one-shot action on a heater."""

    press_fn: Callable[[NavienCoordinator, HeaterState], Awaitable[None]]


async def _request_status(coordinator: NavienCoordinator, _heater: HeaterState) -> None:
    """Ask for a status now; such requests are never queued, so refuse offline."""
    if not coordinator.connected:
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key="not_connected"
        )
    await coordinator.async_request_status()


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
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: NavienConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add buttons for each heater once its capabilities are known."""

    def _build(
        coordinator: NavienCoordinator, mac: str, heater: HeaterState
    ) -> list[NavienButton]:
        return [NavienButton(coordinator, mac, description) for description in BUTTONS]

    async_add_heater_entities(entry, async_add_entities, _build)


class NavienButton(NavienEntity, ButtonEntity):
    """A one-shot heater action."""

    entity_description: NavienButtonEntityDescription

    @navien_command
    async def async_press(self) -> None:
        """Run the action."""
        heater = self.coordinator.data.heaters[self.mac]
        await self.entity_description.press_fn(self.coordinator, heater)
