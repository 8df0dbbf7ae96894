"""NaviLinkSimulator: the whole simulated cloud (REST, IoT gateway, broker, heaters)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import shutil
import time
from typing import TYPE_CHECKING, Any, Self

from aiohttp import web

from .accounts import (
    NWP500_DEVICE_TYPE,
    AccountStore,
    IssuedAws,
    SimAccount,
    demo_account,
)
from .broker import MosquittoBroker, free_port
from .certs import CertPaths, generate_certs
from .device_link import DeviceLink
from .faults import Faults
from .frontdoor import FrontDoor
from .heater import DEVICE_CLOCK_START, SimulatedHeater
from .lag import Lag
from .official_app import OfficialApp
from .profile import HeaterProfile, ProfileName, resolve
from .rest import API_PREFIX, RestFaults, create_rest_app

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime
    from types import TracebackType

_LOGGER = logging.getLogger(__name__)

HOST = "127.0.0.1"


class NaviLinkSimulator:
    """
    Every server the client talks to, on loopback, with faults on demand.

    Parts: a REST app (``http://127.0.0.1:<port>/api/v2.1``), a TLS WebSocket
    front door that checks SigV4 like AWS IoT, a mosquitto broker behind it, and
    one ``SimulatedHeater`` per NWP500 of the accounts, connected to the broker
    by a ``DeviceLink`` (other device types are only listed by REST). A background task advances heater physics (``time_scale``
    simulated seconds per real second) and pushes status every
    ``push_interval`` real seconds (None: never).
    """

    def __init__(
        self,
        *,
        accounts: list[SimAccount] | None = None,
        aws_lifetime: float = 3600.0,
        jwt_lifetime: float = 3600.0,
        push_interval: float | None = 30.0,
        time_scale: float = 1.0,
        rest_port: int = 0,
        iot_port: int = 0,
        seed: int = 0,
        min_control_interval: float = 0.0,
        draw_interval: float | None = 7200.0,
        physics_tick: float = 1.0,
        device_clock_start: datetime | None = None,
        profile: ProfileName | HeaterProfile = "realistic",
        delay_scale: float = 1.0,
    ) -> None:
        """
        Configure (not start) the simulator.

        ``accounts`` defaults to the demo account; ``rest_port``/``iot_port`` 0
        pick free ports; ``min_control_interval`` makes heaters refuse controls
        that follow each other too closely (real seconds, protocol §17.4);
        ``physics_tick`` is how often (real seconds) physics advances;
        ``device_clock_start`` is the heaters' clock at time 0 (their energy
        history ends the day before; default a fixed date, so tests repeat);
        ``profile`` is how true to life the heaters and the cloud are ("ideal",
        "realistic" or a ``HeaterProfile``, see ``navilink_sim.profile``), its
        random draws seeded by ``seed``; ``delay_scale`` multiplies every delay
        of the profile (apply, reply, the app's controls, control pacing), so
        tests compress them as they compress the integration's timeouts.
        """
        self.profile = resolve(profile)
        self.delay_scale = delay_scale
        self._seed = seed
        min_control_interval = max(
            min_control_interval, self.profile.control_interval * delay_scale
        )
        self._account_list = accounts if accounts is not None else [demo_account()]
        self.accounts = AccountStore(
            self._account_list, aws_lifetime=aws_lifetime, jwt_lifetime=jwt_lifetime
        )
        self.rest_faults = RestFaults(
            list_hiccup=self.profile.device_list_hiccup,
            rng=random.Random(f"rest-{seed}"),
        )
        self.push_interval = push_interval
        self.time_scale = time_scale
        self.physics_tick = physics_tick
        self._rest_port = rest_port
        self._iot_port = iot_port
        self.heaters: dict[str, SimulatedHeater] = {}
        for account in self._account_list:
            for device in account.devices:
                if device.device_type != NWP500_DEVICE_TYPE:
                    continue
                self.heaters[device.mac.lower()] = SimulatedHeater(
                    device,
                    seed=seed,
                    min_control_interval=min_control_interval,
                    draw_interval=draw_interval,
                    clock=time.monotonic,
                    start=device_clock_start or DEVICE_CLOCK_START,
                    profile=self.profile,
                )
        self.broker = MosquittoBroker(host=HOST)
        self.device_links: dict[str, DeviceLink] = {}
        self._apps: list[OfficialApp] = []
        self.chatty_app: OfficialApp | None = None
        """The official app sending its own controls (profile ``app_control_interval``)."""
        self.certs: CertPaths | None = None
        self._door: FrontDoor | None = None
        self._faults: Faults | None = None
        self._rest_runner: web.AppRunner | None = None
        self._physics: asyncio.Task[None] | None = None
        self._started = False
        self.simulated_seconds = 0.0
        """Simulated time the heaters have been advanced by, in total."""

    # ---------------------------------------------------------------- access
    def _require_started(self) -> None:
        if not self._started:
            raise RuntimeError("NaviLinkSimulator is not running: await start() first")

    @property
    def front_door(self) -> FrontDoor:
        """The IoT gateway stand-in (counters in ``front_door.stats``)."""
        self._require_started()
        assert self._door is not None
        return self._door

    @property
    def faults(self) -> Faults:
        """The fault-injection API (available once started)."""
        self._require_started()
        assert self._faults is not None
        return self._faults

    @property
    def rest_port(self) -> int:
        """The REST port."""
        self._require_started()
        return self._rest_port

    @property
    def iot_port(self) -> int:
        """The front door (MQTT over WebSocket) port."""
        return self.front_door.port

    @property
    def api_base_url(self) -> str:
        """The REST base URL, ``http://127.0.0.1:<port>/api/v2.1``."""
        return f"http://{HOST}:{self.rest_port}{API_PREFIX}"

    @property
    def ca_file(self) -> str:
        """The PEM file of the CA that signed the front door's certificate."""
        self._require_started()
        assert self.certs is not None
        return str(self.certs.ca_file)

    @property
    def endpoints_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for the client's ``Endpoints``."""
        return {
            "api_base_url": self.api_base_url,
            "iot_host": HOST,
            "iot_port": self.iot_port,
            "ca_file": self.ca_file,
        }

    @property
    def account_list(self) -> list[SimAccount]:
        """The accounts served, in the order given."""
        return list(self._account_list)

    def issue_aws(self, email: str | None = None) -> IssuedAws:
        """Issue AWS keys directly (no REST), for the first account by default."""
        return self.accounts.issue_aws(email or self._account_list[0].email)

    # ------------------------------------------------------------- lifecycle
    async def start(self) -> None:
        """Start every part; on failure, stop what had started and re-raise."""
        if self._started:
            return
        try:
            await self._start()
        except BaseException:
            await self._stop()
            raise
        self._started = True

    async def _start(self) -> None:
        self.certs = generate_certs()
        await self.broker.start()
        self._door = FrontDoor(
            lookup_aws=self.accounts.lookup_aws,
            broker_host=self.broker.host,
            broker_port=self.broker.port,
            ssl_context=self.certs.server_ssl_context(),
            host=HOST,
            port=self._iot_port,
            clock=self.accounts.clock,
        )
        await self._door.start()
        self._iot_port = self._door.port

        app = create_rest_app(self.accounts, self.rest_faults)
        self._rest_runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._rest_runner.setup()
        if self._rest_port == 0:
            self._rest_port = free_port(HOST)
        site = web.TCPSite(self._rest_runner, HOST, self._rest_port)
        await site.start()

        self._faults = Faults(
            front_door=self._door,
            broker=self.broker,
            store=self.accounts,
            rest=self.rest_faults,
            device_links=lambda: self.device_links,
        )
        for mac, heater in self.heaters.items():
            lag = Lag(self.profile, f"{self._seed}-{mac}", self.delay_scale)
            link = DeviceLink(heater, self.broker.host, self.broker.port, lag)
            self.device_links[mac] = link
            await link.start()
        self._physics = asyncio.create_task(
            self._run_physics(), name="navilink_sim physics"
        )
        if self.profile.app_control_interval is not None:
            self.chatty_app = await self._connect_app()
            self.chatty_app.chatter(
                self.profile.app_control_interval,
                f"app-{self._seed}",
                self.delay_scale,
            )

    async def stop(self) -> None:
        """Stop every part; leaves no process, task or socket behind."""
        await self._stop()
        self._started = False

    async def _stop(self) -> None:
        for app in self._apps:
            await app.stop()
        self._apps.clear()
        self.chatty_app = None
        if self._physics is not None:
            self._physics.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._physics
            self._physics = None
        for link in list(self.device_links.values()):
            try:
                await link.stop()
            except Exception:
                _LOGGER.exception("device link did not stop cleanly")
        self.device_links.clear()
        if self._rest_runner is not None:
            await self._rest_runner.cleanup()
            self._rest_runner = None
        if self._door is not None:
            await self._door.stop()
        await self.broker.stop()
        if self.certs is not None:
            shutil.rmtree(self.certs.directory, ignore_errors=True)

    async def __aenter__(self) -> Self:
        """Start and return the simulator."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the simulator."""
        await self.stop()

    # ---------------------------------------------------------------- physics
    def advance(self, seconds: float) -> None:
        """Advance every heater's simulated time by ``seconds`` at once."""
        self.simulated_seconds += seconds
        for heater in self.heaters.values():
            heater.advance(seconds)

    async def official_app(self) -> OfficialApp:
        """Connect a second client, "the official app", to every heater (see OfficialApp)."""
        self._require_started()
        return await self._connect_app()

    async def _connect_app(self) -> OfficialApp:
        devices = [d for account in self._account_list for d in account.devices]
        app = OfficialApp(devices, self.broker.host, self.broker.port)
        await app.start()
        self._apps.append(app)
        return app

    async def push_status(self, mac: str | None = None) -> None:
        """Make one device (or all) publish an unsolicited status now."""
        links: Mapping[str, DeviceLink] = (
            self.device_links if mac is None else {mac: self.device_links[mac.lower()]}
        )
        for link in links.values():
            await link.push_status()

    async def _run_physics(self) -> None:
        loop = asyncio.get_running_loop()
        last = loop.time()
        next_push = None if self.push_interval is None else last + self.push_interval
        while True:
            await asyncio.sleep(self.physics_tick)
            now = loop.time()
            self.advance((now - last) * self.time_scale)
            last = now
            if next_push is not None and now >= next_push:
                next_push = now + (self.push_interval or 0.0)
                # DeviceLink.push_status reports "not connected" (broker down on
                # purpose) by returning False; it does not raise.
                await self.push_status()
