"""A simulated NWP500: answers NaviLink MQTT requests in the wire format of protocol.md.

It is written from the protocol notes alone (it never imports the client), so tests
that drive our client against it check the client independently. No I/O happens
here: `DeviceLink` moves the messages, and `advance` moves simulated time.

The command codes and request checks are in `navilink_sim.heater_codes`, the
settings and the controls that change them in `navilink_sim.heater_controls`, the
reply payloads in `navilink_sim.heater_wire`, the energy counters in
`navilink_sim.meter`. This module adds time, the programmes that run on the
settings (vacation, disinfection) and the dispatch of requests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
import copy
from datetime import UTC, date, datetime, timedelta
import logging
import random
from typing import TYPE_CHECKING, Any

from navilink_sim import heater_wire as wire
from navilink_sim.heater_codes import PUSH, STATUS, publishable
from navilink_sim.heater_controls import HeaterControls
from navilink_sim.layered_tank import make_tank
from navilink_sim.meter import Meter
from navilink_sim.profile import IDEAL, HeaterProfile
from navilink_sim.tank import ELECTRIC, INLET_C, POWER_OFF, VACATION, Tank

if TYPE_CHECKING:
    from navilink_sim.accounts import SimDevice
    from navilink_sim.heater_wire import Reply

_LOGGER = logging.getLogger(__name__)


DISINFECT_C = 65.0
STEP_S = 10.0
DAY_S = 86400.0
DEVICE_CLOCK_START = datetime(2026, 11, 1, tzinfo=UTC)
"""The device clock at time 0 unless told otherwise: fixed, so tests repeat."""


class SimulatedHeater(HeaterControls):
    """
    One NWP500 behind the NaviLink cloud.

    Replies go to the request's `responseTopic`. Unsolicited snapshots from
    `status_push` go to `cmd/{dt}/navilink-{mac}/res`, which the client's device
    subscription `cmd/{dt}/navilink-{mac}/#` catches. `received` lists every request
    addressed to this heater in arrival order, refused and invalid ones included.
    """

    def __init__(
        self,
        device: SimDevice,
        *,
        seed: int = 0,
        min_control_interval: float = 0.0,
        draw_interval: float | None = 10800.0,
        start: datetime = DEVICE_CLOCK_START,
        clock: Callable[[], float] | None = None,
        history_days: int | None = None,
        profile: HeaterProfile = IDEAL,
    ) -> None:
        """
        Create a heater in Energy Saver at 60 °C with a nearly full tank.

        `min_control_interval` paces mode/temperature/power controls (0 = off);
        `draw_interval` is the mean gap in seconds between random hot-water draws
        (None = only `start_draw`); `start` is the device clock at time 0; `clock`
        measures control pacing (default: the simulated time moved by `advance`);
        `history_days` is how long it was installed before `start` (default: the
        profile's), each of those days with energy history (`navilink_sim.history`,
        counted in `navilink_sim.meter`). `profile` picks the tank model and the
        device clock's offset from UTC (`navilink_sim.profile`).
        """
        tank = make_tank(random.Random(seed), draw_interval, device, profile)
        self._elapsed = 0.0
        super().__init__(tank, clock or (lambda: self._elapsed), min_control_interval)
        self.device = device
        self.received: list[dict[str, Any]] = []
        self.counts_litres = profile.counts_litres
        """Whether status counts the litres drawn (§17.1: some units send 0)."""
        # The device's wall clock: its days close on its own midnight (§10).
        self._start = start + timedelta(hours=profile.clock_offset_hours)
        self._unstepped = 0.0
        self._base = f"cmd/{device.device_type}/navilink-{device.mac}"
        self._push_count = 0
        self._last_command = STATUS
        self._since_disinfect_s = 0.0
        self._disinfecting = False
        self._meter = Meter(
            self._start.date(),
            seed,
            profile.installed_days if history_days is None else history_days,
            omit_before_install=profile.omit_months_before_install,
        )

    # -- time -----------------------------------------------------------------

    def start_draw(self, flow_lpm: float, seconds: float) -> None:
        """Open a hot-water tap for `seconds` at `flow_lpm` litres per minute."""
        self._tank.start_draw(flow_lpm, seconds)
        self._meter.count_draw(seconds)

    def advance(self, seconds: float) -> None:
        """Let `seconds` of device time pass, in fixed 10 s physics steps."""
        self._elapsed += seconds
        self._unstepped += seconds
        while self._unstepped >= STEP_S:
            self._unstepped -= STEP_S
            self._step(self._start + timedelta(seconds=self._elapsed - self._unstepped))

    def _step(self, now: datetime) -> None:
        if self.mode == VACATION:
            self._vacation_s += STEP_S
            if self._vacation_s >= self.vacation_days * DAY_S:
                _LOGGER.debug("vacation over; back to mode %s", self._mode_before_off)
                self.mode = self._mode_before_off
                self._vacation_s = 0.0
        in_service = self.mode not in (VACATION, POWER_OFF)
        if self.anti_legionella and in_service:
            self._since_disinfect_s += STEP_S
            if self._since_disinfect_s >= self.anti_legionella_period * DAY_S:
                self._disinfecting = True
                self._since_disinfect_s = 0.0
        if self._disinfecting and not in_service:
            self._disinfecting = False
        tank = self._tank
        before = (tank.compressor, tank.upper_element or tank.lower_element)
        drawing = tank.draw_left > 0
        if self._disinfecting:
            used = self._tank.step(STEP_S, ELECTRIC, DISINFECT_C)
            self._disinfecting = self._tank.heating
        else:
            used = self._tank.step(STEP_S, self.mode, self.setpoint / 2)
        self._meter.record(now.date(), tank, used, before=before, drawing=drawing)

    def daily_wh(self, day: date) -> tuple[int, int]:
        """Return the heat pump's and the elements' Wh of `day`, as the energy query reports them."""
        return self._meter.daily_wh(day)

    @property
    def heating(self) -> bool:
        """Whether a heat source runs now (validation hook for recovery timing)."""
        return self._tank.heating

    def hot_water_litres(self, mix_c: float = 40.0, cold_c: float = INLET_C) -> float:
        """Return the tank model's litres of `mix_c` water with `cold_c` cold water (ground truth)."""
        return self._tank.hot_water_litres(mix_c, cold_c)

    @property
    def tank(self) -> Tank:
        """The tank model (tests set its temperatures to build a case)."""
        return self._tank

    def reset_energy_counter(self) -> None:
        """Zero the lifetime energy totals, as a device counter reset does (daily history stays)."""
        self._meter.reset_lifetime()

    # -- wire dicts -------------------------------------------------------------

    @property
    def feature(self) -> dict[str, Any]:
        """The device-info (`response.feature`) dict."""
        return wire.feature(self.device)

    @property
    def status(self) -> dict[str, Any]:
        """The current `response.status` dict; `command` is the last snapshot's code."""
        return self._status(self._last_command)

    def _status(self, command: int) -> dict[str, Any]:
        controls = wire.Controls(
            mode=self.mode,
            setpoint=self.setpoint,
            target_c=DISINFECT_C if self._disinfecting else self.setpoint / 2,
            disinfecting=self._disinfecting,
            vacation_days=self.vacation_days,
            vacation_days_elapsed=int(self._vacation_s // DAY_S),
            anti_legionella=self.anti_legionella,
            anti_legionella_period=self.anti_legionella_period,
            air_filter_period=self.air_filter_period,
            reservation_use=self.reservation_use,
            dr=self.dr,
            tou=self.tou,
        )
        status = wire.status(self._tank, controls, command)
        if not self.counts_litres:
            status["cumulatedDhwFlowRate"] = 0
        return status

    @property
    def diagnostics(self) -> dict[str, Any]:
        """The diagnostics (`response.data` of `st/td/rd`, §17.6), consistent with the energy totals."""
        return self._meter.diagnostics(int(self._elapsed // DAY_S))

    def status_push(self) -> tuple[str, dict[str, Any]]:
        """Build an unsolicited snapshot (command 67108883) for `cmd/{dt}/navilink-{mac}/res`."""
        topic = f"{self._base}/res"
        session = str(self._push_count % 10)
        self._push_count += 1
        self._last_command = PUSH
        origin = {
            "clientID": f"navilink-{self.device.mac}",
            "sessionID": session,
            "requestTopic": topic,
        }
        return topic, wire.envelope(self.device, origin, {"status": self._status(PUSH)})

    # -- requests ---------------------------------------------------------------

    def handle(self, topic: str, payload: Mapping[str, Any]) -> list[Reply]:
        """Take one published message; return what the device publishes in answer."""
        request = payload.get("request") if isinstance(payload, Mapping) else None
        if not isinstance(request, Mapping) or not topic.startswith(self._base + "/"):
            return []
        command = request.get("command")
        if (
            request.get("macAddress") != self.device.mac
            or not isinstance(command, int)
            or not isinstance(payload.get("clientID"), str)
        ):
            _LOGGER.debug("ignored request on %s: %s", topic, payload)
            return []
        self.received.append(copy.deepcopy(dict(payload)))
        suffix = topic.removeprefix(self._base + "/")
        request_topic = payload.get("requestTopic")
        origin = {
            "clientID": payload["clientID"],
            "sessionID": payload.get("sessionID", ""),
            "requestTopic": request_topic if isinstance(request_topic, str) else topic,
        }
        response_topic = payload.get("responseTopic")
        if not isinstance(response_topic, str) or not publishable(response_topic):
            response_topic = f"{self._base}/{origin['clientID']}/res"
        match suffix, command:
            case "st", 16777219:
                return self._snapshot(origin, response_topic, STATUS)
            case "st/did", 16777217:
                return self._reply(origin, response_topic, {"feature": self.feature})
            case "st/rsv/rd", 16777222:
                return self._reservation_reply(origin, response_topic)
            case "ctrl/rsv/rd", 16777226:
                self._write_reservations(origin, request)
                return self._reservation_reply(origin, response_topic)
            case "st/energy-usage-daily-query/rd", 16777225:
                daily = self._meter.energy_daily_request(request)
                return self._reply(origin, response_topic, daily)
            case "st/energy-usage-monthly-query/rd", 16777226:
                monthly = self._meter.energy_monthly_request(request)
                return self._reply(origin, response_topic, monthly)
            case "st/td/rd", 16777228:
                # Like the real heater (protocol.md §17.4), the JSON reply goes only
                # to the five-segment reply form, whatever responseTopic says.
                home_reply = (
                    f"cmd/{self.device.device_type}/{self.device.home_seq}/0/"
                    f"{origin['clientID']}/res/td/rd"
                )
                diagnostics = {"typeOfTD": 2, "data": self.diagnostics}
                return [(home_reply, wire.envelope(self.device, origin, diagnostics))]
            case "ctrl", _ if self._refuses(origin["clientID"], command):
                return [
                    (f"{self._base}/res/ctrl-fail", wire.ctrl_fail(self.device, origin))
                ]
            case "ctrl", _ if self._control(origin, command, request.get("param")):
                return self._snapshot(origin, response_topic, command)
        _LOGGER.debug("unsupported command %s on %s", command, topic)
        return []

    def _snapshot(
        self, origin: Mapping[str, Any], topic: str, command: int
    ) -> list[Reply]:
        self._last_command = command
        return self._reply(origin, topic, {"status": self._status(command)})

    # -- replies ----------------------------------------------------------------

    def _reservation_reply(self, origin: Mapping[str, Any], topic: str) -> list[Reply]:
        return wire.reservation_replies(
            self.device,
            origin,
            topic,
            use=self.reservation_use,
            reservations=self.reservations,
        )

    def _reply(
        self, origin: Mapping[str, Any], topic: str, body: dict[str, Any] | None
    ) -> list[Reply]:
        """Answer with `body`, or stay silent without one (a request the device ignores)."""
        return (
            [] if body is None else [(topic, wire.envelope(self.device, origin, body))]
        )
