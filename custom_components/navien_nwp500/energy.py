"""Per-heater queries of the heater's own energy counters and maintenance counters.

The heater keeps lifetime energy per source (the energy query's ``total`` and the
diagnostics reply's ``cumulatedPwrHp/He``, protocol §10, §17.1, §17.6). They are
asked for after connecting (and after every reconnect), every 15 minutes and just
after midnight, never more often than once a minute; the diagnostics a few times a
day. A query that gets no reply leaves the last values as they are. The daily
history import into long-term statistics (``statistics.py``) runs here too, at
start and once a day.
"""

import asyncio
from dataclasses import dataclass, replace
from datetime import timedelta
import logging
import time
from typing import TYPE_CHECKING, Any, Final

from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.event import (
    async_track_time_change,
    async_track_time_interval,
)
from homeassistant.util import dt as dt_util

from .heater_state import readable
from .navilink.codec import (
    Diagnostics,
    NaviLinkError,
    commands,
    parse_diagnostics,
    parse_energy,
)
from .navilink.session import SessionError, SessionState
from .statistics import async_import_history

if TYPE_CHECKING:
    from collections.abc import Coroutine, Mapping
    from datetime import datetime

    from .heater_state import HeaterSource, HeaterState
    from .navilink.codec import Command

_LOGGER = logging.getLogger(__name__)

COUNTER_INTERVAL: Final = timedelta(minutes=15)
DIAGNOSTICS_INTERVAL: Final = timedelta(hours=6)
MIN_QUERY_SPACING: Final = 60.0
"""Seconds between two counter reads of one heater, whatever asks for them."""
QUERY_TIMEOUT: Final = 30.0
HISTORY_IMPORT_TIME: Final = (1, 5)
"""Local hour and minute of the daily history top-up (after the heater's day closed)."""


@dataclass(frozen=True, slots=True)
class EnergyCounters:
    """The heater's lifetime energy per source, in Wh."""

    heat_pump_wh: int
    element_wh: int

    @property
    def total_wh(self) -> int:
        """Heat pump plus elements."""
        return self.heat_pump_wh + self.element_wh


@dataclass(frozen=True, slots=True)
class HeaterCounters:
    """The latest counters one heater reported; None until its first reply."""

    energy: EnergyCounters | None = None
    diagnostics: Diagnostics | None = None


def _energy_from(
    heat_pump_wh: int | None, element_wh: int | None
) -> EnergyCounters | None:
    if heat_pump_wh is None or element_wh is None:
        return None
    return EnergyCounters(heat_pump_wh, element_wh)


def counts_energy(heater: HeaterState) -> bool:
    """Whether a heater answers the energy counters (``energyUsageUse`` not refused)."""
    return heater.feature is None or heater.feature.energy_usage_use is not False


class CounterPoller:
    """Reads every heater's counters on a schedule and keeps the latest ones."""

    def __init__(self, coordinator: HeaterSource) -> None:
        """Prepare (not start) the poller of ``coordinator``'s heaters."""
        self._coordinator = coordinator
        self._hass = coordinator.hass
        self.data: dict[str, HeaterCounters] = {}
        self._last_read: dict[str, float] = {}
        self._lock = asyncio.Lock()
        self._cancel: list[CALLBACK_TYPE] = []
        self._tasks: set[asyncio.Task[Any]] = set()

    @callback
    def async_start(self) -> None:
        """Read everything now, then follow the schedule and reconnects."""
        hass = self._hass
        hour, minute = HISTORY_IMPORT_TIME
        self._cancel = [
            async_track_time_interval(hass, self._counters_due, COUNTER_INTERVAL),
            async_track_time_interval(
                hass, self._diagnostics_due, DIAGNOSTICS_INTERVAL
            ),
            async_track_time_change(
                hass, self._counters_due, hour=0, minute=0, second=30
            ),
            async_track_time_change(
                hass, self._history_due, hour=hour, minute=minute, second=0
            ),
        ]
        if (session := self._coordinator.session) is not None:
            self._cancel.append(session.add_state_listener(self._follow_connection))
        self._spawn(self._async_first_reads())

    async def async_stop(self) -> None:
        """Stop the schedule and wait for reads under way to end."""
        for cancel in self._cancel:
            cancel()
        self._cancel.clear()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _spawn(self, job: Coroutine[Any, Any, Any]) -> None:
        task = self._hass.async_create_background_task(job, "navien_nwp500 counters")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _async_first_reads(self) -> None:
        await self.async_refresh_energy()
        await self.async_refresh_diagnostics()
        await self.async_import_history()

    @callback
    def _follow_connection(
        self, state: SessionState, _error: SessionError | None
    ) -> None:
        """Read the energy again after every reconnect (a day change may have passed)."""
        if state is SessionState.CONNECTED:
            self._spawn(self.async_refresh_energy())

    @callback
    def _counters_due(self, _now: datetime) -> None:
        self._spawn(self.async_refresh_energy())

    @callback
    def _diagnostics_due(self, _now: datetime) -> None:
        self._spawn(self.async_refresh_diagnostics())

    @callback
    def _history_due(self, _now: datetime) -> None:
        self._spawn(self.async_import_history())

    async def _async_query(self, command: Command) -> Mapping[str, Any] | None:
        """Ask one heater; None when it is not readable now or does not answer."""
        session = self._coordinator.session
        if session is None or not readable(self._coordinator, command.mac):
            return None
        try:
            return await session.query(command, timeout=QUERY_TIMEOUT)
        except NaviLinkError as err:
            _LOGGER.debug("No answer to %s from %s: %s", command.kind, command.mac, err)
            return None

    def _heaters(self) -> list[HeaterState]:
        return list(self._coordinator.data.heaters.values())

    async def async_refresh_energy(self) -> None:
        """Read the lifetime energy of every heater that keeps it (at most once a minute)."""
        async with self._lock:
            for heater in self._heaters():
                mac = heater.device.mac
                last = self._last_read.get(mac)
                if not counts_energy(heater) or (
                    last is not None and time.monotonic() - last < MIN_QUERY_SPACING
                ):
                    continue
                self._last_read[mac] = time.monotonic()
                today = dt_util.now().date()
                reply = await self._async_query(
                    commands.energy_query(
                        heater.device, heater.feature, today.year, [today.month]
                    )
                )
                total = None if reply is None else parse_energy(reply).total
                if total is not None:
                    self._set(
                        mac, energy=_energy_from(total.heat_pump_wh, total.element_wh)
                    )

    async def async_refresh_diagnostics(self) -> None:
        """Read the maintenance counters (and the energy in them) of every heater."""
        async with self._lock:
            for heater in self._heaters():
                reply = await self._async_query(
                    commands.diagnostics_query(heater.device, heater.feature)
                )
                if reply is None:
                    continue
                diagnostics = parse_diagnostics(reply)
                energy = None
                if counts_energy(heater):
                    energy = _energy_from(
                        diagnostics.heat_pump_wh, diagnostics.element_wh
                    )
                self._set(heater.device.mac, diagnostics=diagnostics, energy=energy)

    async def async_import_history(self) -> int:
        """Add the days that closed since the last import to long-term statistics.

        Return how many rows were added (0 without the recorder).
        """
        if "recorder" not in self._hass.config.components:
            return 0
        added = 0
        async with self._lock:
            for heater in self._heaters():
                if counts_energy(heater):
                    added += await async_import_history(
                        self._hass, self._async_query, heater
                    )
        return added

    @callback
    def _set(
        self,
        mac: str,
        *,
        energy: EnergyCounters | None = None,
        diagnostics: Diagnostics | None = None,
    ) -> None:
        """Keep what a reply brought (None keeps the old value) and tell the entities."""
        if energy is None and diagnostics is None:
            return
        current = self.data.get(mac, HeaterCounters())
        self.data[mac] = replace(
            current,
            energy=energy or current.energy,
            diagnostics=diagnostics or current.diagnostics,
        )
        self._coordinator.async_update_listeners()
