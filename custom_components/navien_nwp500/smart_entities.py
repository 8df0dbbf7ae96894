"""Smart heating's entities: the switches, ready-by times and showers, plan, status.

They show and change what ``smart_heating`` keeps for a heater; they are
settings of ours, so they stay available while the heater is away (a heater
that is away is simply not planned for). Every heater that offers the heat
pump has them.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, override

from homeassistant.components.calendar import (
    CalendarEntity,
    CalendarEntityDescription,
    CalendarEvent,
)
from homeassistant.components.number import (
    NumberEntity,
    NumberEntityDescription,
    NumberMode,
)
from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
)
from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.components.time import TimeEntity, TimeEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.util import dt as dt_util

from .entity import NavienEntity, offered_entities
from .helpers import navien_command
from .modes import mode_offered
from .navilink.codec import DhwOperationSetting
from .smart_state import HOLD_CODES, ReadyByStatus, ready_by_status
from .smart_text import reason_text

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime, time

    from homeassistant.core import HomeAssistant

    from .entity import FeatureBuild
    from .navilink.codec import DeviceFeature
    from .planner import Segment
    from .smart_state import HeaterSmart


@dataclass(frozen=True, kw_only=True)
class SmartSwitchDescription(SwitchEntityDescription):
    """A smart heating setting that is on or off."""

    setting: str
    """The setting the switch changes (a keyword of ``SmartHeating.async_set``)."""
    value_fn: Callable[[HeaterSmart], bool]


SMART_HEATING = SmartSwitchDescription(
    key="smart_heating",
    translation_key="smart_heating",
    setting="enabled",
    value_fn=lambda smart: smart.active,
)
"""Smart heating runs the heater (its own plan or a handed one); off gives the
owner's mode and set-point back."""
READY_BY = SmartSwitchDescription(
    key="ready_by",
    translation_key="ready_by",
    setting="ready_by",
    value_fn=lambda smart: smart.settings.ready_by,
)
"""Hot water is promised by the weekday and weekend ready-by times."""
READY_BY_WEEKDAYS = TimeEntityDescription(
    key="ready_by_weekdays",
    translation_key="ready_by_weekdays",
    entity_category=EntityCategory.CONFIG,
)
READY_BY_WEEKENDS = TimeEntityDescription(
    key="ready_by_weekends",
    translation_key="ready_by_weekends",
    entity_category=EntityCategory.CONFIG,
)
READY_BY_SHOWERS = NumberEntityDescription(
    key="ready_by_showers",
    translation_key="ready_by_showers",
    entity_category=EntityCategory.CONFIG,
    native_min_value=0.5,
    native_max_value=10,
    native_step=0.5,
    mode=NumberMode.BOX,
)
PLAN = CalendarEntityDescription(key="plan", translation_key="plan")
NEXT_HEATING = SensorEntityDescription(
    key="next_heating",
    translation_key="next_heating",
    device_class=SensorDeviceClass.TIMESTAMP,
)
READY_BY_STATUS = SensorEntityDescription(
    key="ready_by_status",
    translation_key="ready_by_status",
    device_class=SensorDeviceClass.ENUM,
    options=[status.value for status in ReadyByStatus],
)

SMART_ENTITIES = (
    SMART_HEATING,
    READY_BY,
    READY_BY_WEEKDAYS,
    READY_BY_WEEKENDS,
    READY_BY_SHOWERS,
    PLAN,
    NEXT_HEATING,
    READY_BY_STATUS,
)
"""Every entity of smart heating: settings of ours, available whatever the heater."""


def smart_offered(feature: DeviceFeature) -> bool:
    """Whether a heater can be heated smartly: it offers the heat pump."""
    return bool(feature.dhw_use) and mode_offered(
        feature, DhwOperationSetting.HEAT_PUMP
    )


class NavienSmartEntity(NavienEntity):
    """An entity that follows a heater's smart heating; always available."""

    @property
    def smart(self) -> HeaterSmart:
        """The heater's smart heating."""
        return self.coordinator.smart.get(self.mac)

    @property
    @override
    def available(self) -> bool:
        """A setting of ours: there whatever the heater's connection."""
        return True

    @override
    async def async_added_to_hass(self) -> None:
        """Follow smart heating too."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self.coordinator.smart.add_listener(self.async_write_ha_state)
        )


class SmartSwitch(NavienSmartEntity, SwitchEntity):
    """A smart heating setting shown and changed as a switch."""

    entity_description: SmartSwitchDescription

    @property
    @override
    def is_on(self) -> bool:
        """Whether the setting is on."""
        return self.entity_description.value_fn(self.smart)

    @navien_command
    @override
    async def async_turn_on(self, **kwargs: Any) -> None:
        """Turn the setting on and plan again."""
        await self.coordinator.smart.async_set(
            self.mac, **{self.entity_description.setting: True}
        )

    @navien_command
    @override
    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn the setting off and plan again (or give the owner's settings back)."""
        await self.coordinator.smart.async_set(
            self.mac, **{self.entity_description.setting: False}
        )


class ReadyByTime(NavienSmartEntity, TimeEntity):
    """When hot water must be ready, on weekdays or on weekends."""

    @property
    def _setting(self) -> str:
        return self.entity_description.key.removeprefix("ready_by_")

    @property
    @override
    def native_value(self) -> time:
        """Return the ready-by time."""
        value: time = getattr(self.smart.settings, self._setting)
        return value

    @navien_command
    @override
    async def async_set_value(self, value: time) -> None:
        """Keep the new time and plan again."""
        await self.coordinator.smart.async_set(self.mac, **{self._setting: value})


class ReadyByShowers(NavienSmartEntity, NumberEntity):
    """Showers' worth of hot water to have ready (litres per shower is an option)."""

    @property
    @override
    def native_value(self) -> float:
        """Return the showers wanted."""
        return self.smart.settings.showers

    @navien_command
    @override
    async def async_set_native_value(self, value: float) -> None:
        """Keep the new number of showers and plan again."""
        await self.coordinator.smart.async_set(self.mac, showers=value)


def _heating(smart: HeaterSmart, after: datetime) -> list[Segment]:
    """Return the plan's heating windows that end after ``after`` (holds left out)."""
    plan = smart.plan
    if plan is None:
        return []
    return [
        s for s in plan.segments if s.reason.code not in HOLD_CODES and s.end > after
    ]


class PlanCalendar(NavienSmartEntity, CalendarEntity):
    """The next heating windows, each with why it is planned."""

    def _event(self, segment: Segment) -> CalendarEvent:
        text = reason_text(self.hass, segment.reason)
        return CalendarEvent(
            start=segment.start, end=segment.end, summary=text, description=text
        )

    @property
    @override
    def event(self) -> CalendarEvent | None:
        """The heating window in force now, else the next one."""
        found = _heating(self.smart, dt_util.utcnow())
        return self._event(found[0]) if found else None

    @override
    async def async_get_events(
        self, hass: HomeAssistant, start_date: datetime, end_date: datetime
    ) -> list[CalendarEvent]:
        """Return the heating windows that overlap the range."""
        return [
            self._event(segment)
            for segment in _heating(self.smart, start_date)
            if segment.start < end_date
        ]


def next_heating_start(smart: HeaterSmart, now: datetime) -> datetime | None:
    """Return when the first heating window that has not begun starts, or None.

    A window is a run of heating segments back to back: while one runs, the
    segments that carry it on are part of it, so the next window is the first
    that starts after a pause in heating.
    """
    running_until: datetime | None = None
    for segment in _heating(smart, now):
        if segment.start > now and segment.start != running_until:
            return segment.start
        running_until = segment.end
    return None


class NextHeatingSensor(NavienSmartEntity, SensorEntity):
    """When the next heating window starts: always a time to come.

    While heating runs, the owner sees the start of the window after it (not
    the running one's start, a time already past); unknown when the plan holds
    no further heating.
    """

    @property
    @override
    def native_value(self) -> datetime | None:
        """Return the start of the next heating window that has not begun."""
        return next_heating_start(self.smart, dt_util.utcnow())


class ReadyByStatusSensor(NavienSmartEntity, SensorEntity):
    """Whether the next promise is on track, late, or the last one was met."""

    @property
    @override
    def native_value(self) -> str | None:
        """Return on track, late or met; unknown while ready-by is off."""
        status = ready_by_status(self.smart, dt_util.utcnow())
        return status.value if status else None


smart_switches: FeatureBuild[SwitchEntity] = offered_entities(
    smart_offered, (SmartSwitch, SMART_HEATING), (SmartSwitch, READY_BY)
)
"""The *Smart heating* and *Ready by* switches."""
smart_times: FeatureBuild[TimeEntity] = offered_entities(
    smart_offered,
    (ReadyByTime, READY_BY_WEEKDAYS),
    (ReadyByTime, READY_BY_WEEKENDS),
)
"""The *Ready by (weekdays)* and *Ready by (weekends)* times."""
smart_numbers: FeatureBuild[NumberEntity] = offered_entities(
    smart_offered, (ReadyByShowers, READY_BY_SHOWERS)
)
"""The *Showers ready* number."""
smart_calendars: FeatureBuild[CalendarEntity] = offered_entities(
    smart_offered, (PlanCalendar, PLAN)
)
"""The *Plan* calendar."""
smart_sensors: FeatureBuild[SensorEntity] = offered_entities(
    smart_offered,
    (NextHeatingSensor, NEXT_HEATING),
    (ReadyByStatusSensor, READY_BY_STATUS),
)
"""The *Next heating* and *Ready by* status sensors."""
