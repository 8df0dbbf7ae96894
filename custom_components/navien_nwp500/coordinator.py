"""The coordinator: owns the one NaviLink session of a config entry."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace
import logging
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_EMAIL, CONF_PASSWORD
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed, HomeAssistantError
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .command_result import CommandResults
from .const import (
    CONF_QUEUE_MAX_AGE,
    DEFAULT_QUEUE_MAX_AGE,
    DEVICE_LIST_REFRESH_INTERVAL,
    DOMAIN,
    FIRST_DATA_TIMEOUT,
    SAFETY_POLL_INTERVAL,
    UNAVAILABLE_GRACE_PERIOD,
)
from .endpoints import endpoints_from_env
from .energy import CounterPoller
from .navilink.auth import NaviLinkAuth
from .navilink.errors import (
    CannotConnectError,
    InvalidCredentialsError,
    NaviLinkError,
    SessionError,
)
from .navilink.rest import NaviLinkRestClient
from .navilink.session import (
    NaviLinkSession,
    NotConnectedError,
    SendOutcome,
    SessionConfig,
    SessionState,
)
from .repairs import async_update_error_issue, async_update_unstable_connection_issue

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from .command_result import PendingCommand
    from .heater_details import ScheduleCoordinator
    from .navilink.commands import Command
    from .navilink.models import Device, DeviceFeature, DeviceStatus

_LOGGER = logging.getLogger(__name__)

type NavienConfigEntry = ConfigEntry[NavienCoordinator]


@dataclass(frozen=True, slots=True)
class HeaterState:
    """What we know about one water heater."""

    device: Device
    status: DeviceStatus | None = None
    feature: DeviceFeature | None = None


@dataclass(frozen=True, slots=True)
class NavienData:
    """Coordinator data: every heater of the account, keyed by MAC."""

    heaters: Mapping[str, HeaterState] = field(default_factory=dict)


class NavienCoordinator(DataUpdateCoordinator[NavienData]):
    """Feeds pushed device messages to entities and sends their commands."""

    config_entry: NavienConfigEntry

    def __init__(self, hass: HomeAssistant, entry: NavienConfigEntry) -> None:
        """Prepare the coordinator; the session starts in `_async_setup`."""
        super().__init__(
            hass,
            _LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {entry.title}",
            update_interval=SAFETY_POLL_INTERVAL,
            always_update=False,
        )
        self.endpoints = endpoints_from_env()
        self.auth = NaviLinkAuth(
            async_get_clientsession(hass),
            entry.data[CONF_EMAIL],
            entry.data[CONF_PASSWORD],
            endpoints=self.endpoints,
        )
        self.rest = NaviLinkRestClient(self.auth)
        self.session: NaviLinkSession | None = None
        self.command_results = CommandResults(hass, entry.entry_id)
        self.data = NavienData()
        self._unsubscribers: list[Callable[[], None]] = []
        self._cancel_grace: CALLBACK_TYPE | None = None
        self._cancel_device_refresh: CALLBACK_TYPE | None = None
        self._connected = False
        self.last_raw_status: dict[str, Mapping[str, Any]] = {}
        self.counters = CounterPoller(self)
        """The heaters' energy and maintenance counters (queried, not pushed)."""
        self.schedules: dict[str, ScheduleCoordinator] = {}

    @property
    def connected(self) -> bool:
        """Whether the cloud session is connected right now."""
        return self._connected

    async def _async_setup(self) -> None:
        """Sign in, list the heaters and connect the session (bounded in time)."""
        try:
            await self.auth.sign_in()
            devices = await self.rest.async_list_devices()
        except InvalidCredentialsError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="invalid_auth"
            ) from err
        except NaviLinkError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="cannot_connect",
                translation_placeholders={"error": str(err)},
            ) from err
        self.data = NavienData({d.mac: HeaterState(d) for d in devices})
        options = self.config_entry.options
        self.session = NaviLinkSession(
            self.auth,
            devices,
            endpoints=self.endpoints,
            config=SessionConfig(
                queue_max_age=float(
                    options.get(CONF_QUEUE_MAX_AGE, DEFAULT_QUEUE_MAX_AGE)
                )
            ),
        )
        self._unsubscribers = [
            self.session.add_status_listener(self._handle_status),
            self.session.add_feature_listener(self._handle_feature),
            self.session.add_state_listener(self._handle_state),
            self.session.add_command_listener(self.command_results.handle_outcome),
        ]
        try:
            await self.session.start()
        except InvalidCredentialsError as err:
            await self.async_shutdown_session()
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="invalid_auth"
            ) from err
        except (CannotConnectError, SessionError) as err:
            await self.async_shutdown_session()
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="cannot_connect",
                translation_placeholders={"error": str(err)},
            ) from err
        self._connected = True
        await self._async_wait_for_first_data()
        self.counters.async_start()
        self._cancel_device_refresh = async_call_later(
            self.hass, DEVICE_LIST_REFRESH_INTERVAL, self._async_refresh_device_list
        )

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

    async def _async_update_data(self) -> NavienData:
        """Safety poll: ask for a fresh status while connected; pushes carry data."""
        if self.session is not None and self._connected:
            for mac in self.data.heaters:
                try:
                    await self.session.request_status(self.data.heaters[mac].device)
                except NaviLinkError as err:
                    _LOGGER.debug("Safety poll of %s skipped: %s", mac, err)
        return self.data

    async def async_shutdown_session(self) -> None:
        """Close the session and drop every listener and timer (unload, stop)."""
        for unsubscribe in self._unsubscribers:
            unsubscribe()
        self._unsubscribers.clear()
        for cancel in (self._cancel_grace, self._cancel_device_refresh):
            if cancel is not None:
                cancel()
        self._cancel_grace = self._cancel_device_refresh = None
        await self.counters.async_stop()
        if self.session is not None:
            session, self.session = self.session, None
            await session.close()

    async def async_send(self, command: Command) -> None:
        """Send one command; see `async_send_all`."""
        await self.async_send_all([command])

    async def async_send_all(self, to_send: Sequence[Command]) -> None:
        """Send commands in order and, while connected, wait for their outcomes.

        Connected: waits (bounded, see `CommandResults.async_wait`) and raises a translated
        error when one was refused or not delivered (a superseded one is fine);
        outcomes later than that are reported by event and notification.
        Offline: the commands wait in the session's queue; this returns at once
        and their outcomes are reported that way too.
        """
        session = self.session
        if session is None:
            raise HomeAssistantError(
                translation_domain=DOMAIN, translation_key="not_ready"
            )
        pending: list[PendingCommand] = []
        outcome = SendOutcome.QUEUED
        for command in to_send:
            tracked = self.command_results.track(command)
            try:
                outcome = await session.send(command)
            except NaviLinkError as err:
                self.command_results.forget(tracked)
                self.command_results.release(pending)
                if isinstance(err, NotConnectedError):
                    raise HomeAssistantError(
                        translation_domain=DOMAIN, translation_key="not_connected"
                    ) from err
                raise HomeAssistantError(
                    translation_domain=DOMAIN,
                    translation_key="command_failed",
                    translation_placeholders={"error": str(err)},
                ) from err
            pending.append(tracked)
        if session.state is SessionState.CONNECTED:
            await self.command_results.async_wait(pending)
            return
        self.command_results.release(pending)
        if outcome is SendOutcome.QUEUED:
            _LOGGER.warning(
                "The NaviLink cloud is unreachable; %s will be sent"
                " when the connection is back",
                ", ".join(command.kind for command in to_send),
            )

    async def async_request_status(self) -> None:
        """Ask every heater for a fresh status now."""
        await self._async_update_data()

    @callback
    def _handle_status(self, device: Device, status: DeviceStatus) -> None:
        heater = self.data.heaters.get(device.mac)
        if heater is None:
            return
        self.last_raw_status[device.mac] = status.raw
        async_update_error_issue(self.hass, device, status)
        self._set_heater(replace(heater, status=status))

    @callback
    def _handle_feature(self, device: Device, feature: DeviceFeature) -> None:
        heater = self.data.heaters.get(device.mac)
        if heater is not None:
            self._set_heater(replace(heater, feature=feature))

    @callback
    def _set_heater(self, heater: HeaterState) -> None:
        heaters = dict(self.data.heaters)
        heaters[heater.device.mac] = heater
        self.async_set_updated_data(NavienData(heaters))

    @callback
    def _handle_state(self, state: SessionState, error: SessionError | None) -> None:
        """Follow the session: availability after a grace period, reauth, repairs."""
        async_update_unstable_connection_issue(self.hass, self.config_entry, error)
        if state is SessionState.CONNECTED:
            if self._cancel_grace is not None:
                self._cancel_grace()
                self._cancel_grace = None
            if not self.last_update_success:
                _LOGGER.info("The NaviLink cloud is reachable again")
            self._connected = True
            self.last_update_success = True
            self.async_update_listeners()
            return
        self._connected = False
        if state is SessionState.AUTH_FAILED:
            self.config_entry.async_start_reauth(self.hass)
        if self._cancel_grace is None and self.last_update_success:
            self._cancel_grace = async_call_later(
                self.hass, UNAVAILABLE_GRACE_PERIOD, self._grace_expired
            )

    @callback
    def _grace_expired(self, _now: Any) -> None:
        self._cancel_grace = None
        if self._connected or not self.last_update_success:
            return
        _LOGGER.info("The NaviLink cloud is unreachable; heaters are unavailable")
        self.last_update_success = False
        self.async_update_listeners()

    async def _async_refresh_device_list(self, _now: Any) -> None:
        """Reload the entry when heaters were added to or removed from the account."""
        if self._cancel_device_refresh is not None:
            self._cancel_device_refresh()
        self._cancel_device_refresh = async_call_later(
            self.hass, DEVICE_LIST_REFRESH_INTERVAL, self._async_refresh_device_list
        )
        try:
            devices = await self.rest.async_list_devices()
        except NaviLinkError as err:
            _LOGGER.debug("Device list refresh failed: %s", err)
            return
        if {d.mac for d in devices} != set(self.data.heaters):
            _LOGGER.info("The heaters of the account changed; reloading")
            self.hass.config_entries.async_schedule_reload(self.config_entry.entry_id)
