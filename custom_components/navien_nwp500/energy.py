"""The heaters' own energy counters and maintenance counters, and their history.

The heater keeps lifetime energy per source (the energy query's ``total`` and the
diagnostics reply's ``cumulatedPwrHp/He``, protocol §10, §17.1, §17.6). Both are
jobs of the account's reader (``reader``, which sets the rules: availability,
spacing, failures): the energy every 15 minutes, and again just after midnight
and after every reconnect; the diagnostics every 6 hours. A query that gets no
reply leaves the last values as they are. The history import into long-term
statistics (``statistics.py``) runs here too: at start, after the recorder's
compiles until every energy sensor has its first compiled period (so a new
install gets its year within minutes), and once a day. A run that left a month
unanswered runs again `HISTORY_RETRY` later (at most `HISTORY_RETRIES` times
before the nightly run), asking only for what is missing.
"""

import asyncio
from dataclasses import dataclass, replace
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, Final

from homeassistant.const import EVENT_RECORDER_5MIN_STATISTICS_GENERATED
from homeassistant.core import CALLBACK_TYPE, Event, callback
from homeassistant.helpers.event import async_call_later, async_track_time_change
from homeassistant.util import dt as dt_util

from .navilink.codec import Diagnostics, commands, parse_diagnostics, parse_energy
from .navilink.session import NotConnectedError, SessionError, SessionState
from .reader import RETRY_AFTER, Skipped
from .statistics import RECORDER, async_import_history, awaiting_first_compile

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

    from .heater_state import HeaterSource, HeaterState
    from .navilink.codec import Command
    from .reader import HeaterReader

COUNTER_INTERVAL: Final = timedelta(minutes=15)
DIAGNOSTICS_INTERVAL: Final = timedelta(hours=6)
QUERY_TIMEOUT: Final = 30.0
ENERGY: Final = "energy counters"
DIAGNOSTICS: Final = "maintenance counters"
HISTORY: Final = "energy history"
AFTER_COMPILE: Final = 10.0
"""Seconds from the recorder's compile to the import (its rows are written by then)."""
HISTORY_IMPORT_TIME: Final = (1, 5)
"""Local hour and minute of the daily history top-up (after the heater's day closed)."""
HISTORY_RETRY: Final = RETRY_AFTER
"""When a history import with a month unanswered runs again (the reader's rule)."""
HISTORY_RETRIES: Final = 4
"""Runs again after an unanswered month, at most, between two nightly runs."""


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
    """Keeps every heater's latest counters, read by the account's reader."""

    def __init__(self, coordinator: HeaterSource, reader: HeaterReader) -> None:
        """Prepare (not start) the counters of ``coordinator``'s heaters."""
        self._coordinator = coordinator
        self._hass = coordinator.hass
        self._reader = reader
        self.data: dict[str, HeaterCounters] = {}
        self._history_lock = asyncio.Lock()
        self._cancel: list[CALLBACK_TYPE] = []
        self._unlisten_compiles: CALLBACK_TYPE | None = None
        self._cancel_after_compile: CALLBACK_TYPE | None = None
        self._cancel_history_retry: CALLBACK_TYPE | None = None
        self._history_retries = 0

    @callback
    def async_start(self) -> None:
        """Read everything now, then follow the schedule, reconnects and new heaters."""
        hass = self._hass
        hour, minute = HISTORY_IMPORT_TIME
        self._cancel = [
            async_track_time_change(
                hass, self._energy_due, hour=0, minute=0, second=30
            ),
            async_track_time_change(
                hass, self._history_due, hour=hour, minute=minute, second=0
            ),
            self._coordinator.async_add_listener(self._add_new_heaters),
        ]
        if (session := self._coordinator.session) is not None:
            self._cancel.append(session.add_state_listener(self._follow_connection))
        self._add_new_heaters()
        if RECORDER in hass.config.components:
            self._unlisten_compiles = hass.bus.async_listen(
                EVENT_RECORDER_5MIN_STATISTICS_GENERATED, self._compiled
            )
        self._reader.spawn(self.async_import_history(), HISTORY)

    @callback
    def async_stop(self) -> None:
        """Stop the schedule (the reader stops the reads under way)."""
        for cancel in self._cancel:
            cancel()
        self._cancel.clear()
        self._stop_following_compiles()
        if self._cancel_history_retry is not None:
            self._cancel_history_retry()
            self._cancel_history_retry = None

    @callback
    def _add_new_heaters(self) -> None:
        """Give every heater not read yet its energy and diagnostics jobs."""
        known = {job.mac for job in self._reader.jobs(ENERGY)}
        for mac in self._coordinator.data.heaters:
            if mac in known:
                continue
            self._reader.add_job(
                mac,
                ENERGY,
                COUNTER_INTERVAL,
                partial(self._async_read_energy, mac),
                partial(self._set_energy, mac),
            )
            self._reader.add_job(
                mac,
                DIAGNOSTICS,
                DIAGNOSTICS_INTERVAL,
                partial(self._async_read_diagnostics, mac),
                partial(self._set_diagnostics, mac),
            )

    @callback
    def _follow_connection(
        self, state: SessionState, _error: SessionError | None
    ) -> None:
        """Read the energy again after every reconnect (a day change may have passed)."""
        if state is SessionState.CONNECTED:
            self._energy_due(None)

    @callback
    def _energy_due(self, _now: datetime | None) -> None:
        for job in self._reader.jobs(ENERGY):
            self._reader.request(job, extra=True)

    @callback
    def _history_due(self, _now: datetime) -> None:
        self._history_retries = 0
        self._reader.spawn(self.async_import_history(), HISTORY)

    @callback
    def _history_retry_due(self, _now: datetime) -> None:
        self._cancel_history_retry = None
        self._reader.spawn(self.async_import_history(), HISTORY)

    @callback
    def _retry_history_soon(self) -> None:
        """Run the import again soon: a month got no reply (bounded, see the module)."""
        if (
            self._cancel_history_retry is not None
            or self._history_retries >= HISTORY_RETRIES
        ):
            return
        self._history_retries += 1
        self._cancel_history_retry = async_call_later(
            self._hass, HISTORY_RETRY, self._history_retry_due
        )

    @callback
    def _compiled(self, _event: Event) -> None:
        """Import soon after a compile: an energy sensor may have its anchor now.

        The recorder tells before its transaction ends; the import looks a little later.
        """
        if self._cancel_after_compile is None:
            self._cancel_after_compile = async_call_later(
                self._hass, AFTER_COMPILE, self._after_compile
            )

    @callback
    def _after_compile(self, _now: datetime) -> None:
        self._cancel_after_compile = None
        self._reader.spawn(self._async_import_after_compile(), HISTORY)

    async def _async_import_after_compile(self) -> None:
        await self.async_import_history()
        for heater in self._heaters():
            if counts_energy(heater) and await awaiting_first_compile(
                self._hass, heater
            ):
                return
        self._stop_following_compiles()

    def _stop_following_compiles(self) -> None:
        if self._unlisten_compiles is not None:
            self._unlisten_compiles()
            self._unlisten_compiles = None
        if self._cancel_after_compile is not None:
            self._cancel_after_compile()
            self._cancel_after_compile = None

    async def _async_query(self, command: Command) -> Mapping[str, Any]:
        """Ask one heater; raises NaviLinkError without an answer."""
        session = self._coordinator.session
        if session is None:
            raise NotConnectedError("the session is closed")
        return await session.query(command, timeout=QUERY_TIMEOUT)

    def _heaters(self) -> list[HeaterState]:
        return list(self._coordinator.data.heaters.values())

    async def _async_read_energy(self, mac: str) -> EnergyCounters | None:
        heater = self._coordinator.data.heaters.get(mac)
        if heater is None or not counts_energy(heater):
            return None
        today = dt_util.now().date()
        reply = await self._async_query(
            commands.energy_query(
                heater.device, heater.feature, today.year, [today.month]
            )
        )
        total = parse_energy(reply).total
        return (
            None
            if total is None
            else _energy_from(total.heat_pump_wh, total.element_wh)
        )

    async def _async_read_diagnostics(self, mac: str) -> Diagnostics | None:
        heater = self._coordinator.data.heaters.get(mac)
        if heater is None:
            return None
        reply = await self._async_query(
            commands.diagnostics_query(heater.device, heater.feature)
        )
        return parse_diagnostics(reply)

    async def async_refresh_energy(self) -> None:
        """Read the lifetime energy of every heater now (unless read in the last minute)."""
        await self._reader.async_run_all(ENERGY)

    async def async_refresh_diagnostics(self) -> None:
        """Read the maintenance counters (and the energy in them) of every heater now."""
        await self._reader.async_run_all(DIAGNOSTICS)

    async def _async_history_query(self, command: Command) -> Mapping[str, Any] | None:
        """One month of the history import, read by the reader; None without answer."""
        reply = await self._reader.async_read(
            command.mac, HISTORY, partial(self._async_query, command)
        )
        return None if isinstance(reply, Skipped) else reply

    async def async_import_history(self) -> int:
        """Add the days that closed since the last import to long-term statistics.

        Return how many rows were added (0 without the recorder).
        """
        if RECORDER not in self._hass.config.components:
            return 0
        added = 0
        complete = True
        async with self._history_lock:
            for heater in self._heaters():
                if counts_energy(heater):
                    imported = await async_import_history(
                        self._hass, self._async_history_query, heater
                    )
                    added += imported.written
                    complete = complete and imported.complete
        if complete:
            self._history_retries = 0
        else:
            self._retry_history_soon()
        return added

    @callback
    def _set_energy(self, mac: str, energy: EnergyCounters | None) -> None:
        self._set(mac, energy=energy)

    @callback
    def _set_diagnostics(self, mac: str, diagnostics: Diagnostics | None) -> None:
        heater = self._coordinator.data.heaters.get(mac)
        if diagnostics is None or heater is None:
            return
        energy = None
        if counts_energy(heater):
            energy = _energy_from(diagnostics.heat_pump_wh, diagnostics.element_wh)
        self._set(mac, diagnostics=diagnostics, energy=energy)

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
