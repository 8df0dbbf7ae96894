"""Boost: High demand (and a set-point) for a while, then back to what was before.

One `HeaterBoosts` per config entry keeps the boost of each heater: when it
ends, the mode and set-point to return to, and whether the heater has shown the
boost yet. It is stored (``Store``, keyed by MAC) whenever it changes, so a
boost outlives a Home Assistant restart; stopping Home Assistant keeps it,
unloading the entry restores the heater at once.

A boost ends:

- at its end time: the previous set-point and mode are sent as ordinary
  commands (queued while the cloud is away, their outcome reported like any);
- when the heater shows a mode or set-point that is neither the boost's nor
  still on its way from us (the owner changed it by hand, the app, a schedule):
  nothing is sent, the owner's choice stands;
- when a vacation starts: vacation wins, nothing is sent.
"""

from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from functools import partial
import logging
from typing import TYPE_CHECKING, Any, Final

from homeassistant.const import UnitOfTemperature
from homeassistant.core import CoreState, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_conversion import TemperatureConverter

from .command_result import CommandPendingError
from .const import DOMAIN
from .helpers import heater_or_raise, mode_commands
from .logbook import async_fire_boost_ended
from .modes import mode_offered
from .navilink.codec import (
    DHW_TEMPERATURE_MAX_C,
    DHW_TEMPERATURE_MIN_C,
    DhwOperationSetting,
    commands,
)
from .texts import number_text

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.core import CALLBACK_TYPE, HomeAssistant

    from .heater_state import HeaterSource, HeaterState
    from .navilink.codec import Command, DeviceFeature, DeviceStatus

_LOGGER = logging.getLogger(__name__)

STORAGE_VERSION: Final = 1
DEFAULT_BOOST_DURATION: Final = timedelta(hours=1)
MIN_BOOST_DURATION: Final = timedelta(minutes=10)
MAX_BOOST_DURATION: Final = timedelta(hours=12)

HIGH_DEMAND: Final = DhwOperationSetting.HIGH_DEMAND
_RETURNABLE: Final = frozenset(
    {
        DhwOperationSetting.HEAT_PUMP,
        DhwOperationSetting.ELECTRIC,
        DhwOperationSetting.ENERGY_SAVER,
        DhwOperationSetting.HIGH_DEMAND,
        DhwOperationSetting.POWER_OFF,
    }
)
"""Modes a boost can start from, and so return to."""
_SETPOINT_TOLERANCE: Final = 0.25
"""°C: the heater reports its set-point in half degrees."""


def _store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, dict[str, Any]]]:
    """Return the store of an entry's boosts."""
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.boost.{entry_id}")


async def async_remove_stored_boosts(hass: HomeAssistant, entry_id: str) -> None:
    """Forget the stored boosts of a removed entry."""
    await _store(hass, entry_id).async_remove()


@dataclass(frozen=True, slots=True)
class Boost:
    """One heater's boost: until when, and what to return to."""

    end: datetime
    mode: DhwOperationSetting
    """The mode to return to."""
    setpoint: float
    """The set-point to return to, °C."""
    boost_setpoint: float | None
    """The set-point during the boost, °C; None: the boost keeps the set-point."""
    applied: bool = False
    """Whether the heater has shown the boost's mode and set-point."""

    def shown_by(self, status: DeviceStatus) -> bool:
        """Whether ``status`` shows the boost's mode and set-point."""
        wanted = self.setpoint if self.boost_setpoint is None else self.boost_setpoint
        shown = status.dhw_temperature_setting
        return (
            status.dhw_operation_setting is HIGH_DEMAND
            and shown is not None
            and abs(shown - wanted) <= _SETPOINT_TOLERANCE
        )

    def as_stored(self) -> dict[str, Any]:
        """Return the boost as stored (JSON)."""
        return asdict(self) | {"end": self.end.isoformat(), "mode": int(self.mode)}

    @classmethod
    def from_stored(cls, raw: dict[str, Any]) -> Boost | None:
        """Read a stored boost back; None when it is not one."""
        try:
            end = dt_util.parse_datetime(raw["end"])
            mode = DhwOperationSetting.from_raw(raw["mode"])
            setpoint = float(raw["setpoint"])
            boosted = raw["boost_setpoint"]
            boost_setpoint = None if boosted is None else float(boosted)
            applied = bool(raw["applied"])
        except KeyError, TypeError, ValueError:
            return None
        if end is None or mode not in _RETURNABLE:
            return None
        return cls(end, mode, setpoint, boost_setpoint, applied)


def boost_offered(feature: DeviceFeature) -> bool:
    """Whether the heater can be boosted: it offers High demand."""
    return bool(feature.dhw_use) and mode_offered(feature, HIGH_DEMAND)


def _duration_checked(duration: timedelta) -> timedelta:
    """Refuse a duration outside 10 min-12 h (a translated validation error)."""
    if not MIN_BOOST_DURATION <= duration <= MAX_BOOST_DURATION:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="boost_duration_out_of_range",
            translation_placeholders={
                "min": str(int(MIN_BOOST_DURATION.total_seconds() // 60)),
                "max": str(int(MAX_BOOST_DURATION.total_seconds() // 60)),
            },
        )
    return duration


def boost_celsius(
    hass: HomeAssistant, feature: DeviceFeature | None, temperature: float
) -> float:
    """Convert a boost temperature in the user's unit to °C, within the heater's limits.

    Out of range, the translated error gives the limits in the user's unit.
    """
    unit = hass.config.units.temperature_unit
    celsius = TemperatureConverter.convert(temperature, unit, UnitOfTemperature.CELSIUS)
    low = feature.dhw_temperature_min if feature else None
    high = feature.dhw_temperature_max if feature else None
    low = DHW_TEMPERATURE_MIN_C if low is None else low
    high = DHW_TEMPERATURE_MAX_C if high is None else high
    if round(low * 2) <= round(celsius * 2) <= round(high * 2):
        return celsius

    def shown(limit: float) -> str:
        value = TemperatureConverter.convert(limit, UnitOfTemperature.CELSIUS, unit)
        whole = unit != UnitOfTemperature.CELSIUS
        return number_text(hass, value, digits=0 if whole else None)

    raise ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="boost_temperature_out_of_range",
        translation_placeholders={"min": shown(low), "max": shown(high), "unit": unit},
    )


class HeaterBoosts:
    """The boosts of an entry's heaters: start, watch, end, store."""

    def __init__(self, coordinator: HeaterSource) -> None:
        """Bind to the entry's coordinator; `async_load` starts the watch."""
        self._coordinator = coordinator
        self._hass = coordinator.hass
        self._store = _store(coordinator.hass, coordinator.config_entry.entry_id)
        self._boosts: dict[str, Boost] = {}
        self._cancel_end: dict[str, CALLBACK_TYPE] = {}
        self._listeners: list[Callable[[], None]] = []
        self._unsubscribe: CALLBACK_TYPE | None = None

    def get(self, mac: str) -> Boost | None:
        """Return a heater's boost, if one is on."""
        return self._boosts.get(mac)

    @callback
    def add_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Call ``listener`` whenever a boost starts, changes or ends."""
        self._listeners.append(listener)
        return partial(self._listeners.remove, listener)

    async def async_load(self) -> None:
        """Take back the boosts stored before a restart and follow the heaters."""
        stored = await self._store.async_load() or {}
        for mac, raw in stored.items():
            boost = Boost.from_stored(raw)
            if boost is not None and mac in self._coordinator.data.heaters:
                self._boosts[mac] = boost
                self._schedule_end(mac, boost.end)
        self._unsubscribe = self._coordinator.async_add_listener(self._async_check)
        self._async_check()
        self._save()

    @callback
    def async_stop(self) -> None:
        """Stop timers and watching; what is stored stays for the next start."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        for cancel in self._cancel_end.values():
            cancel()
        self._cancel_end.clear()

    async def async_start(
        self, mac: str, duration: timedelta, celsius: float | None = None
    ) -> None:
        """Boost a heater for ``duration``, at ``celsius`` if given.

        A boost already on restarts: it lasts ``duration`` from now, and still
        returns to what was before the first one.
        """
        duration = _duration_checked(duration)
        heater = heater_or_raise(self._coordinator, mac)
        status = self._start_status(heater)
        to_send: list[Command] = []
        boost_setpoint: float | None = None
        if celsius is not None:
            command = commands.set_dhw_temperature(
                heater.device, heater.feature, celsius
            )
            boost_setpoint = command.request["param"][0] / 2
            to_send.append(command)
        if status.dhw_operation_setting is not HIGH_DEMAND:
            to_send = mode_commands(heater, HIGH_DEMAND) + to_send
        end = dt_util.utcnow() + duration
        previous = self._boosts.get(mac)
        if previous is None:
            assert status.dhw_temperature_setting is not None
            boost = Boost(
                end, status.dhw_operation_setting, status.dhw_temperature_setting, None
            )
        else:
            boost = replace(previous, end=end)
        if boost_setpoint is not None:
            boost = replace(boost, boost_setpoint=boost_setpoint, applied=False)
        self._set(mac, boost)
        self._schedule_end(mac, end)
        _LOGGER.info("Boost of %s until %s", mac, end.isoformat())
        try:
            await self._coordinator.async_send_all(to_send)
        except CommandPendingError:
            raise  # on its way (a slow set-point): the boost stands
        except HomeAssistantError:
            if previous is None:  # it did not start: there is nothing to return to
                self._drop(mac)
            raise

    def _start_status(self, heater: HeaterState) -> DeviceStatus:
        """Return the status a boost starts from; refuse where it cannot start."""
        feature, status = heater.feature, heater.status
        if feature is not None and not boost_offered(feature):
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="not_supported",
                translation_placeholders={"feature": "High demand"},
            )
        if status is None or status.dhw_temperature_setting is None:
            raise HomeAssistantError(
                translation_domain=DOMAIN, translation_key="boost_state_unknown"
            )
        if status.dhw_operation_setting is DhwOperationSetting.VACATION:
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="boost_during_vacation"
            )
        if status.dhw_operation_setting not in _RETURNABLE:
            raise HomeAssistantError(
                translation_domain=DOMAIN, translation_key="boost_state_unknown"
            )
        return status

    async def async_restore_all(self) -> None:
        """End every boost now and send what to return to (the user unloads the entry).

        The commands are queued without waiting: the session's close waits for
        their outcomes first. Not while Home Assistant stops: then the boosts
        stay stored.
        """
        if self._hass.state in (CoreState.stopping, CoreState.final_write):
            return
        for mac in list(self._boosts):
            try:
                await self._async_return(mac, "unloaded", wait=False)
            except HomeAssistantError as err:
                _LOGGER.warning("Ending the boost of %s failed: %s", mac, err)

    @callback
    def _schedule_end(self, mac: str, end: datetime) -> None:
        if cancel := self._cancel_end.pop(mac, None):
            cancel()
        self._cancel_end[mac] = async_track_point_in_utc_time(
            self._hass, partial(self._async_end_due, mac), end
        )

    async def _async_end_due(self, mac: str, _now: datetime) -> None:
        """Return to what was before: the boost's time is up."""
        self._cancel_end.pop(mac, None)
        try:
            await self._async_return(mac, "time_up", wait=False)
        except HomeAssistantError as err:
            _LOGGER.warning("Ending the boost of %s failed: %s", mac, err)

    async def _async_return(self, mac: str, reason: str, *, wait: bool) -> None:
        """End a boost and send the set-point and mode from before it.

        Commands sent while the cloud is away wait in the session's queue;
        with ``wait`` false nobody waits for them: a failure becomes a
        notification, as for any command nobody waits for.
        """
        boost = self._drop(mac, reason)
        heater = self._coordinator.data.heaters.get(mac)
        if boost is None or heater is None:
            return
        to_send: list[Command] = []
        if boost.boost_setpoint is not None:
            to_send.append(
                commands.set_dhw_temperature(
                    heater.device, heater.feature, boost.setpoint
                )
            )
        if boost.mode is not HIGH_DEMAND:
            to_send += mode_commands(heater, boost.mode)
        await self._coordinator.async_send_all(to_send, wait=wait)

    @callback
    def _async_check(self) -> None:
        """Coordinator listener: end a boost the owner or a vacation overrode."""
        for mac, boost in list(self._boosts.items()):
            heater = self._coordinator.data.heaters.get(mac)
            status = heater.status if heater else None
            if (
                heater is None
                or status is None
                or status.dhw_temperature_setting is None
            ):
                continue
            mode = status.dhw_operation_setting
            if mode is DhwOperationSetting.VACATION:
                self._drop(mac, "vacation")
            elif boost.shown_by(status):
                if not boost.applied:
                    self._set(mac, replace(boost, applied=True))
            elif boost.applied and mode in _RETURNABLE:
                self._drop(mac, "changed")

    def _set(self, mac: str, boost: Boost) -> None:
        self._boosts[mac] = boost
        self._changed()

    def _drop(self, mac: str, reason: str | None = None) -> Boost | None:
        """Forget a boost; with a ``reason`` it ended (logged, and in the logbook)."""
        boost = self._boosts.pop(mac, None)
        if cancel := self._cancel_end.pop(mac, None):
            cancel()
        if boost is None:
            return None
        self._changed()
        if reason is not None:
            _LOGGER.info("Boost of %s ended (%s)", mac, reason)
            async_fire_boost_ended(
                self._hass, self._coordinator.config_entry.entry_id, mac, reason
            )
        return boost

    def _changed(self) -> None:
        self._save()
        for listener in list(self._listeners):
            listener()

    def _save(self) -> None:
        self._store.async_delay_save(
            lambda: {mac: boost.as_stored() for mac, boost in self._boosts.items()}, 0
        )
