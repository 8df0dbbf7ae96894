"""The coordinator: owns the one NaviLink session of a config entry.

It sets the session up, hears its messages and state, keeps the heaters' data
and sends their commands. What has a job of its own is apart: which heaters
answer and the cloud's grace period (``availability``, over ``liveness``), the
account's device list (``roster``), the reads of what is not pushed
(``reader``, ``energy``), the command outcomes (``command_result``), repairs.
"""

import asyncio
from dataclasses import replace
import logging
from typing import TYPE_CHECKING, Any, override

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, CoreState, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed, HomeAssistantError
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .account_cache import async_get_account
from .availability import HeaterAvailability
from .boost import HeaterBoosts
from .cloud_override import endpoints_from_env
from .command_result import CommandResults
from .const import (
    CONF_QUEUE_MAX_AGE,
    DEFAULT_QUEUE_MAX_AGE,
    DOMAIN,
    FIRST_DATA_TIMEOUT,
    SAFETY_POLL_INTERVAL,
)
from .energy import CounterPoller
from .heater_state import HeaterState, NavienData
from .hot_water_tanks import HotWaterTanks
from .navilink.cloud import (
    CannotConnectError,
    InvalidCredentialsError,
    NaviLinkRestClient,
)
from .navilink.codec import NaviLinkError
from .navilink.session import (
    FirstConnectTimeoutError,
    NaviLinkSession,
    SessionConfig,
    SessionError,
    SessionState,
)
from .reader import HeaterReader
from .repairs import async_update_unstable_connection_issue
from .roster import HeaterRoster
from .smart_heating import SmartHeating
from .texts import error_text, number_text

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

    from .heater_details import HeaterDetail
    from .liveness import HeaterLiveness
    from .navilink.codec import (
        Command,
        Device,
        DeviceFeature,
        DeviceStatus,
        ReservationSchedule,
    )

_LOGGER = logging.getLogger(__name__)

type NavienConfigEntry = ConfigEntry[NavienCoordinator]

__all__ = ["HeaterState", "NavienConfigEntry", "NavienCoordinator", "NavienData"]


class NavienCoordinator(DataUpdateCoordinator[NavienData]):
    """Feeds pushed device messages to entities and sends their commands.

    Availability follows the facts: past a short grace period without the cloud
    the coordinator fails (and its safety poll keeps failing) until a heater
    speaks again after the reconnect; each heater is also unavailable on its own
    while it answers no status request (see ``_async_set_heater_reachable``).
    """

    config_entry: NavienConfigEntry

    def __init__(self, hass: HomeAssistant, entry: NavienConfigEntry) -> None:
        """Prepare the coordinator; the session starts in `_async_setup`."""
        # Pushes carry the data: the safety poll runs on its own fixed timer, so
        # that one heater's pushes cannot postpone the polls that check the others.
        super().__init__(
            hass,
            _LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {entry.title}",
            update_interval=None,
            always_update=False,
        )
        self.endpoints = endpoints_from_env()
        self.account = async_get_account(hass, entry, self.endpoints)
        self.auth = self.account.auth
        self.rest = NaviLinkRestClient(self.auth)
        self.session: NaviLinkSession | None = None
        self.command_results = CommandResults(hass, entry.entry_id)
        self.data = NavienData()
        self.last_raw_status: dict[str, Mapping[str, Any]] = {}
        self._unsubscribers: list[Callable[[], None]] = []
        self._cancel_safety_poll: CALLBACK_TYPE | None = None
        self.availability = HeaterAvailability(self)
        """Which heaters answer, their offline repairs and the cloud's grace."""
        self.reader = HeaterReader(self)
        """The one reader of what is read, not pushed (counters and details)."""
        self.counters = CounterPoller(self, self.reader)
        """The heaters' energy and maintenance counters (queried, not pushed)."""
        self.schedules: dict[str, HeaterDetail[ReservationSchedule]] = {}
        self.tou_plans: dict[str, HeaterDetail[Mapping[str, Any]]] = {}
        """Each heater's cloud TOU plan reader, by MAC (set up by the calendar)."""
        self.roster = HeaterRoster(self)
        """The account's device list: heaters that join, and those it leaves out."""
        self.boosts = HeaterBoosts(self)
        """The heaters' boosts (``boost``); loaded once the heaters are known."""
        self.smart = SmartHeating(self, self.boosts)
        """The heaters' smart heating (``smart_heating``); loaded after the boosts."""
        self.tanks = HotWaterTanks(hass, entry)
        """The cold water in each tank (``hot_water_tanks``), fed by every status."""

    @property
    def connected(self) -> bool:
        """Whether the cloud session is connected right now."""
        session = self.session
        return session is not None and session.state is SessionState.CONNECTED

    def heater_available(self, mac: str) -> bool:
        """Whether a heater answers and has reported since the cloud was last lost."""
        return self.availability.heater_available(mac)

    def liveness(self, mac: str) -> HeaterLiveness | None:
        """Return a heater's liveness record (for diagnostics)."""
        return self.availability.liveness(mac)

    @override
    async def _async_setup(self) -> None:
        """List the heaters and connect the session (bounded in time).

        The account's tokens are reused across setup retries, so a retry signs
        in with the password only when the tokens cannot be refreshed.
        """
        try:
            devices = await self.rest.async_list_devices()
        except InvalidCredentialsError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="invalid_auth"
            ) from err
        except NaviLinkError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="cannot_connect",
                translation_placeholders={"error": error_text(self.hass, err)},
            ) from err
        heaters = self.roster.nwp500s(devices)
        if not heaters:  # never taken for the truth: the cloud may answer empty
            raise UpdateFailed(
                translation_domain=DOMAIN, translation_key="no_heaters_listed"
            )
        self.roster.async_first_read(heaters, dt_util.utcnow())
        self.data = NavienData({d.mac: HeaterState(d) for d in heaters})
        self.availability.track(d.mac for d in heaters)
        await self.tanks.async_load()
        self.session = NaviLinkSession(
            self.auth,
            heaters,
            endpoints=self.endpoints,
            config=SessionConfig(queue_max_age=self._queue_max_age()),
        )
        self._unsubscribers = [
            self.session.add_status_listener(self._handle_status),
            self.session.add_feature_listener(self._handle_feature),
            self.session.add_state_listener(self._handle_state),
        ]
        # Never removed: closing the session reports the commands it drops
        # (CLOSED) to their callers, as events and notifications.
        self.session.add_command_detail_listener(self.command_results.handle_outcome)
        # A failure from here on leaves the session to async_shutdown, which
        # Home Assistant calls on a failed setup as on an unload.
        try:
            await self.session.start()
        except InvalidCredentialsError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="invalid_auth"
            ) from err
        except FirstConnectTimeoutError as err:
            _LOGGER.debug("No first connection: %s", err.cause)
            seconds = number_text(self.hass, err.seconds)
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="no_connection_within",
                translation_placeholders={"seconds": seconds},
            ) from err
        except (CannotConnectError, SessionError) as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="cannot_connect",
                translation_placeholders={"error": error_text(self.hass, err)},
            ) from err
        await self._async_wait_for_first_data()
        self.reader.async_start()
        self.counters.async_start()
        self.roster.async_start()
        self._cancel_safety_poll = async_track_time_interval(
            self.hass,
            self._async_safety_poll,
            SAFETY_POLL_INTERVAL,
            name=f"{self.name} safety poll",
            cancel_on_shutdown=True,
        )

    def _queue_max_age(self) -> float:
        """Seconds a command may wait for the cloud (the entry's option)."""
        options = self.config_entry.options
        return float(options.get(CONF_QUEUE_MAX_AGE, DEFAULT_QUEUE_MAX_AGE))

    @callback
    def apply_options(self) -> None:
        """Take new options without a reload: the session's queue wait changes now."""
        if self.session is not None:
            self.session.set_queue_max_age(self._queue_max_age())

    async def _async_wait_for_first_data(self) -> None:
        """Give heaters a moment to report, so entities start with real values.

        Heaters that stay silent get their entities when they do report.
        """
        first_data = asyncio.Event()

        @callback
        def _check() -> None:
            if all(h.feature and h.status for h in self.data.heaters.values()):
                first_data.set()

        unsubscribe = self.async_add_listener(_check)
        try:
            _check()
            async with asyncio.timeout(FIRST_DATA_TIMEOUT):
                await first_data.wait()
        except TimeoutError:
            _LOGGER.debug("Not every heater reported within %ss", FIRST_DATA_TIMEOUT)
        finally:
            unsubscribe()

    async def _async_safety_poll(self, _now: Any) -> None:
        await self.async_refresh()

    @override
    async def _async_update_data(self) -> NavienData:
        """Safety poll: ask every heater for its status and judge which answer.

        Fresh data arrives as pushes. This never passes old data off as a
        success: while the cloud is lost past the grace period, and after it
        is back until a heater has spoken, it fails.
        """
        if self.connected:
            await self.availability.async_poll()
        if not self.last_update_success:
            raise UpdateFailed(
                translation_domain=DOMAIN, translation_key="cloud_unreachable"
            )
        return self.data

    @override
    async def async_shutdown(self) -> None:
        """Stop polls, timers and listeners and close the session.

        Home Assistant calls this on unload and after a failed setup; the stop
        listener calls it on shutdown. Calling it again does nothing more.
        """
        await super().async_shutdown()
        for unsubscribe in self._unsubscribers:
            unsubscribe()
        self._unsubscribers.clear()
        if self._cancel_safety_poll is not None:
            self._cancel_safety_poll()
            self._cancel_safety_poll = None
        self.availability.async_stop()
        self.roster.async_stop()
        self.counters.async_stop()
        await self.reader.async_stop()
        self.boosts.async_stop()
        self.smart.async_stop()
        if self.session is not None:
            await self._async_close_session(self.session)
        await self.tanks.async_stop()

    async def _async_close_session(self, session: NaviLinkSession) -> None:
        """Give open commands their outcome (bounded), then close the session.

        What the unload itself sent (a boost's return, smart heating giving
        the owner's setting back) is among them; new commands are refused
        from the start, and what the close drops is told once.
        """
        self.session = None
        stopping = self.hass.state in (
            CoreState.stopping,
            CoreState.final_write,
            CoreState.not_running,
        )
        try:
            await self.command_results.async_settle(session, stopping=stopping)
        finally:  # cut short (a stop that ran out of time): close all the same
            await session.close()
            self.command_results.report_closed()

    async def async_send(self, command: Command) -> None:
        """Send one command; see `async_send_all`."""
        await self.async_send_all([command])

    async def async_send_all(
        self, to_send: Sequence[Command], *, wait: bool = True
    ) -> None:
        """Send commands in order; see `CommandResults.async_send_all`."""
        if not to_send:
            return
        session = self.session
        if session is None:
            raise HomeAssistantError(
                translation_domain=DOMAIN, translation_key="not_ready"
            )
        await self.command_results.async_send_all(session, to_send, wait=wait)

    async def async_request_status(self) -> None:
        """Ask every heater for a fresh status now."""
        await self.availability.async_request_all_status(count_as_poll=False)

    @callback
    def _handle_status(self, device: Device, status: DeviceStatus) -> None:
        heater = self.data.heaters.get(device.mac)
        if heater is None:
            return
        self.last_raw_status[device.mac] = status.raw
        self.availability.heard(device.mac, status=True)
        self.tanks.take(device.mac, heater.feature, status)
        self._set_heater(replace(heater, status=status))

    @callback
    def _handle_feature(self, device: Device, feature: DeviceFeature) -> None:
        heater = self.data.heaters.get(device.mac)
        if heater is not None:
            self.availability.heard(device.mac, status=False)
            self._set_heater(replace(heater, feature=feature))

    @callback
    def _set_heater(self, heater: HeaterState) -> None:
        if not self.last_update_success:
            _LOGGER.info("The NaviLink cloud is reachable again; heaters report")
        heaters = dict(self.data.heaters)
        heaters[heater.device.mac] = heater
        self.async_set_updated_data(NavienData(heaters))

    @callback
    def _handle_state(self, state: SessionState, error: SessionError | None) -> None:
        """Follow the session: availability after a grace period, reauth, repairs."""
        async_update_unstable_connection_issue(self.hass, self.config_entry, error)
        if state is SessionState.CONNECTED:
            self.availability.cloud_connected()
            # Entities wait for a heater's next message; the session asks
            # every heater for its status on each new connection.
            self.async_update_listeners()
            return
        if state is SessionState.AUTH_FAILED:
            self.config_entry.async_start_reauth(self.hass)
        self.availability.cloud_lost()

    async def async_add_heater(self, device: Device) -> None:
        """Serve a heater that joined the account; its entities come with its feature."""
        _LOGGER.info("Water heater %s joined the account", device.name or device.mac)
        self.availability.track([device.mac])
        # No success claimed (the cloud may be lost): its messages bring its data.
        self.data = NavienData({**self.data.heaters, device.mac: HeaterState(device)})
        if self.session is not None:
            await self.session.add_device(device)
        self.async_update_listeners()

    @callback
    def async_forget_heaters(self, macs: Iterable[str]) -> None:
        """Stop serving heaters the user removed (the account no longer lists them)."""
        gone = set(macs)
        for mac in gone:
            self.roster.async_forget(mac)
            if (heater := self.data.heaters.get(mac)) is None:
                continue
            self.availability.async_forget(heater.device)
            self.last_raw_status.pop(mac, None)
            self.schedules.pop(mac, None)
            self.counters.data.pop(mac, None)
            self.reader.forget(mac)
            self.tanks.forget(mac)
            if self.session is not None:
                self.session.remove_device(mac)
        heaters = {m: h for m, h in self.data.heaters.items() if m not in gone}
        self.data = NavienData(heaters)
        self.async_update_listeners()
