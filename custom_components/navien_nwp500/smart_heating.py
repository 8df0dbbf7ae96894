"""Smart heating: each heater follows its plan, and is given back to its owner.

One ``SmartHeating`` per config entry. For each heater whose *Smart heating*
switch is on (or that was handed a plan by ``apply_plan``) it plans again at
every segment's end, every 15 minutes, and whenever the price, the surplus or
a setting changes, and sends the segment in force as ordinary commands (their
outcomes reported like any). The owner's own mode and set-point are kept from
the first change and sent back when the switch turns off, an external plan
ends or the entry unloads; a change by hand ends smart heating and stands.

A boost pauses it (the boost returns to what the planner had set); a vacation
or a heater that is offline or unavailable is not planned for. The settings,
what was taken over and a handed-over plan are stored across restarts.
"""

from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
import logging
from typing import TYPE_CHECKING, Any, Final

from homeassistant.const import ATTR_DEVICE_ID
from homeassistant.core import CoreState, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .logbook import ATTR_REASON, EVENT_BOOST_ENDED, async_fire_smart_heating
from .navilink.codec import DhwOperationSetting
from .planner import (
    Plan,
    PlanRequest,
    Segment,
    comfort_floor_setpoint,
    make_plan,
    validate_plan,
)
from .smart_control import PLAN_MODES, Control, Seen, Setting
from .smart_inputs import heater_online, heater_plan_request
from .smart_replans import Replans
from .smart_request import SmartOptions
from .smart_state import (
    HeaterSmart,
    check_promises,
    external_segment,
)
from .smart_store import SmartStore
from .smart_text import reason_key, setting_params

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant

    from .boost import HeaterBoosts
    from .heater_state import HeaterSource, HeaterState

_LOGGER = logging.getLogger(__name__)

REPLAN_INTERVAL: Final = timedelta(minutes=15)
GIVE_BACK_PATIENCE: Final = 180.0
"""Seconds after an unload during which the owner's setting it sent back may
still show (the close waits up to a minute, a set-point takes up to 30 s)."""


class SmartHeating:
    """The smart heating of an entry's heaters: plan, apply, give back, store."""

    def __init__(self, coordinator: HeaterSource, boosts: HeaterBoosts) -> None:
        """Bind to the entry's coordinator and boosts; `async_load` starts it."""
        self._coordinator = coordinator
        self._boosts = boosts
        self._hass = coordinator.hass
        self._store = SmartStore(coordinator.hass, coordinator.config_entry.entry_id)
        self._heaters: dict[str, HeaterSmart] = {}
        self._timers: dict[str, CALLBACK_TYPE] = {}
        self._listeners: list[Callable[[], None]] = []
        self._unsubscribe: list[CALLBACK_TYPE] = []
        self._replans = Replans(coordinator.config_entry, self._async_refresh_now)

    @property
    def options(self) -> SmartOptions:
        """The entry's smart heating options."""
        return SmartOptions.from_options(self._coordinator.config_entry.options)

    def get(self, mac: str) -> HeaterSmart:
        """Return a heater's smart heating (defaults until first changed)."""
        return self._heaters.setdefault(mac, HeaterSmart())

    @callback
    def add_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Call ``listener`` whenever a setting, a plan or a control changes."""
        self._listeners.append(listener)
        return partial(self._listeners.remove, listener)

    async def async_load(self) -> None:
        """Take back what was stored, follow the heaters, the inputs and the options."""
        self._heaters.update(
            await self._store.async_load(self._coordinator.data.heaters)
        )
        entry = self._coordinator.config_entry
        self._unsubscribe = [
            self._coordinator.async_add_listener(self._async_check),
            entry.add_update_listener(self._async_options_updated),
            self._hass.bus.async_listen(EVENT_BOOST_ENDED, self._async_boost_ended),
        ]
        self._follow_inputs()
        self._refresh_all()

    @callback
    def async_stop(self) -> None:
        """Stop timers and watching; what is stored stays for the next start."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        self._replans.stop_following()
        for cancel in self._timers.values():
            cancel()
        self._timers.clear()

    async def async_set(self, mac: str, **changes: Any) -> None:
        """Change a heater's settings (switches, times, showers) and plan again.

        Turning smart heating off also ends a handed-over plan and gives the
        owner's mode and set-point back.
        """
        smart = self.get(mac)
        smart.settings = replace(smart.settings, **changes)
        if changes.get("enabled") is False:
            smart.external = ()
            smart.plan = None
            self._changed()
            await self._async_give_back(mac, "turned_off", wait=True)
            return
        self._changed()
        await self._async_refresh(mac, dt_util.utcnow())

    async def async_apply_plan(self, mac: str, segments: Sequence[Segment]) -> None:
        """Follow a plan from an external planner; raise PlanError if it is unsafe."""
        now = dt_util.utcnow()
        smart, heater = self.get(mac), self._coordinator.data.heaters[mac]
        request = self._request(mac, heater, smart, now)
        floor = comfort_floor_setpoint(request.limits, request.comfort_floor_litres)
        upcoming = validate_plan(
            segments, now=now, limits=request.limits, floor_setpoint_c=floor
        )
        smart.external = tuple(external_segment(s) for s in upcoming)
        self._changed()
        await self._async_refresh(mac, now)

    async def async_restore_all(self) -> None:
        """Give every heater back to its owner now (the user unloads the entry).

        The commands are queued without waiting: the session's close waits for
        their outcomes first. Not while Home Assistant stops: then everything
        stays stored.
        """
        if self._hass.state in (CoreState.stopping, CoreState.final_write):
            return
        for mac in list(self._heaters):
            try:
                await self._async_give_back(mac, "unloaded", wait=False)
            except HomeAssistantError as err:
                _LOGGER.warning("Giving %s back failed: %s", mac, err)
        await self._store.async_save_now(self._heaters)

    def _request(
        self, mac: str, heater: HeaterState, smart: HeaterSmart, now: datetime
    ) -> PlanRequest:
        return heater_plan_request(self._coordinator, mac, heater, smart.settings, now)

    async def _async_refresh(self, mac: str, now: datetime) -> None:
        """Plan a heater again and send the segment in force."""
        smart, heater = self.get(mac), self._coordinator.data.heaters.get(mac)
        if (cancel := self._timers.pop(mac, None)) is not None:
            cancel()
        if heater is None:
            return
        if smart.external and now >= smart.external[-1].end:
            smart.external = ()
            if not smart.settings.enabled:
                smart.plan = None
                self._changed()
                await self._async_give_back(mac, "plan_ended", wait=False)
                return
        if not smart.active:
            return
        request = self._request(mac, heater, smart, now)
        check_promises(smart, heater, request.cold_water_c, now)
        smart.promises = request.promises
        plan = await self._hass.async_add_executor_job(make_plan, request)
        if not self.get(mac).active:
            return  # turned off while planning: given back already
        if smart.external and plan.skipped is None:
            plan = Plan(smart.external)
        smart.plan = plan
        self._changed()
        self._schedule(mac, self._next_refresh(plan, now))
        if plan.skipped is not None or self._boosts.get(mac) is not None:
            return  # offline, vacation or a boost: nothing is sent
        owner = smart.control.owner if smart.control else Setting.of(heater.status)
        if owner is None:
            return
        segment = plan.segment_at(now)
        if segment is None:
            await self._async_send(
                mac,
                heater,
                owner,
                owner,
                key="smart_owner_setting",
                params=setting_params(owner),
            )
            return
        target = Setting(PLAN_MODES[segment.mode], segment.setpoint_c)
        await self._async_send(
            mac,
            heater,
            owner,
            target,
            key=reason_key(segment.reason),
            params=segment.reason.params,
        )

    @staticmethod
    def _next_refresh(plan: Plan, now: datetime) -> datetime:
        later = [s.end for s in plan.segments if s.end > now]
        later += [s.start for s in plan.segments if s.start > now]
        return min([*later, now + REPLAN_INTERVAL])

    async def _async_send(
        self,
        mac: str,
        heater: HeaterState,
        owner: Setting,
        target: Setting,
        *,
        key: str,
        params: Mapping[str, str | float],
    ) -> None:
        """Send ``target`` unless it is what was sent last; say why in the logbook."""
        smart = self.get(mac)
        if smart.logged != (target, key):
            smart.logged = (target, key)
            self._log(mac, key, params)
        control = smart.control
        if control is not None and control.sent == target:
            shown = heater.status is not None and target.shown_by(heater.status)
            if control.applied or shown:
                return
            # Never shown (lost, refused, or undone before it showed): again.
        to_send = target.commands_from(
            heater, smart.control.sent if smart.control else None
        )
        returning = control.returning_until if control else None
        smart.control = Control(owner, target, not to_send and not returning, returning)
        self._changed()
        await self._coordinator.async_send_all(to_send, wait=False)

    async def _async_give_back(self, mac: str, reason: str, *, wait: bool) -> None:
        """Send the owner's own mode and set-point back (not during a vacation)."""
        smart = self.get(mac)
        control, smart.control, smart.logged = smart.control, None, None
        self._changed()
        heater = self._coordinator.data.heaters.get(mac)
        if control is None or heater is None or heater.status is None:
            return
        if heater.status.dhw_operation_setting is DhwOperationSetting.VACATION:
            return
        self._log(
            mac,
            f"smart_returned_{reason}",
            setting_params(control.owner),
        )
        to_send = control.owner.commands_from(heater, control.sent)
        if reason == "unloaded" and to_send:  # the heater may show it after the load
            until = dt_util.utcnow() + timedelta(seconds=GIVE_BACK_PATIENCE)
            smart.control = Control(control.owner, control.owner, False, until)
            self._changed()
        await self._coordinator.async_send_all(to_send, wait=wait)

    @callback
    def _async_check(self) -> None:
        """Coordinator listener: plan a heater back in service; a hand change stands."""
        for mac, smart in list(self._heaters.items()):
            heater = self._coordinator.data.heaters.get(mac)
            if smart.active and self._plannable_again(mac, heater):
                self._replans.request(self._hass, mac)
            control, status = smart.control, heater.status if heater else None
            if control is None or status is None:
                continue
            mode = status.dhw_operation_setting
            if mode is DhwOperationSetting.VACATION or self._boosts.get(mac):
                continue
            seen = control.seen_in(status, dt_util.utcnow())
            if seen is Seen.APPLIED:
                smart.control = replace(control, applied=True)
            elif seen is Seen.RETURNED:
                returned = replace(control, returning_until=None)
                smart.control = returned if smart.active else None
                if smart.active:  # the plan's setting again, if the give-back undid it
                    self._replans.request(self._hass, mac)
            elif seen is Seen.BY_HAND:
                self._stop_by_hand(mac, smart)
            if seen is not Seen.NOTHING:
                self._changed()

    def _plannable_again(self, mac: str, heater: HeaterState | None) -> bool:
        """Whether a plan was skipped for what no longer holds (offline, vacation)."""
        plan = self.get(mac).plan
        if plan is None or plan.skipped is None:
            return False
        if heater is None or heater.status is None:
            return False
        vacation = heater.status.dhw_operation_setting is DhwOperationSetting.VACATION
        return heater_online(self._coordinator, mac) and not vacation

    @callback
    def _async_boost_ended(self, event: Event[dict[str, Any]]) -> None:
        """Follow a boost's end: its return to our setting is on its way, or the owner won.

        A boost ended by a change by hand ends smart heating as that change
        would have; otherwise the boost sends back what the planner had set,
        which the heater has to show again before a difference counts.
        """
        device = dr.async_get(self._hass).async_get(event.data.get(ATTR_DEVICE_ID, ""))
        macs = (
            {key for domain, key in device.identifiers if domain == DOMAIN}
            if device
            else set()
        )
        for mac in macs & set(self._heaters):
            smart = self._heaters[mac]
            if smart.control is None:
                continue
            if event.data.get(ATTR_REASON) == "changed":
                self._stop_by_hand(mac, smart)
            else:
                smart.control = replace(smart.control, applied=False)
                self._changed()

    @callback
    def _stop_by_hand(self, mac: str, smart: HeaterSmart) -> None:
        """End smart heating after a change by hand; the owner's change stands."""
        smart.control = smart.logged = None
        smart.external, smart.plan = (), None
        smart.settings = replace(smart.settings, enabled=False)
        self._log(mac, "smart_changed_by_hand", {})
        self._changed()

    @callback
    def _follow_inputs(self) -> None:
        """Plan again whenever the price or the surplus entity changes."""
        options = self.options
        watched = [e for e in (options.price_entity, options.surplus_entity) if e]
        self._replans.follow(self._hass, watched, self._refresh_all)

    async def _async_options_updated(self, _hass: HomeAssistant, _entry: Any) -> None:
        self._follow_inputs()
        self._refresh_all()

    @callback
    def _refresh_all(self) -> None:
        for mac, smart in self._heaters.items():
            if smart.active:
                self._replans.request(self._hass, mac)

    async def _async_refresh_now(self, mac: str) -> None:
        await self._async_refresh(mac, dt_util.utcnow())

    @callback
    def _schedule(self, mac: str, when: datetime) -> None:
        self._timers[mac] = async_track_point_in_utc_time(
            self._hass, partial(self._async_due, mac), when
        )

    async def _async_due(self, mac: str, now: datetime) -> None:
        self._timers.pop(mac, None)
        try:
            await self._async_refresh(mac, now)
        except HomeAssistantError as err:
            _LOGGER.warning("Smart heating of %s failed: %s", mac, err)

    @callback
    def _log(self, mac: str, key: str, params: Mapping[str, str | float]) -> None:
        entry_id = self._coordinator.config_entry.entry_id
        async_fire_smart_heating(self._hass, entry_id, mac, key, params)

    def _changed(self) -> None:
        self._store.save(self._heaters)
        for listener in list(self._listeners):
            listener()
