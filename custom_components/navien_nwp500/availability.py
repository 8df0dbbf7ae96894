"""Which heaters answer: their liveness, reachability, offline repairs and the grace.

The coordinator owns the session and tells this part what it hears; this part
keeps each heater's liveness, decides when a heater stops or starts answering
(its log line, its commands held or released, its offline repair) and when a
lost cloud has lasted past the grace period. It sees the coordinator only
through ``HeaterSource``.
"""

from functools import partial
import logging
from typing import TYPE_CHECKING, Any

from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.update_coordinator import UpdateFailed
from homeassistant.util import dt as dt_util

from .const import (
    DOMAIN,
    HEATER_OFFLINE_ISSUE_DELAY,
    MISSED_POLLS_OFFLINE,
    UNAVAILABLE_GRACE_PERIOD,
)
from .liveness import HeaterLiveness
from .navilink.codec import NaviLinkError
from .repairs import async_update_heater_offline_issue

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .heater_state import HeaterSource
    from .navilink.codec import Device

_LOGGER = logging.getLogger(__name__)


class HeaterAvailability:
    """Per-heater bookkeeping of the coordinator's heaters, and the cloud's grace."""

    def __init__(self, source: HeaterSource) -> None:
        """Follow the heaters of ``source`` (none until ``track``)."""
        self._source = source
        self._liveness: dict[str, HeaterLiveness] = {}
        self._cancel_grace: CALLBACK_TYPE | None = None
        self._cancel_offline_issue: dict[str, CALLBACK_TYPE] = {}

    def track(self, macs: Iterable[str]) -> None:
        """Start a fresh liveness record for each of ``macs``."""
        for mac in macs:
            self._liveness[mac] = HeaterLiveness()

    def heater_available(self, mac: str) -> bool:
        """Whether a heater answers and has reported since the cloud was last lost."""
        liveness = self._liveness.get(mac)
        return liveness is not None and liveness.reachable and liveness.fresh

    def liveness(self, mac: str) -> HeaterLiveness | None:
        """Return a heater's liveness record (for diagnostics)."""
        return self._liveness.get(mac)

    @callback
    def heard(self, mac: str, *, status: bool) -> None:
        """Note a message; only a status brings an unreachable heater back."""
        liveness = self._liveness[mac]
        liveness.heard(dt_util.utcnow(), status=status)
        if status and not liveness.reachable:
            self.async_set_reachable(mac, True)

    # ------------------------------------------------------------ polls

    async def async_poll(self) -> None:
        """Mark heaters that missed too many polls unreachable, then ask all again."""
        suspects = [
            mac
            for mac, live in self._liveness.items()
            if live.count_missed_poll() and live.reachable
        ]
        listed_offline = await self._async_listed_offline() if suspects else set()
        for mac in suspects:
            # Read the count again: a late answer may have come in meanwhile.
            missed = self._liveness[mac].missed_polls
            if missed >= MISSED_POLLS_OFFLINE or (missed and mac in listed_offline):
                self.async_set_reachable(mac, False)
        await self.async_request_all_status(count_as_poll=True)

    async def _async_listed_offline(self) -> set[str]:
        """MAC addresses that ``/device/list`` reports as not connected."""
        try:
            devices = await self._source.rest.async_list_devices()
        except NaviLinkError as err:
            _LOGGER.debug("Device list for liveness failed: %s", err)
            return set()
        return {device.mac for device in devices if device.connected is False}

    async def async_request_all_status(self, *, count_as_poll: bool) -> None:
        """Ask every heater for its status; a poll counts the requests sent."""
        session = self._source.session
        if session is None:
            return
        for mac, heater in self._source.data.heaters.items():
            liveness = self._liveness[mac]
            if count_as_poll:  # before sending: the answer may beat our resume
                liveness.poll_sent()
            try:
                await session.request_status(heater.device)
            except NaviLinkError as err:
                _LOGGER.debug("Status request to %s skipped: %s", mac, err)
                if count_as_poll:
                    liveness.poll_not_sent()

    # ------------------------------------------------------------ reachability

    @callback
    def async_set_reachable(self, mac: str, reachable: bool) -> None:
        """Record that one heater answers again, or no longer does.

        The one place where a heater's own reachability changes: its log line,
        its entities' availability and its offline repair follow from here.
        """
        source = self._source
        liveness = self._liveness[mac]
        if liveness.reachable is reachable:
            return
        liveness.reachable = reachable
        if source.session is not None:
            # While a heater is silent its commands wait (max age applies).
            source.session.set_device_reachable(mac, reachable)
        device = source.data.heaters[mac].device
        name = device.name or "NWP500"
        if cancel := self._cancel_offline_issue.pop(mac, None):
            cancel()
        if reachable:
            _LOGGER.info("Water heater %s answers again", name)
            async_update_heater_offline_issue(source.hass, device, offline=False)
        else:
            _LOGGER.info(
                "Water heater %s does not answer; it is unavailable until it does",
                name,
            )
            self._cancel_offline_issue[mac] = async_call_later(
                source.hass,
                HEATER_OFFLINE_ISSUE_DELAY,
                partial(self._async_raise_offline_issue, mac),
            )
        source.async_update_listeners()

    @callback
    def _async_raise_offline_issue(self, mac: str, _now: Any) -> None:
        self._cancel_offline_issue.pop(mac, None)
        if not self._liveness[mac].reachable:
            device = self._source.data.heaters[mac].device
            async_update_heater_offline_issue(self._source.hass, device, offline=True)

    @callback
    def async_forget(self, device: Device) -> None:
        """Drop a heater's record, its pending offline repair and any raised one."""
        if cancel := self._cancel_offline_issue.pop(device.mac, None):
            cancel()
        async_update_heater_offline_issue(self._source.hass, device, offline=False)
        self._liveness.pop(device.mac, None)

    # ------------------------------------------------------------ the cloud

    @callback
    def cloud_connected(self) -> None:
        """Stop the grace period: the session is connected."""
        if self._cancel_grace is not None:
            self._cancel_grace()
            self._cancel_grace = None

    @callback
    def cloud_lost(self) -> None:
        """Start the grace period (unless it runs): the session is not connected."""
        if self._cancel_grace is None and self._source.last_update_success:
            self._cancel_grace = async_call_later(
                self._source.hass, UNAVAILABLE_GRACE_PERIOD, self._grace_expired
            )

    @callback
    def _grace_expired(self, _now: Any) -> None:
        self._cancel_grace = None
        source = self._source
        if source.connected or not source.last_update_success:
            return
        for liveness in self._liveness.values():
            liveness.fresh = False
        source.async_set_update_error(
            UpdateFailed(translation_domain=DOMAIN, translation_key="cloud_unreachable")
        )

    @callback
    def async_stop(self) -> None:
        """Cancel the timers and clear every heater's offline repair."""
        timers = [self._cancel_grace, *self._cancel_offline_issue.values()]
        for cancel in timers:
            if cancel is not None:
                cancel()
        self._cancel_grace = None
        self._cancel_offline_issue.clear()
        for heater in self._source.data.heaters.values():
            async_update_heater_offline_issue(
                self._source.hass, heater.device, offline=False
            )
