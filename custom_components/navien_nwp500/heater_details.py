"""Slow-changing heater details, read daily by the account's reader: firmware, schedule, TOU.

Each detail of each heater is its own job of `reader.HeaterReader`, so a failing
read of one never holds back the others, and the reader's rules apply: no read
while the heater is unavailable (the read owed then runs when it is back), reads
of one heater one at a time and spaced, a failure kept quiet after one log line
and tried again after 15 minutes. The entities show a `HeaterDetail`'s value.
"""

from datetime import timedelta
from typing import TYPE_CHECKING, Any, Final

from homeassistant.core import CALLBACK_TYPE, callback

from .navilink.codec import ReservationSchedule, commands, parse_reservations
from .navilink.session import NotConnectedError
from .reader import RETRY_AFTER

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping

    from .heater_state import HeaterSource, HeaterState
    from .navilink.cloud import FirmwareComponent
    from .reader import HeaterReader

DETAILS_REFRESH_INTERVAL: Final = timedelta(days=1)
DETAILS_RETRY_AFTER: Final = RETRY_AFTER.total_seconds()
"""Seconds until a failed read is tried again (instead of the next day)."""
SCHEDULE_READ_TIMEOUT: Final = 10.0
"""Seconds to wait for the heater's answer to a schedule read."""


class HeaterDetail[T]:
    """The latest value of one detail of one heater; None until a read answers."""

    def __init__(self, source: HeaterSource, mac: str, what: str) -> None:
        """Hold ``what`` of heater ``mac``, read by the reader."""
        self.source = source
        self.mac = mac
        self.what = what
        self.data: T | None = None
        self._listeners: list[CALLBACK_TYPE] = []

    @property
    def heater(self) -> HeaterState:
        """The heater's latest state."""
        return self.source.data.heaters[self.mac]

    @callback
    def async_add_listener(self, update_callback: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call ``update_callback`` whenever the value changes; return the remover."""
        self._listeners.append(update_callback)

        @callback
        def remove() -> None:
            if update_callback in self._listeners:
                self._listeners.remove(update_callback)

        return remove

    @callback
    def async_set_updated_data(self, data: T) -> None:
        """Keep a value read (or confirmed by a write); tell the listeners if it changed."""
        if data == self.data:
            return
        self.data = data
        for update_callback in list(self._listeners):
            update_callback()


def _follow[T](
    reader: HeaterReader,
    detail: HeaterDetail[T],
    read: Callable[[HeaterDetail[T]], Awaitable[T]],
) -> HeaterDetail[T]:
    reader.add_job(
        detail.mac,
        detail.what,
        DETAILS_REFRESH_INTERVAL,
        lambda: read(detail),
        detail.async_set_updated_data,
    )
    return detail


@callback
def async_read_firmware(
    reader: HeaterReader, mac: str
) -> HeaterDetail[tuple[FirmwareComponent, ...]]:
    """Read the heater's firmware components (REST ``/device/firmware/info``) daily."""
    return _follow(reader, HeaterDetail(reader.source, mac, "firmware"), _firmware)


async def _firmware(
    detail: HeaterDetail[tuple[FirmwareComponent, ...]],
) -> tuple[FirmwareComponent, ...]:
    return tuple(await detail.source.rest.async_get_firmware(detail.heater.device))


@callback
def async_read_tou_plan(
    reader: HeaterReader, mac: str
) -> HeaterDetail[Mapping[str, Any]]:
    """Read the cloud's time-of-use plan of the heater (REST ``GET /device/tou``) daily."""
    return _follow(reader, HeaterDetail(reader.source, mac, "TOU plan"), _tou_plan)


async def _tou_plan(detail: HeaterDetail[Mapping[str, Any]]) -> Mapping[str, Any]:
    feature = detail.heater.feature
    serial = feature.controller_serial_number if feature else None
    if not serial:
        return {}
    return await detail.source.rest.async_get_tou(detail.heater.device, serial)


@callback
def async_read_schedule(
    reader: HeaterReader, mac: str
) -> HeaterDetail[ReservationSchedule]:
    """Read the heater's reservation program (MQTT, §11.1) daily."""
    return _follow(reader, HeaterDetail(reader.source, mac, "schedule"), _schedule)


async def _schedule(detail: HeaterDetail[ReservationSchedule]) -> ReservationSchedule:
    session = detail.source.session
    if session is None:
        raise NotConnectedError("the session is closed")
    heater = detail.heater
    read = commands.reservation_read(heater.device, heater.feature)
    reply = await session.query(read, timeout=SCHEDULE_READ_TIMEOUT)
    return parse_reservations(reply)


@callback
def async_schedule_written(
    coordinator: HeaterSource, mac: str, schedule: ReservationSchedule
) -> None:
    """Show a schedule the heater confirmed after a write, without reading it again."""
    if (detail := coordinator.schedules.get(mac)) is not None:
        detail.async_set_updated_data(schedule)
