"""Actions of the integration (registered once, in async_setup).

Actions target heaters the way the automation editor offers them (devices,
their entities, areas, labels); a `device_id` in the data, as older automations
have it, is the same target. Types and required fields are checked by the
schemas; ranges and device limits by the command builders, whose errors become
translated validation errors. The reservation schedule is read, written and
confirmed in ``reservations``.
"""

import asyncio
from typing import TYPE_CHECKING, Any, Final, cast

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_TEMPERATURE
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    entity_registry as er,
)
from homeassistant.helpers.target import (
    TargetSelection,
    async_extract_referenced_entity_ids,
)
from homeassistant.util import dt as dt_util
import probatio

from .boost import DEFAULT_BOOST_DURATION, boost_celsius
from .const import (
    ATTR_DAYS,
    ATTR_DURATION,
    ATTR_ENABLED,
    ATTR_MONTH,
    ATTR_PERIOD_DAYS,
    ATTR_RESERVATIONS,
    ATTR_SEGMENTS,
    ATTR_YEAR,
    DOMAIN,
)
from .heater_details import async_schedule_written
from .helpers import navien_command, vacation_commands
from .navilink.codec import EnergyCounters, commands, parse_energy
from .reservations import (
    REPLY_TIMEOUT,
    RESERVATION_SCHEMA,
    async_read_schedule,
    async_write_confirmed,
    require_reservations,
    reservation_entry,
    schedule_response,
    schedule_write,
)
from .smart_actions import APPLY_PLAN_SCHEMA, async_apply_plan

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from .coordinator import HeaterState, NavienConfigEntry, NavienCoordinator
    from .navilink.session import NaviLinkSession

SERVICE_SET_VACATION: Final = "set_vacation"
SERVICE_ENABLE_ANTI_LEGIONELLA: Final = "enable_anti_legionella"
SERVICE_DISABLE_ANTI_LEGIONELLA: Final = "disable_anti_legionella"
SERVICE_GET_RESERVATIONS: Final = "get_reservations"
SERVICE_SET_RESERVATIONS: Final = "set_reservations"
SERVICE_GET_ENERGY_USAGE: Final = "get_energy_usage"
SERVICE_BOOST: Final = "boost"
SERVICE_APPLY_PLAN: Final = "apply_plan"

DEVICE_SCHEMA = cv.make_entity_service_schema({})
SET_VACATION_SCHEMA = cv.make_entity_service_schema(
    {probatio.Required(ATTR_DAYS): probatio.Coerce(int)}
)
ENABLE_ANTI_LEGIONELLA_SCHEMA = cv.make_entity_service_schema(
    {probatio.Required(ATTR_PERIOD_DAYS): probatio.Coerce(int)}
)
SET_RESERVATIONS_SCHEMA = cv.make_entity_service_schema(
    {
        probatio.Optional(ATTR_ENABLED): cv.boolean,
        probatio.Optional(ATTR_RESERVATIONS): [RESERVATION_SCHEMA],
    }
)
ENERGY_SCHEMA = cv.make_entity_service_schema(
    {
        probatio.Required(ATTR_YEAR): probatio.Coerce(int),
        probatio.Required(ATTR_MONTH): probatio.Coerce(int),
    }
)
BOOST_SCHEMA = cv.make_entity_service_schema(
    {
        probatio.Optional(ATTR_DURATION, default=DEFAULT_BOOST_DURATION): (
            cv.positive_time_period
        ),
        probatio.Optional(ATTR_TEMPERATURE): probatio.Coerce(float),
    }
)


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's actions."""

    @navien_command
    async def set_vacation(call: ServiceCall) -> None:
        days = call.data[ATTR_DAYS]
        await asyncio.gather(
            *(
                coordinator.async_send_all(vacation_commands(heater, days))
                for coordinator, heater in _heaters_of_call(hass, call)
            )
        )

    @navien_command
    async def enable_anti_legionella(call: ServiceCall) -> None:
        days = call.data[ATTR_PERIOD_DAYS]
        await asyncio.gather(
            *(
                coordinator.async_send(
                    commands.anti_legionella(heater.device, heater.feature, True, days)
                )
                for coordinator, heater in _heaters_of_call(hass, call)
            )
        )

    @navien_command
    async def disable_anti_legionella(call: ServiceCall) -> None:
        await asyncio.gather(
            *(
                coordinator.async_send(
                    commands.anti_legionella(heater.device, heater.feature, False)
                )
                for coordinator, heater in _heaters_of_call(hass, call)
            )
        )

    @navien_command
    async def get_reservations(call: ServiceCall) -> ServiceResponse:
        coordinator, heater = _heater_of_call(hass, call)
        require_reservations(heater)
        schedule = await async_read_schedule(hass, _session(coordinator), heater)
        return schedule_response(hass, schedule)

    @navien_command
    async def set_reservations(call: ServiceCall) -> ServiceResponse:
        coordinator, heater = _heater_of_call(hass, call)
        require_reservations(heater)
        session = _session(coordinator)
        # Never write blind: a failed read must not end in a wiped schedule.
        current = await async_read_schedule(hass, session, heater)
        if ATTR_RESERVATIONS in call.data:
            entries = [
                reservation_entry(hass, index, raw)
                for index, raw in enumerate(call.data[ATTR_RESERVATIONS], 1)
            ]
        elif current.invalid_entries:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="reservation_read_failed",
                translation_placeholders={"error": "unreadable schedule entries"},
            )
        else:
            entries = list(current.entries)
        enabled = call.data.get(ATTR_ENABLED, current.reservation_use)
        if enabled is None:
            enabled = bool(entries)
        write = schedule_write(hass, heater, entries, enabled)
        stored = await async_write_confirmed(session, heater, write)
        async_schedule_written(coordinator, heater.device.mac, stored)
        return schedule_response(hass, stored)

    @navien_command
    async def get_energy_usage(call: ServiceCall) -> ServiceResponse:
        coordinator, heater = _heater_of_call(hass, call)
        if heater.feature is not None and heater.feature.energy_usage_use is False:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="not_supported",
                translation_placeholders={"feature": "energy usage"},
            )
        year, month = call.data[ATTR_YEAR], call.data[ATTR_MONTH]
        query = commands.energy_query(heater.device, heater.feature, year, [month])
        today = dt_util.now().date()
        if (year, month) > (today.year, today.month):
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="future_month",
                translation_placeholders={"year": str(year), "month": f"{month:02d}"},
            )
        reply = await _session(coordinator).query(query, timeout=REPLY_TIMEOUT)
        return _energy_response(reply, year, month)

    @navien_command
    async def boost(call: ServiceCall) -> None:
        temperature = call.data.get(ATTR_TEMPERATURE)
        await asyncio.gather(
            *(
                coordinator.boosts.async_start(
                    heater.device.mac,
                    call.data[ATTR_DURATION],
                    None
                    if temperature is None
                    else boost_celsius(hass, heater.feature, temperature),
                )
                for coordinator, heater in _heaters_of_call(hass, call)
            )
        )

    @navien_command
    async def apply_plan(call: ServiceCall) -> None:
        for coordinator, heater in _heaters_of_call(hass, call):
            await async_apply_plan(
                hass, coordinator.smart, heater, call.data[ATTR_SEGMENTS]
            )

    register = hass.services.async_register
    register(DOMAIN, SERVICE_SET_VACATION, set_vacation, SET_VACATION_SCHEMA)
    register(
        DOMAIN,
        SERVICE_ENABLE_ANTI_LEGIONELLA,
        enable_anti_legionella,
        ENABLE_ANTI_LEGIONELLA_SCHEMA,
    )
    register(
        DOMAIN, SERVICE_DISABLE_ANTI_LEGIONELLA, disable_anti_legionella, DEVICE_SCHEMA
    )
    register(
        DOMAIN,
        SERVICE_GET_RESERVATIONS,
        get_reservations,
        DEVICE_SCHEMA,
        SupportsResponse.ONLY,
    )
    register(
        DOMAIN,
        SERVICE_SET_RESERVATIONS,
        set_reservations,
        SET_RESERVATIONS_SCHEMA,
        SupportsResponse.OPTIONAL,
    )
    register(
        DOMAIN,
        SERVICE_GET_ENERGY_USAGE,
        get_energy_usage,
        ENERGY_SCHEMA,
        SupportsResponse.ONLY,
    )
    register(DOMAIN, SERVICE_BOOST, boost, BOOST_SCHEMA)
    register(DOMAIN, SERVICE_APPLY_PLAN, apply_plan, APPLY_PLAN_SCHEMA)


def _heater_mac(device: dr.AnyDeviceEntry) -> str | None:
    """Return the MAC address of a heater's device; None for any other device."""
    return next((key for domain, key in device.identifiers if domain == DOMAIN), None)


def _targeted_devices(
    hass: HomeAssistant, call: ServiceCall
) -> list[dr.AnyDeviceEntry]:
    """Return the heaters a call targets: by device, by their entities, area or label.

    A device named explicitly that is not a heater of ours is refused; devices
    of other integrations reached through an area or a label are left out.
    """
    selection = TargetSelection(call.data)
    selected = async_extract_referenced_entity_ids(
        hass, selection, primary_entities_only=False
    )
    device_registry, entity_registry = dr.async_get(hass), er.async_get(hass)
    device_ids = set(selected.referenced_devices)
    for entity_id in selected.referenced | selected.indirectly_referenced:
        entity = entity_registry.async_get(entity_id)
        if entity is not None and entity.platform == DOMAIN and entity.device_id:
            device_ids.add(entity.device_id)
    devices: list[dr.AnyDeviceEntry] = []
    for device_id in sorted(device_ids):
        device = device_registry.async_get(device_id)
        if device is not None and _heater_mac(device) is not None:
            devices.append(device)
        elif device_id in selection.device_ids:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="device_not_found",
                translation_placeholders={"device_id": device_id},
            )
    if not devices:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="no_heater_targeted"
        )
    return devices


def _heaters_of_call(
    hass: HomeAssistant, call: ServiceCall
) -> list[tuple[NavienCoordinator, HeaterState]]:
    """Resolve every heater the call targets, each of a loaded entry."""
    return [_heater_of_device(hass, device) for device in _targeted_devices(hass, call)]


def _heater_of_call(
    hass: HomeAssistant, call: ServiceCall
) -> tuple[NavienCoordinator, HeaterState]:
    """Resolve the one heater an action that answers with data targets."""
    devices = _targeted_devices(hass, call)
    if len(devices) > 1:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="one_heater_only"
        )
    return _heater_of_device(hass, devices[0])


def _heater_of_device(
    hass: HomeAssistant, device: dr.AnyDeviceEntry
) -> tuple[NavienCoordinator, HeaterState]:
    """Resolve a heater's device to its state in a loaded entry."""
    mac = cast("str", _heater_mac(device))
    entry = hass.config_entries.async_get_entry(device.config_entry_id)
    if entry is None or entry.state is not ConfigEntryState.LOADED:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="entry_not_loaded",
            translation_placeholders={
                "device": device.name_by_user or device.name or mac
            },
        )
    coordinator = cast("NavienConfigEntry", entry).runtime_data
    heater = coordinator.data.heaters.get(mac)
    if heater is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="device_not_found",
            translation_placeholders={"device_id": device.id},
        )
    return coordinator, heater


def _session(coordinator: NavienCoordinator) -> NaviLinkSession:
    """Return the entry's session, for requests that wait for the heater's answer."""
    if coordinator.session is None:
        raise HomeAssistantError(translation_domain=DOMAIN, translation_key="not_ready")
    return coordinator.session


def _counters(counters: EnergyCounters) -> dict[str, int | None]:
    return {
        "heat_pump_wh": counters.heat_pump_wh,
        "element_wh": counters.element_wh,
        "total_wh": counters.total_wh,
        "heat_pump_hours": counters.heat_pump_hours,
        "element_hours": counters.element_hours,
    }


def _energy_response(reply: Mapping[str, Any], year: int, month: int) -> dict[str, Any]:
    """Per-day energy and run time of one month, with the month's totals."""
    usage = parse_energy(reply)
    days = next(
        (m.days for m in usage.months if (m.year, m.month) == (year, month)), ()
    )

    def _sum(value: Callable[[EnergyCounters], int | None]) -> int:
        return sum(value(day) or 0 for day in days)

    total = EnergyCounters(
        heat_pump_wh=_sum(lambda day: day.heat_pump_wh),
        element_wh=_sum(lambda day: day.element_wh),
        heat_pump_hours=_sum(lambda day: day.heat_pump_hours),
        element_hours=_sum(lambda day: day.element_hours),
    )
    return {
        ATTR_YEAR: year,
        ATTR_MONTH: month,
        "days": [
            {"day": number, **_counters(day)} for number, day in enumerate(days, 1)
        ],
        "total": _counters(total),
    }
