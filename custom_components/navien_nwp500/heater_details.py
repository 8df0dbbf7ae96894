"""Slow-changing heater details, read once a day: firmware, schedule, TOU plan.

Each detail has its own coordinator per heater, so a failing read of one never
holds back the others. A read follows the heater's availability: while the heater
(or the cloud) is unavailable it is not attempted, and it runs as soon as the
heater reports again. A failed read keeps the last value, is tried again after
15 minutes and is logged once (info) until a read succeeds again.
"""

from abc import abstractmethod
from datetime import timedelta
import logging
from typing import TYPE_CHECKING, Any, Final, override

from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .const import DOMAIN
from .heater_state import readable
from .navilink.codec import (
    NaviLinkError,
    ReservationSchedule,
    commands,
    parse_reservations,
)
from .navilink.session import NotConnectedError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from homeassistant.core import HomeAssistant

    from .heater_state import HeaterSource, HeaterState
    from .navilink.cloud import FirmwareComponent

_LOGGER = logging.getLogger(__name__)

DETAILS_REFRESH_INTERVAL: Final = timedelta(days=1)
DETAILS_RETRY_AFTER: Final = 15 * 60.0
"""Seconds until a failed read is tried again (instead of the next day)."""
SCHEDULE_READ_TIMEOUT: Final = 10.0
"""Seconds to wait for the heater's answer to a schedule read."""


class HeaterDetailCoordinator[T](DataUpdateCoordinator[T | None]):
    """Reads one detail of one heater once a day; None until the first read answers."""

    def __init__(
        self, hass: HomeAssistant, coordinator: HeaterSource, mac: str, what: str
    ) -> None:
        """Refresh daily; the first read is the caller's to start."""
        super().__init__(
            hass,
            _LOGGER,
            config_entry=coordinator.config_entry,
            name=f"{DOMAIN} {mac} {what}",
            update_interval=DETAILS_REFRESH_INTERVAL,
            always_update=False,
        )
        self.navien = coordinator
        self.mac = mac
        self.what = what
        self._owed = False
        """A read fell due while the heater was unavailable."""
        self._failing = False
        """The last read failed (logged once until one succeeds)."""

    @property
    def heater(self) -> HeaterState:
        """The heater's latest state."""
        return self.navien.data.heaters[self.mac]

    @callback
    def async_follow_heater(self) -> CALLBACK_TYPE:
        """Read what fell due as soon as the heater is available again."""
        return self.navien.async_add_listener(self._heater_changed)

    @callback
    def _heater_changed(self) -> None:
        if self._owed and readable(self.navien, self.mac):
            self._owed = False
            self.navien.config_entry.async_create_background_task(
                self.hass, self.async_refresh(), f"{self.name} read on return"
            )

    @override
    async def _async_update_data(self) -> T | None:
        """Read now if the heater is available; keep the last value otherwise."""
        if not readable(self.navien, self.mac):
            self._owed = True
            return self.data
        name = self.heater.device.name or "NWP500"
        try:
            value = await self._async_read()
        except NaviLinkError as err:
            self.update_interval = timedelta(seconds=DETAILS_RETRY_AFTER)
            if not self._failing:
                self._failing = True
                _LOGGER.info(
                    "Reading the %s of %s failed (%s); retrying every %g minutes",
                    self.what,
                    name,
                    err,
                    DETAILS_RETRY_AFTER / 60,
                )
            return self.data
        self.update_interval = DETAILS_REFRESH_INTERVAL
        if self._failing:
            self._failing = False
            _LOGGER.info("Reading the %s of %s works again", self.what, name)
        return value

    @abstractmethod
    async def _async_read(self) -> T:
        """Read the detail from the cloud or the heater; NaviLinkError on failure."""


class FirmwareCoordinator(HeaterDetailCoordinator[tuple["FirmwareComponent", ...]]):
    """The heater's firmware components (REST ``/device/firmware/info``)."""

    def __init__(
        self, hass: HomeAssistant, coordinator: HeaterSource, mac: str
    ) -> None:
        """Read the firmware of heater `mac`."""
        super().__init__(hass, coordinator, mac, "firmware")

    @override
    async def _async_read(self) -> tuple[FirmwareComponent, ...]:
        return tuple(await self.navien.rest.async_get_firmware(self.heater.device))


class TouPlanCoordinator(HeaterDetailCoordinator["Mapping[str, Any]"]):
    """The cloud's time-of-use plan of the heater (REST ``GET /device/tou``)."""

    def __init__(
        self, hass: HomeAssistant, coordinator: HeaterSource, mac: str
    ) -> None:
        """Read the TOU plan of heater `mac`."""
        super().__init__(hass, coordinator, mac, "TOU plan")

    @override
    async def _async_read(self) -> Mapping[str, Any]:
        feature = self.heater.feature
        serial = feature.controller_serial_number if feature else None
        if not serial:
            return {}
        return await self.navien.rest.async_get_tou(self.heater.device, serial)


class ScheduleCoordinator(HeaterDetailCoordinator[ReservationSchedule]):
    """The heater's reservation program, read over MQTT (§11.1)."""

    def __init__(
        self, hass: HomeAssistant, coordinator: HeaterSource, mac: str
    ) -> None:
        """Read the schedule of heater `mac`."""
        super().__init__(hass, coordinator, mac, "schedule")

    @override
    async def _async_read(self) -> ReservationSchedule:
        session = self.navien.session
        if session is None:
            raise NotConnectedError("the session is closed")
        heater = self.heater
        read = commands.reservation_read(heater.device, heater.feature)
        reply = await session.query(read, timeout=SCHEDULE_READ_TIMEOUT)
        return parse_reservations(reply)


@callback
def async_schedule_written(
    coordinator: HeaterSource, mac: str, schedule: ReservationSchedule
) -> None:
    """Show a schedule the heater confirmed after a write, without reading it again."""
    if (schedule_coordinator := coordinator.schedules.get(mac)) is not None:
        schedule_coordinator.async_set_updated_data(schedule)
