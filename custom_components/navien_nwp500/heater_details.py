"""Slow-changing heater details, read once a day: firmware, schedule, TOU plan.

Each detail has its own coordinator per heater, so a failing read of one never
holds back the others. A failed read keeps the last value and is tried again
after 15 minutes.
"""

from datetime import timedelta
import logging
from typing import TYPE_CHECKING, Any, Final, override

from homeassistant.core import callback
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .const import DOMAIN
from .navilink.codec import (
    NaviLinkError,
    ReservationSchedule,
    commands,
    parse_reservations,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from homeassistant.core import HomeAssistant

    from .coordinator import HeaterState, NavienConfigEntry, NavienCoordinator
    from .navilink.cloud import FirmwareComponent

_LOGGER = logging.getLogger(__name__)

DETAILS_REFRESH_INTERVAL: Final = timedelta(days=1)
DETAILS_RETRY_AFTER: Final = 15 * 60.0
"""Seconds until a failed read is tried again (instead of the next day)."""
SCHEDULE_READ_TIMEOUT: Final = 10.0
"""Seconds to wait for the heater's answer to a schedule read."""


class HeaterDetailCoordinator[T](DataUpdateCoordinator[T]):
    """Reads one detail of one heater once a day."""

    config_entry: NavienConfigEntry

    def __init__(
        self, hass: HomeAssistant, coordinator: NavienCoordinator, mac: str, what: str
    ) -> None:
        """Refresh daily; the first read is the caller's to start."""
        super().__init__(
            hass,
            _LOGGER,
            config_entry=coordinator.config_entry,
            name=f"{DOMAIN} {mac} {what}",
            update_interval=DETAILS_REFRESH_INTERVAL,
        )
        self.navien = coordinator
        self.mac = mac

    @property
    def heater(self) -> HeaterState:
        """The heater's latest state."""
        return self.navien.data.heaters[self.mac]

    def _failed(self, what: str, err: NaviLinkError) -> UpdateFailed:
        return UpdateFailed(
            translation_domain=DOMAIN,
            translation_key="detail_read_failed",
            translation_placeholders={"what": what, "error": str(err)},
            retry_after=DETAILS_RETRY_AFTER,
        )


class FirmwareCoordinator(HeaterDetailCoordinator[tuple["FirmwareComponent", ...]]):
    """The heater's firmware components (REST ``/device/firmware/info``)."""

    def __init__(
        self, hass: HomeAssistant, coordinator: NavienCoordinator, mac: str
    ) -> None:
        """Read the firmware of heater `mac`."""
        super().__init__(hass, coordinator, mac, "firmware")

    @override
    async def _async_update_data(self) -> tuple[FirmwareComponent, ...]:
        try:
            return tuple(await self.navien.rest.async_get_firmware(self.heater.device))
        except NaviLinkError as err:
            raise self._failed("firmware", err) from err


class TouPlanCoordinator(HeaterDetailCoordinator["Mapping[str, Any]"]):
    """The cloud's time-of-use plan of the heater (REST ``GET /device/tou``)."""

    def __init__(
        self, hass: HomeAssistant, coordinator: NavienCoordinator, mac: str
    ) -> None:
        """Read the TOU plan of heater `mac`."""
        super().__init__(hass, coordinator, mac, "tou")

    @override
    async def _async_update_data(self) -> Mapping[str, Any]:
        feature = self.heater.feature
        serial = feature.controller_serial_number if feature else None
        if not serial:
            return {}
        try:
            return await self.navien.rest.async_get_tou(self.heater.device, serial)
        except NaviLinkError as err:
            raise self._failed("TOU plan", err) from err


class ScheduleCoordinator(HeaterDetailCoordinator[ReservationSchedule]):
    """The heater's reservation program, read over MQTT (§11.1)."""

    def __init__(
        self, hass: HomeAssistant, coordinator: NavienCoordinator, mac: str
    ) -> None:
        """Read the schedule of heater `mac`; register it for writes to update."""
        super().__init__(hass, coordinator, mac, "schedule")
        coordinator.schedules[mac] = self

    @override
    async def _async_update_data(self) -> ReservationSchedule:
        session = self.navien.session
        heater = self.heater
        if session is None:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="not_ready",
                retry_after=DETAILS_RETRY_AFTER,
            )
        read = commands.reservation_read(heater.device, heater.feature)
        try:
            reply = await session.query(read, timeout=SCHEDULE_READ_TIMEOUT)
        except NaviLinkError as err:
            raise self._failed("schedule", err) from err
        return parse_reservations(reply)


@callback
def async_schedule_written(
    coordinator: NavienCoordinator, mac: str, schedule: ReservationSchedule
) -> None:
    """Show a schedule the heater confirmed after a write, without reading it again."""
    if (schedule_coordinator := coordinator.schedules.get(mac)) is not None:
        schedule_coordinator.async_set_updated_data(schedule)
