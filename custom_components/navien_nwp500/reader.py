"""The one reader of what the heaters do not push: counters, firmware, schedule, TOU.

Every read of a heater goes through `HeaterReader.async_read`, which applies the
three rules of all of them, whatever asks:

- **Availability**: a heater is read only while `heater_state.readable()` holds.
  A periodic read that falls due meanwhile is owed and runs as soon as the
  heater is readable again.
- **Spacing**: reads of one heater never overlap, and each starts at least
  `READ_SPACING` after the previous one ended; at most `MAX_IN_FLIGHT` reads of
  the account are under way at once, so the cloud is never flooded. A read
  asked for besides its schedule is left out if it answered less than
  `MIN_REREAD` ago.
- **Failures**: a failed read keeps the last value, is tried again after
  `RETRY_AFTER` (or its own interval, if shorter) and is logged once (info)
  until it works again, which is logged once too.

A periodic read is a `ReadJob` (one detail of one heater, its interval and where
its value goes); reads that are not periodic (the history import's months) call
`async_read` directly.
"""

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta
from enum import Enum, auto
from functools import partial
import logging
import time
from typing import TYPE_CHECKING, Any, Final

from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.event import async_call_later

from .heater_state import readable
from .navilink.codec import NaviLinkError

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Coroutine
    from datetime import datetime

    from .heater_state import HeaterSource

_LOGGER = logging.getLogger(__name__)

READ_SPACING: Final = 1.0
"""Seconds between the end of one read of a heater and the start of the next."""
MAX_IN_FLIGHT: Final = 2
"""Reads of one account under way at once (each of a different heater)."""
MIN_REREAD: Final = 60.0
"""Seconds after an answer during which an extra read (besides the schedule) is left out."""
RETRY_AFTER: Final = timedelta(minutes=15)
"""When a failed periodic read is tried again (unless its interval is shorter)."""


class Skipped(Enum):
    """Why a read brought no value."""

    UNREADABLE = auto()
    """The heater (or the cloud) is unavailable: nothing was asked."""
    FAILED = auto()
    """Asked, but no (valid) answer came."""


@dataclass(eq=False, slots=True)
class ReadJob[T]:
    """One periodic read of one heater: what, how often, how, and where it goes."""

    mac: str
    what: str
    interval: timedelta
    read: Callable[[], Awaitable[T]]
    """Reads the value; raises NaviLinkError when it fails."""
    deliver: Callable[[T], None]
    owed: bool = False
    """It fell due while the heater was unavailable."""
    answered_at: float | None = None
    cancel_timer: CALLBACK_TYPE | None = None
    running: asyncio.Lock = field(default_factory=asyncio.Lock)


class HeaterReader:
    """Reads every heater of one account under the same three rules."""

    def __init__(self, source: HeaterSource) -> None:
        """Prepare the reader of ``source``'s heaters (jobs start as they are added)."""
        self.source = source
        self._hass = source.hass
        self._heater_slots: dict[str, asyncio.Lock] = {}
        self._account_slots = asyncio.Semaphore(MAX_IN_FLIGHT)
        self._ended: dict[str, float] = {}
        self._failing: set[tuple[str, str]] = set()
        self._jobs: dict[tuple[str, str], ReadJob[Any]] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._unfollow: CALLBACK_TYPE | None = None

    @property
    def busy(self) -> bool:
        """Whether a read (or a job's run) is under way."""
        return bool(self._tasks)

    @callback
    def async_start(self) -> None:
        """Follow the heaters: owed reads run when their heater is readable again."""
        self._unfollow = self.source.async_add_listener(self._heaters_changed)

    async def async_stop(self) -> None:
        """Stop every job's timer and wait for the reads under way to end."""
        if self._unfollow is not None:
            self._unfollow()
            self._unfollow = None
        for job in self._jobs.values():
            _cancel_timer(job)
        self._jobs.clear()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def spawn(self, job: Coroutine[Any, Any, Any], name: str) -> None:
        """Run ``job`` in the background; `async_stop` ends it."""
        task = self._hass.async_create_background_task(job, f"navien_nwp500 {name}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def async_read[T](
        self, mac: str, what: str, read: Callable[[], Awaitable[T]]
    ) -> T | Skipped:
        """Read ``what`` of heater ``mac`` once, under the three rules."""
        if not readable(self.source, mac):
            return Skipped.UNREADABLE
        async with self._heater_slots.setdefault(mac, asyncio.Lock()):
            wait = self._ended.get(mac, -READ_SPACING) + READ_SPACING - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            if not readable(self.source, mac):
                return Skipped.UNREADABLE
            try:
                async with self._account_slots:
                    value = await read()
            except NaviLinkError as err:
                self._log_failure(mac, what, err)
                return Skipped.FAILED
            finally:
                self._ended[mac] = time.monotonic()
        if (mac, what) in self._failing:
            self._failing.discard((mac, what))
            _LOGGER.info("Reading the %s of %s works again", what, self._name(mac))
        return value

    def _log_failure(self, mac: str, what: str, err: NaviLinkError) -> None:
        if (mac, what) in self._failing:
            _LOGGER.debug("Reading the %s of %s failed again: %s", what, mac, err)
            return
        self._failing.add((mac, what))
        _LOGGER.info(
            "Reading the %s of %s failed (%s); it is tried again later",
            what,
            self._name(mac),
            err,
        )

    def _name(self, mac: str) -> str:
        heater = self.source.data.heaters.get(mac)
        return (heater.device.name if heater else None) or "NWP500"

    @callback
    def add_job[T](
        self,
        mac: str,
        what: str,
        interval: timedelta,
        read: Callable[[], Awaitable[T]],
        deliver: Callable[[T], None],
    ) -> ReadJob[T]:
        """Read ``what`` of ``mac`` now and every ``interval``; replaces a job of the same."""
        if (old := self._jobs.pop((mac, what), None)) is not None:
            _cancel_timer(old)
        job = ReadJob(mac, what, interval, read, deliver)
        self._jobs[mac, what] = job
        self.request(job)
        return job

    def jobs(self, what: str) -> list[ReadJob[Any]]:
        """Every heater's job that reads ``what``."""
        return [job for job in self._jobs.values() if job.what == what]

    @callback
    def forget(self, mac: str) -> None:
        """Stop reading a heater that left the account."""
        for key in [key for key in self._jobs if key[0] == mac]:
            _cancel_timer(self._jobs.pop(key))
        self._failing = {key for key in self._failing if key[0] != mac}

    @callback
    def request(self, job: ReadJob[Any], *, extra: bool = False) -> None:
        """Run ``job`` now, in the background (see `async_run`)."""
        self.spawn(self.async_run(job, extra=extra), f"{job.what} {job.mac}")

    async def async_run(self, job: ReadJob[Any], *, extra: bool = False) -> None:
        """Run ``job`` now unless it is under way, then schedule its next run.

        An ``extra`` run (asked for besides the schedule: a reconnect, midnight)
        is left out when the job answered less than `MIN_REREAD` ago.
        """
        if self._jobs.get((job.mac, job.what)) is not job:
            return
        if job.running.locked():  # under way: its outcome is this run's too
            async with job.running:
                return
        async with job.running:
            answered = job.answered_at
            recent = answered is not None and time.monotonic() - answered < MIN_REREAD
            if extra and recent:
                return
            _cancel_timer(job)
            value = await self.async_read(job.mac, job.what, job.read)
            if value is Skipped.UNREADABLE:
                job.owed = True  # no timer: it runs when the heater is back
                return
            job.owed = False
            delay = job.interval
            if value is Skipped.FAILED:
                delay = min(delay, RETRY_AFTER)
            else:
                job.answered_at = time.monotonic()
                job.deliver(value)
            if self._jobs.get((job.mac, job.what)) is job:
                job.cancel_timer = async_call_later(
                    self._hass, delay, partial(self._due, job)
                )

    @callback
    def _due(self, job: ReadJob[Any], _now: datetime) -> None:
        job.cancel_timer = None
        self.request(job)

    async def async_run_all(self, what: str) -> None:
        """Run every heater's ``what`` job now, as an extra run, and wait for them."""
        jobs = self.jobs(what)
        await asyncio.gather(*(self.async_run(job, extra=True) for job in jobs))

    @callback
    def _heaters_changed(self) -> None:
        for job in self._jobs.values():
            if job.owed and readable(self.source, job.mac):
                job.owed = False
                self.request(job)


def _cancel_timer(job: ReadJob[Any]) -> None:
    if job.cancel_timer is not None:
        job.cancel_timer()
        job.cancel_timer = None
