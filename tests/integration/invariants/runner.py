"""Run one scenario end to end: Home Assistant, the integration, the realistic simulator.

User commands are actions called in the background (they overlap one another
and the faults); a lasting fault (outage, stall, slow or lost replies) ends by
itself after its seconds while later steps go on. At the end every fault is
healed and the heater, the session and the actions are given time to settle
before the checks read what happened.
"""

import asyncio
from contextlib import suppress
from dataclasses import dataclass, field
import json
import time
from typing import TYPE_CHECKING, Any

from homeassistant.components.water_heater.const import (
    DOMAIN as WATER_HEATER_DOMAIN,
    SERVICE_SET_OPERATION_MODE,
    SERVICE_SET_TEMPERATURE,
)
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID, SERVICE_TURN_OFF, SERVICE_TURN_ON
from homeassistant.helpers import device_registry as dr, entity_registry as er

from custom_components.navien_nwp500.const import DOMAIN
from custom_components.navien_nwp500.navilink.session import SessionState
from navilink_sim.heater_codes import DHW_MODE, DHW_TEMPERATURE
from navilink_sim.layered_tank import HALF
from tests.integration.conftest import DEMO_MAC
from tests.integration.helpers import find_entity_id, get_entity_id, wait_for
from tests.integration.invariants import checks
from tests.integration.invariants.observer import (
    ACTION,
    ActionRecord,
    HotWaterSample,
    Observer,
)
from tests.integration.invariants.timings import ACTION_BOUND, MAX_AGE, PATIENCE, SLACK

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine

    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.navien_nwp500.hot_water_draws import ColdWater
    from navilink_sim.heater import SimulatedHeater
    from navilink_sim.simulator import NaviLinkSimulator

    from .scenario import Step

SETTLE_WITHIN = MAX_AGE + PATIENCE + 30.0
OFFLINE_ACTION = checks.OFFLINE_ACTION


async def until(predicate: Callable[[], bool], within: float) -> None:
    """Wait until ``predicate()`` holds, while the actions under way go on.

    Unlike ``wait_for`` this never waits for Home Assistant's tasks to finish
    (the background actions among them): a step must not wait for them.
    """
    async with asyncio.timeout(within):
        while True:
            if predicate():
                return
            await asyncio.sleep(0.02)


def _history_known(cold_water: ColdWater | None) -> bool:
    """Whether the integration knows all the cold water its heater took in."""
    return cold_water is not None and cold_water.known


def _pushed_status(
    published: list[tuple[str, bytes]], push_topic: str
) -> dict[str, Any] | None:
    """Return the status of the push among ``published`` (None: none intact).

    A late reply can be published between the push and the moment it is read.
    """
    for topic, data in published:
        if topic != push_topic:
            continue
        with suppress(ValueError, KeyError, TypeError):
            status: dict[str, Any] = json.loads(data)["response"]["status"]
            return status
    return None


def registry_snapshot(hass: HomeAssistant, entry_id: str) -> tuple[set[str], set[str]]:
    """Return the entity IDs and device IDs the entry has now."""
    entities = er.async_entries_for_config_entry(er.async_get(hass), entry_id)
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry_id)
    return {e.entity_id for e in entities}, {d.id for d in devices}


@dataclass
class ScenarioRun:
    """One scenario against one entry and one simulator."""

    hass: HomeAssistant
    simulator: NaviLinkSimulator
    entry: MockConfigEntry
    observer: Observer
    _faults: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    _kept: tuple[set[str], set[str]] = field(default_factory=lambda: (set(), set()))
    _removed: list[str] = field(default_factory=list)
    _known: list[str] = field(default_factory=list)
    _actions: list[asyncio.Task[None]] = field(default_factory=list)
    phases: dict[str, float] = field(default_factory=dict)
    """Seconds the steps and the settling took."""

    @property
    def heater(self) -> SimulatedHeater:
        """The simulated demo heater."""
        return self.simulator.heaters[DEMO_MAC.lower()]

    @property
    def water_heater(self) -> str:
        """The water heater entity's ID."""
        return get_entity_id(self.hass, WATER_HEATER_DOMAIN, "water_heater")

    def _connected(self) -> bool:
        if self.entry.state is not ConfigEntryState.LOADED:
            return False
        session = self.entry.runtime_data.session
        return session is not None and session.state is SessionState.CONNECTED

    # ------------------------------------------------------------ steps

    async def run(self, steps: list[Step]) -> list[str]:
        """Play `steps`, settle, and return every violation found."""
        self._kept = registry_snapshot(self.hass, self.entry.entry_id)
        began = time.monotonic()
        lag = asyncio.create_task(self.observer.lag.run())
        try:
            for step in steps:
                await self._step(step)
                await asyncio.sleep(0.05)
            self.phases["steps"] = time.monotonic() - began
            await self._settle()
        finally:
            lag.cancel()
        self.phases["settle"] = time.monotonic() - began - self.phases["steps"]
        self.phases["starved"] = self.observer.lag.total()
        self._check_kept("at the end")
        return [
            *checks.check_outcomes(
                self.observer, self.heater, MAX_AGE, SLACK, self._known
            ),
            *checks.check_events(self.observer),
            *checks.check_too_old_offline(self.observer),
            *checks.check_actions(self.observer, ACTION_BOUND, SLACK),
            *checks.check_fresh(self.observer),
            *self._removed,
            *checks.check_hot_water(self.observer, unseen=False),
        ]

    def pending(self) -> list[str]:
        """Return the known violations left open (`check_outcomes`, `check_hot_water`)."""
        return [*self._known, *checks.check_hot_water(self.observer, unseen=True)]

    async def _step(self, step: Step) -> None:
        args = step.args
        match step.kind:
            case "set_temperature":
                celsius = args["celsius"]
                if celsius * 2 == self.heater.setpoint:
                    celsius = celsius + 1 if celsius < 65 else celsius - 1
                self._action(
                    "set_temperature",
                    WATER_HEATER_DOMAIN,
                    SERVICE_SET_TEMPERATURE,
                    {"temperature": celsius},
                )
            case "set_mode":
                self._action(
                    f"set_mode {args['mode']}",
                    WATER_HEATER_DOMAIN,
                    SERVICE_SET_OPERATION_MODE,
                    {"operation_mode": args["mode"]},
                )
            case "power":
                service = SERVICE_TURN_ON if args["on"] else SERVICE_TURN_OFF
                self._action(service, WATER_HEATER_DOMAIN, service, {})
            case "vacation":
                self._action("set_vacation", DOMAIN, "set_vacation", args)
            case "anti_legionella":
                if args["on"]:
                    self._action(
                        "enable_anti_legionella",
                        DOMAIN,
                        "enable_anti_legionella",
                        {"period_days": args["period"]},
                    )
                else:
                    self._action(
                        "disable_anti_legionella", DOMAIN, "disable_anti_legionella", {}
                    )
            case "drop":
                self.simulator.faults.drop_all()
            case "outage":
                self.simulator.faults.refuse_for(args["seconds"])
                self.simulator.faults.drop_all()
            case "long_outage":
                await self._long_outage(args)
            case "stall":
                self._fault("stall", self._stall(args))
            case "slow_replies":
                self._fault("slow", self._slow(args))
            case "lose_acks":
                self._fault("lose", self._lose(args))
            case "app_control":
                await self._app_control(args)
            case "restart":
                await self._restart(hiccup=args["hiccup"])
            case "time_passes":
                await self._time_passes(args)

    async def _long_outage(self, args: dict[str, Any]) -> None:
        """Give a command during an outage longer than its wait: it must get too old.

        The command is given as soon as the link is seen lost (the actions
        under way go on), and the outage lasts past its deadline from then.
        """
        faults = self.simulator.faults
        outage = MAX_AGE + args["extra"]
        faults.refuse_for(outage)
        faults.drop_all()
        with suppress(TimeoutError):
            await until(lambda: not self._connected(), within=5.0)
        offline = not self._connected()
        faults.refuse_for(outage)
        self._action(
            OFFLINE_ACTION if offline else "set_temperature as the link went",
            WATER_HEATER_DOMAIN,
            SERVICE_SET_TEMPERATURE,
            {"temperature": args["celsius"]},
        )
        await asyncio.sleep(outage)

    def _loaded(self) -> bool:
        return self.entry.state is ConfigEntryState.LOADED

    def _action(
        self, name: str, domain: str, service: str, data: dict[str, Any]
    ) -> None:
        """Call an action in the background, as a user or automation would."""
        entity_id = find_entity_id(self.hass, WATER_HEATER_DOMAIN, "water_heater")
        if self.entry.state is not ConfigEntryState.LOADED or entity_id is None:
            self.observer.notes.append(
                f"{name} skipped: {self.entry.state} {entity_id}"
            )
            return
        record = ActionRecord(name, time.monotonic())
        self.observer.actions.append(record)
        call = {ATTR_ENTITY_ID: entity_id, **data}

        async def act() -> None:
            ACTION.set(name)
            try:
                await self.hass.services.async_call(
                    domain, service, call, blocking=True
                )
            except Exception as err:  # noqa: BLE001 (each error is a recorded result)
                record.error = f"{type(err).__name__}: {err}"
            finally:
                record.ended = time.monotonic()

        self._actions.append(self.hass.async_create_task(act()))

    def _fault(self, name: str, work: Coroutine[Any, Any, None]) -> None:
        """Start a lasting fault (it ends itself) unless one of its kind is under way."""
        running = self._faults.get(name)
        if running is not None and not running.done():
            work.close()
            return
        self._faults[name] = asyncio.create_task(work)

    async def _stall(self, args: dict[str, Any]) -> None:
        faults = self.simulator.faults
        faults.stall()
        try:
            await asyncio.sleep(args["seconds"])
        finally:
            faults.unstall(lose_held=args["lose_held"])

    async def _slow(self, args: dict[str, Any]) -> None:
        self.simulator.faults.reply_delay(args["delay"])
        try:
            await asyncio.sleep(args["seconds"])
        finally:
            self.simulator.faults.reply_delay(0.0)

    async def _lose(self, args: dict[str, Any]) -> None:
        self.simulator.faults.drop_replies(True)
        try:
            await asyncio.sleep(args["seconds"])
        finally:
            self.simulator.faults.drop_replies(False)

    async def _app_control(self, args: dict[str, Any]) -> None:
        """Change the set-point or the mode from the household's phone."""
        app = self.simulator.chatty_app
        if app is None:
            return
        with suppress(Exception):
            if args["mode"] % 2:
                await app.control(
                    DEMO_MAC, DHW_TEMPERATURE, "dhw-temperature", [args["setpoint"]]
                )
            else:
                await app.control(DEMO_MAC, DHW_MODE, "dhw-mode", [args["mode"]])

    async def _restart(self, *, hiccup: bool) -> None:
        """Reload the entry (a Home Assistant restart), maybe over a device-list hiccup."""
        rest = self.simulator.rest_faults
        usual = rest.list_hiccup
        if hiccup:
            rest.list_hiccup = 1.0
        self.observer.outages.append(time.monotonic())
        try:
            await self.hass.config_entries.async_reload(self.entry.entry_id)
        finally:
            rest.list_hiccup = usual
        for _ in range(3):
            if self.entry.state is ConfigEntryState.LOADED:
                break
            self.observer.notes.append(f"reload ended {self.entry.state}; again")
            await self.hass.config_entries.async_reload(self.entry.entry_id)
        self._check_kept(f"after a restart{' over a hiccup' if hiccup else ''}")

    def _check_kept(self, when: str) -> None:
        """Record any entity or device of the entry that is gone."""
        entities, devices = registry_snapshot(self.hass, self.entry.entry_id)
        for gone in (
            *checks.check_kept(self._kept[0], entities, "entities"),
            *checks.check_kept(self._kept[1], devices, "devices"),
        ):
            self._removed.append(f"{gone} ({when})")

    async def _time_passes(self, args: dict[str, Any]) -> None:
        """Let the heater live (draws, heating), then compare hot water with the tank."""
        if args["draw_lpm"]:
            self.heater.start_draw(args["draw_lpm"], args["draw_minutes"] * 60)
        if self.heater.counts_litres:
            self.simulator.advance(args["simulated"])
        else:
            await self._advance_pushing_taps(args["simulated"])
        await asyncio.sleep(args["seconds"])
        if self._connected() and not any(not t.done() for t in self._faults.values()):
            await self._sample_hot_water()

    async def _advance_pushing_taps(self, seconds: float) -> None:
        """Advance a heater without a litre count, pushing a status as a tap opens and closes.

        Such a heater (§17.1) tells its draws only by ``currentDhwFlowRate``;
        a status as the flow starts and one as it stops give the integration
        the flow and how long it ran.
        """
        tank = self.heater.tank
        if tank.draw_left > 0:
            await self._push_status()
        if 0 < tank.draw_left < seconds:
            ran = tank.draw_left
            self.simulator.advance(ran)
            await self._push_status()
            seconds -= ran
        self.simulator.advance(seconds)

    async def _push_status(self) -> bool:
        """Push a status; return whether Home Assistant's coordinator took it."""
        coordinator = self.entry.runtime_data
        link = self.simulator.device_links[DEMO_MAC.lower()]
        sent = len(link.published)
        if not self._connected() or not await link.push_status():
            return False
        device = self.heater.device
        push_topic = f"cmd/{device.device_type}/navilink-{device.mac}/res"
        pushed = _pushed_status(link.published[sent:], push_topic)
        if pushed is None:
            return False  # broken by a fault: the push proves nothing
        try:
            await until(
                lambda: coordinator.last_raw_status.get(DEMO_MAC) == pushed,
                within=5.0,
            )
        except TimeoutError:
            return False  # a fault came between: the push was lost
        return True

    async def _sample_hot_water(self) -> None:
        """Push a status; once Home Assistant shows it, read both figures."""
        entity_id = find_entity_id(self.hass, "sensor", "hot_water_available")
        if entity_id is None:
            self.observer.notes.append("no hot water sensor")
            return
        coordinator = self.entry.runtime_data
        if not await self._push_status():
            return
        state = self.hass.states.get(entity_id)
        if state is None or state.state in ("unavailable", "unknown"):
            return
        tank = self.heater.tank
        layers = getattr(tank, "layers", [])
        unseen = [abs(t - tank.lower) for t in layers[:HALF]]
        unseen += [abs(t - tank.upper) for t in layers[HALF:]]
        self.observer.hot_water.append(
            HotWaterSample(
                float(state.state),
                self.heater.hot_water_litres(),
                tank.upper,
                tank.lower,
                max(unseen, default=0.0),
                _history_known(coordinator.tanks.get(DEMO_MAC)),
            )
        )

    # ------------------------------------------------------------ settling

    async def _settle(self) -> None:
        """Heal every fault, then wait for every outcome and every pending apply."""
        for task in self._faults.values():
            task.cancel()
        await asyncio.gather(*self._faults.values(), return_exceptions=True)
        faults = self.simulator.faults
        faults.reset()
        faults.drop_replies(False)
        faults.reply_delay(0.0)
        if self.simulator.chatty_app is not None:
            await self.simulator.chatty_app.stop()
        if self.entry.state is not ConfigEntryState.LOADED:
            await self._restart(hiccup=False)
        await asyncio.gather(*self._actions, return_exceptions=True)
        link = self.simulator.device_links[DEMO_MAC.lower()]
        try:
            await wait_for(
                self.hass,
                lambda: (
                    self._connected()
                    and link.idle
                    and all(r.outcomes for r in self.observer.given())
                ),
                within=SETTLE_WITHIN,
            )
        except TimeoutError:
            self.observer.notes.append("did not settle")
        await self._sample_hot_water()
