"""The heater's reservation schedule and its cloud TOU plan as read-only calendars.

Writes stay in the ``set_reservations`` action; the schedule calendar shows a
write as soon as the heater confirms it, and both calendars are read daily.
"""

from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, override

from homeassistant.components.calendar import (
    CalendarEntity,
    CalendarEntityDescription,
    CalendarEvent,
)
from homeassistant.const import UnitOfTemperature
from homeassistant.core import callback
from homeassistant.helpers.translation import async_get_translations
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_conversion import TemperatureConverter

from .const import DOMAIN
from .entity import NavienEntity, async_add_heater_entities
from .heater_details import async_read_schedule, async_read_tou_plan
from .modes import RESERVATION_MODES
from .schedule_events import Occurrence, reservation_occurrences, tou_occurrences
from .smart_entities import smart_calendars
from .texts import number_text, translated_message

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity import Entity
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .coordinator import HeaterState, NavienConfigEntry, NavienCoordinator
    from .heater_details import HeaterDetail
    from .navilink.codec import ReservationMode, ReservationSchedule

PARALLEL_UPDATES = 0

SCHEDULE = CalendarEntityDescription(key="schedule", translation_key="schedule")
TOU_PLAN = CalendarEntityDescription(key="tou_plan", translation_key="tou_plan")
MODE_KEYS = {mode: key for key, mode in RESERVATION_MODES.items()}
"""The integration's name of each reservation mode (eco, off...), as in the action."""
LOOK_AHEAD = timedelta(days=8)
"""How far ahead the current or next event is looked for."""


async def async_setup_entry(
    hass: HomeAssistant,
    entry: NavienConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the calendars of heaters that support schedules (and TOU)."""

    def build(
        coordinator: NavienCoordinator, mac: str, heater: HeaterState
    ) -> Iterable[Entity]:
        feature = heater.feature
        if feature is None:
            return []
        plan = list(smart_calendars(coordinator, mac, feature))
        if not feature.program_reservation_use:
            return plan
        schedule = async_read_schedule(coordinator.reader, mac)
        coordinator.schedules[mac] = schedule  # confirmed writes update it
        entities: list[Entity] = [
            NavienScheduleCalendar(coordinator, mac, SCHEDULE, schedule),
            *plan,
        ]
        if feature.controller_serial_number:
            tou = async_read_tou_plan(coordinator.reader, mac)
            coordinator.tou_plans[mac] = tou  # smart heating's prices, if chosen
            entities.append(NavienTouCalendar(coordinator, mac, TOU_PLAN, tou))
        return entities

    async_add_heater_entities(entry, async_add_entities, build)


class _DetailCalendar(NavienEntity, CalendarEntity):
    """A calendar drawn from a daily heater detail."""

    def __init__(
        self,
        coordinator: NavienCoordinator,
        mac: str,
        description: CalendarEntityDescription,
        detail: HeaterDetail[Any],
    ) -> None:
        """Follow `detail` besides the heater's status."""
        super().__init__(coordinator, mac, description)
        self._detail = detail

    @override
    async def async_added_to_hass(self) -> None:
        """Listen to the detail's reads."""
        await super().async_added_to_hass()
        self.async_on_remove(self._detail.async_add_listener(self._detail_changed))

    @callback
    def _detail_changed(self) -> None:
        self.async_write_ha_state()

    @property
    @override
    def available(self) -> bool:
        """Available with the heater, once the detail was read."""
        return super().available and self._detail.data is not None

    def _occurrences(self, start: datetime, end: datetime) -> list[Occurrence]:
        raise NotImplementedError

    @property
    @override
    def event(self) -> CalendarEvent | None:
        """The event in force now, else the next one."""
        now = dt_util.now()
        found = self._occurrences(now, now + LOOK_AHEAD)
        return _event(found[0]) if found else None

    @override
    async def async_get_events(
        self, hass: HomeAssistant, start_date: datetime, end_date: datetime
    ) -> list[CalendarEvent]:
        """Return the events that overlap the range."""
        return [_event(found) for found in self._occurrences(start_date, end_date)]


def _event(occurrence: Occurrence) -> CalendarEvent:
    return CalendarEvent(
        start=occurrence.start,
        end=occurrence.end,
        summary=occurrence.summary,
        description=occurrence.description,
        uid=occurrence.uid,
        recurrence_id=occurrence.start.isoformat() if occurrence.rrule else None,
        rrule=occurrence.rrule,
    )


class NavienScheduleCalendar(_DetailCalendar):
    """The reservation schedule: each entry recurs on its weekdays.

    An event lasts from its entry's time until the next entry takes over; its
    description names the mode and the temperature.
    """

    _detail: HeaterDetail[ReservationSchedule]
    _mode_names: dict[str, str]

    @override
    async def async_added_to_hass(self) -> None:
        """Load the mode names in the owner's language (the action's selector)."""
        self._mode_names = await async_get_translations(
            self.hass, self.hass.config.language, "selector", [DOMAIN]
        )
        await super().async_added_to_hass()

    def _mode_name(self, mode: ReservationMode) -> str:
        key = MODE_KEYS.get(mode, mode.name.lower())
        return self._mode_names.get(
            f"component.{DOMAIN}.selector.reservation_mode.options.{key}", key
        )

    def _format_temperature(self, celsius: float) -> str:
        unit = self.hass.config.units.temperature_unit
        value = TemperatureConverter.convert(celsius, UnitOfTemperature.CELSIUS, unit)
        return f"{number_text(self.hass, round(value, 1))} {unit}"

    @override
    def _occurrences(self, start: datetime, end: datetime) -> list[Occurrence]:
        schedule = self._detail.data
        if schedule is None:
            return []
        return reservation_occurrences(
            schedule,
            start,
            end,
            dt_util.get_default_time_zone(),
            mode_name=self._mode_name,
            format_temperature=self._format_temperature,
        )


class NavienTouCalendar(_DetailCalendar):
    """The cloud's time-of-use plan: one event per price period."""

    _detail: HeaterDetail[Mapping[str, Any]]

    @override
    def _occurrences(self, start: datetime, end: datetime) -> list[Occurrence]:
        plan = self._detail.data
        if not plan:
            return []
        return tou_occurrences(
            plan,
            start,
            end,
            dt_util.get_default_time_zone(),
            self.hass.config.currency,
            format_number=partial(number_text, self.hass),
            unknown_price=translated_message(self.hass, "tou_price_unknown"),
        )
