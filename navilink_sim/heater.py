"""A simulated NWP500: answers NaviLink MQTT requests in the wire format of protocol.md.

It is written from the protocol notes alone (it never imports the client), so tests
that drive our client against it check the client independently. No I/O happens
here: `DeviceLink` moves the messages, and `advance` moves simulated time.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Mapping
import copy
from datetime import UTC, date, datetime, timedelta
import logging
import random
from typing import TYPE_CHECKING, Any

from navilink_sim.history import year_before
from navilink_sim.tank import (
    AMBIENT_C,
    ELECTRIC,
    ENERGY_SAVER,
    HIGH_DEMAND,
    INLET_C,
    POWER_OFF,
    VACATION,
    Tank,
)

if TYPE_CHECKING:
    from navilink_sim.accounts import SimDevice

_LOGGER = logging.getLogger(__name__)

DEVICE_INFO = 16777217
STATUS = 16777219
RESERVATION_READ = 16777222
ENERGY_DAILY = 16777225
RESERVATION_WRITE = 16777226  # also the monthly energy query, on another topic
DIAGNOSTICS = 16777228
POWER_OFF_CMD = 33554433
POWER_ON_CMD = 33554434
DHW_MODE = 33554437
DHW_TEMPERATURE = 33554464
GOOUT_DAY = 33554466
DR_OFF = 33554469
DR_ON = 33554470
ANTI_LEG_OFF = 33554471
ANTI_LEG_ON = 33554472
AIR_FILTER_RESET = 33554473
AIR_FILTER_LIFE = 33554474
TOU_OFF = 33554475
TOU_ON = 33554476
PUSH = 67108883
PACED = frozenset({POWER_OFF_CMD, POWER_ON_CMD, DHW_MODE, DHW_TEMPERATURE})

TEMP_MIN = 81  # half-°C, 40.5 °C
TEMP_MAX = 131  # half-°C, 65.5 °C
DISINFECT_C = 65.0
STEP_S = 10.0
DAY_S = 86400.0
FAIL_TOO_SOON = 2
SW_VERSION = 0x0A010000
RESERVATION_KEYS = ("enable", "week", "hour", "min", "mode", "param")
HISTORY_DAYS = 400  # installed this long before `start`: a full year of daily history
DEVICE_CLOCK_START = datetime(2026, 11, 1, tzinfo=UTC)
"""The device clock at time 0 unless told otherwise: fixed, so tests repeat."""
LONG_DRAW_S = 300.0


def _flag(value: bool) -> int:
    """Encode a boolean as the device's 1 (off) / 2 (on) flag."""
    return 2 if value else 1


def _ints(value: Any) -> list[int] | None:
    """Return `value` as a list of ints, or None when it is anything else."""
    if isinstance(value, list) and all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        return value
    return None


def _entry(raw: Any) -> dict[str, int] | None:
    """Check one reservation entry (§11.1, §17.1); None when the device refuses it."""
    if not isinstance(raw, Mapping):
        return None
    entry: dict[str, Any] = {key: raw.get(key) for key in RESERVATION_KEYS}
    temperature = entry["mode"] in {1, 2, 3, 4}
    limits = {
        "enable": (1, 2),
        "week": (0, 254),
        "hour": (0, 23),
        "min": (0, 59),
        "mode": (0, 5),
        "param": (TEMP_MIN, TEMP_MAX) if temperature else (0, 255),
    }
    if any(
        type(entry[key]) is not int or not low <= entry[key] <= high
        for key, (low, high) in limits.items()
    ):
        return None
    return entry


def _publishable(topic: str) -> bool:
    """Whether `topic` is a valid MQTT publish topic."""
    return bool(topic) and "#" not in topic and "+" not in topic


class SimulatedHeater:
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
        history_days: int = HISTORY_DAYS,
    ) -> None:
        """
        Create a heater in Energy Saver at 60 °C with a nearly full tank.

        `min_control_interval` paces mode/temperature/power controls (0 = off);
        `draw_interval` is the mean gap in seconds between random hot-water draws
        (None = only `start_draw`); `start` is the device clock at time 0; `clock`
        measures control pacing (default: the simulated time moved by `advance`);
        `history_days` is how long it was installed before `start`, each of those
        days with energy history (`navilink_sim.history`).
        """
        self.device = device
        self.received: list[dict[str, Any]] = []
        self.min_control_interval = min_control_interval
        self.refuse_clients: set[str] = set()
        """Client IDs whose every control this heater refuses (``ctrl-fail``)."""
        self._rng = random.Random(seed)
        self._tank = Tank(self._rng, draw_interval=draw_interval)
        self._start = start
        self._elapsed = 0.0
        self._unstepped = 0.0
        self._clock = clock or (lambda: self._elapsed)
        self._last_paced: float | None = None
        self._base = f"cmd/{device.device_type}/navilink-{device.mac}"
        self._push_count = 0
        self._last_command = STATUS
        self.mode = ENERGY_SAVER
        self._mode_before_off = ENERGY_SAVER
        self.setpoint = 120
        self.vacation_days = 0
        self._vacation_s = 0.0
        self.anti_legionella = True
        self.anti_legionella_period = 7
        self._since_disinfect_s = 0.0
        self._disinfecting = False
        self.tou = False
        self.dr = False
        self.air_filter_period = 1000
        self.reservation_use = 1
        self.reservations: list[dict[str, int]] = []
        history = year_before(start.date(), seed, history_days)
        self._days: dict[date, list[float]] = {
            day: usage.counters() for day, usage in history.items()
        }
        self._lifetime = [
            sum(values) for values in zip(*self._days.values(), strict=True)
        ] or [0.0, 0.0, 0.0, 0.0]
        self._installed_days = history_days
        self.compressor_starts = sum(u.compressor_starts for u in history.values())
        self.element_starts = sum(u.element_starts for u in history.values())
        self.draws = sum(u.draws for u in history.values())
        self.long_draws = sum(u.long_draws for u in history.values())

    # -- time -----------------------------------------------------------------

    def start_draw(self, flow_lpm: float, seconds: float) -> None:
        """Open a hot-water tap for `seconds` at `flow_lpm` litres per minute."""
        self._tank.start_draw(flow_lpm, seconds)
        self.draws += 1
        self.long_draws += seconds >= LONG_DRAW_S

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
        self._count_starts(before, drawing)
        day = self._days.setdefault(now.date(), [0.0, 0.0, 0.0, 0.0])
        for i, value in enumerate((used.hp_wh, used.he_wh, used.hp_s, used.he_s)):
            day[i] += value
            self._lifetime[i] += value

    def _count_starts(self, before: tuple[bool, bool], drawing: bool) -> None:
        """Count compressor and element starts and draws that began in this step."""
        tank = self._tank
        self.compressor_starts += tank.compressor and not before[0]
        self.element_starts += (
            tank.upper_element or tank.lower_element
        ) and not before[1]
        if not drawing and tank.draw_left > 0:
            self.draws += 1
            self.long_draws += tank.draw_left + tank.draw_elapsed >= LONG_DRAW_S

    def daily_wh(self, day: date) -> tuple[int, int]:
        """Return the heat pump's and the elements' Wh of `day`, as the energy query reports them."""
        usage = self._usage(self._days.get(day, [0.0, 0.0, 0.0, 0.0]))
        return usage["hpUsage"], usage["heUsage"]

    @property
    def heating(self) -> bool:
        """Whether a heat source runs now (validation hook for recovery timing)."""
        return self._tank.heating

    def hot_water_litres(self, mix_c: float = 40.0) -> float:
        """Return the tank model's hot water available (validation hook; cold at `INLET_C`)."""
        return self._tank.hot_water_litres(mix_c, INLET_C)

    def reset_energy_counter(self) -> None:
        """Zero the lifetime energy totals, as a device counter reset does (daily history stays)."""
        self._lifetime = [0.0, 0.0, 0.0, 0.0]

    # -- wire dicts -------------------------------------------------------------

    @property
    def feature(self) -> dict[str, Any]:
        """The device-info (`response.feature`) dict."""
        supported = [
            "powerUse",
            "holidayUse",
            "programReservationUse",
            "dhwUse",
            "wifiRssiUse",
            "energyUsageUse",
            "freezeProtectionUse",
            "mixingValueUse",
            "drSettingUse",
            "antiLegionellaSettingUse",
            "hpwhUse",
            "ecoUse",
            "electricUse",
            "heatpumpUse",
            "energySaverUse",
            "highDemandUse",
        ]
        unsupported = [
            "smartDiagnosticUse",
            "dhwRefillUse",
            "recirculationUse",
            "recircReservationUse",
            "title24Use",
        ]
        return {
            "countryCode": 3,
            "modelTypeCode": self.device.model_type_code,
            "controlTypeCode": 100,
            "volumeCode": 2,
            "controllerSwVersion": SW_VERSION,
            "panelSwVersion": 0x04030000,
            "wifiSwVersion": 0x02010000,
            "recircSwVersion": 0,
            "controllerSwCode": 0x02000711,
            "panelSwCode": 0x10000211,
            "wifiSwCode": 0x10000131,
            "recircModelTypeCode": 0,
            "controllerSerialNumber": self.device.controller_serial_number,
            "temperatureType": 2,
            "tempFormulaType": 1,
            "dhwTemperatureMin": TEMP_MIN,
            "dhwTemperatureMax": TEMP_MAX,
            "freezeProtectionTempMin": 12,
            "freezeProtectionTempMax": 20,
            "recircTemperatureMin": 81,
            "recircTemperatureMax": 120,
            "dhwTemperatureSettingUse": 2,
            **dict.fromkeys(supported, 2),
            **dict.fromkeys(unsupported, 1),
        }

    @property
    def status(self) -> dict[str, Any]:
        """The current `response.status` dict; `command` is the last snapshot's code."""
        return self._status(self._last_command)

    def _status(self, command: int) -> dict[str, Any]:
        t = self._tank
        target = DISINFECT_C if self._disinfecting else self.setpoint / 2
        total_wh = t.full_recovery_wh(target)
        needed_wh = t.needed_wh(target)
        charge = 0 if total_wh <= 0 else round(100 * (total_wh - needed_wh) / total_wh)
        element = t.upper_element or t.lower_element
        heat_use = (1 if t.compressor else 0) + (2 if element else 0)
        drawing = t.flow_lpm > 0
        comp = t.compressor
        suction = AMBIENT_C - 4.0 if comp else AMBIENT_C
        evaporator = AMBIENT_C - 8.5 if comp else AMBIENT_C
        mixing = 0
        if drawing and t.upper > 49.0:
            mixing = round(100 * (t.upper - 49.0) / (t.upper - 15.0))
        on = self.setpoint
        return {
            "command": command,
            "temperatureType": 2,
            "tempFormulaType": 1,
            "specialFunctionStatus": 1,
            "errorCode": 0,
            "subErrorCode": 0,
            "minorCode": 0,
            "smartDiagnostic": 0,
            "faultStatus1": 0,
            "faultStatus2": 0,
            "wifiRssi": 60,
            "didReload": 1,
            "operationMode": (32 if comp else 0) + (64 if element else 0),
            "dhwOperationSetting": self.mode,
            "operationBusy": _flag(t.heating),
            "dhwOperationBusy": _flag(t.heating),
            "currentHeatUse": heat_use,
            "compUse": _flag(comp),
            "heatUpperUse": _flag(t.upper_element),
            "heatLowerUse": _flag(t.lower_element),
            "eevUse": _flag(comp),
            "evaFanUse": _flag(comp),
            "eevStep": 180 + round(t.lower) if comp else 28,
            "targetFanRpm": 550 if comp else 0,
            "currentFanRpm": t.fan_rpm,
            "fanPwm": 1300 if comp else 0,
            "currentInstPower": t.power_w,
            "dhwChargePer": max(0, min(100, charge)),
            "totalEnergyCapacity": round(total_wh / 4),
            "availableEnergyCapacity": round(needed_wh / 4),
            "dhwTemperature": round(t.upper * 2),
            "dhwTemperature2": 0,
            "dhwTemperatureSetting": self.setpoint,
            "dhwTargetTemperatureSetting": self.setpoint,
            "tankUpperTemperature": round(t.upper * 10),
            "tankLowerTemperature": round(t.lower * 10),
            "dischargeTemperature": round((t.lower + 22.0 if comp else AMBIENT_C) * 10),
            "suctionTemperature": round(suction * 10),
            "evaporatorTemperature": round(evaporator * 10),
            "ambientTemperature": round(AMBIENT_C * 10),
            "targetSuperHeat": 50,
            "currentSuperHeat": round((suction - evaporator) * 10),
            "outsideTemperature": 0,
            "currentInletTemperature": 0,
            "currentDhwFlowRate": round(t.flow_lpm * 10),
            "cumulatedDhwFlowRate": round(t.litres),
            "mixingRate": mixing,
            "dhwUse": _flag(drawing),
            "dhwUseSustained": _flag(drawing and t.draw_elapsed >= 60),
            "freezeProtectionUse": 2,
            "freezeProtectionTemperature": 12,
            "freezeProtectionTempMin": 12,
            "freezeProtectionTempMax": 20,
            "programReservationUse": self.reservation_use,
            "programReservationType": 0,
            "ecoUse": 2,
            "scaldUse": 2,
            "shutOffValveUse": 1,
            "conOvrSensorUse": 1,
            "wtrOvrSensorUse": 1,
            "errorBuzzerUse": 2,
            "antiLegionellaUse": _flag(self.anti_legionella),
            "antiLegionellaPeriod": self.anti_legionella_period,
            "antiLegionellaOperationBusy": _flag(self._disinfecting),
            "vacationDaySetting": self.vacation_days,
            "vacationDayElapsed": int(self._vacation_s // DAY_S),
            "airFilterAlarmUse": _flag(self.air_filter_period > 0),
            "airFilterAlarmPeriod": self.air_filter_period,
            "airFilterAlarmElapsed": int(t.fan_hours),
            "cumulatedOpTimeEvaFan": int(t.fan_hours),
            "currentStatenum": 20 + 20 * heat_use,
            "drEventStatus": 1 if self.dr else 0,
            "drOverrideStatus": 1,
            "touStatus": 1 if self.tou else 0,
            "touOverrideStatus": 2,
            "hpUpperOnTempSetting": on - 8,
            "hpUpperOffTempSetting": on,
            "hpLowerOnTempSetting": on - 12,
            "hpLowerOffTempSetting": on,
            "heUpperOnTempSetting": on - 8,
            "heUpperOffTempSetting": on,
            "heLowerOnTempSetting": on - 12,
            "heLowerOffTempSetting": on,
            "hpUpperOnDiffTempSetting": 0,
            "hpUpperOffDiffTempSetting": 0,
            "hpLowerOnDiffTempSetting": 0,
            "hpLowerOffDiffTempSetting": 0,
            "heUpperOnDiffTempSetting": 0,
            "heUpperOffDiffTempSetting": 0,
            "heLowerOnTDiffempSetting": 0,
            "heLowerOffDiffTempSetting": 0,
            "heatMinOpTemperature": TEMP_MIN,
            "recircOperationMode": 0,
            "recircPumpOperationStatus": 0,
            "recircHotBtnReady": 0,
            "recircOperationReason": 0,
            "recircErrorStatus": 0,
            "recircOperationBusy": 1,
            "recircReservationUse": 1,
            "recircTempSetting": 0,
            "recircTemperature": 0,
            "recircFaucetTemperature": 0,
            "recircDhwFlowRate": 0,
        }

    @property
    def diagnostics(self) -> dict[str, Any]:
        """The diagnostics (`response.data` of `st/td/rd`, §17.6), consistent with the energy totals."""
        hp_wh, he_wh, hp_s, he_s = self._lifetime
        hp_hours = round(hp_s / 3600)
        return {
            "tsData": {
                "cumulatedPwrHp": round(hp_wh),
                "cumulatedPwrHe": round(he_wh),
                "daysSinceInstallation": self._installed_days
                + int(self._elapsed // DAY_S),
                "cumulatedOccNumEco": 0,
                "cumulatedOccNumDryFire": 0,
                "numOffRostProtectBurn": 2,
                "cumulatedOccNumConOvrFlow": 1,
                "cumulatedOccNumWtrOvrFlow": 0,
                "cumulatedOpTimeDrShed": 0,
                "cumulatedOpTimeDrLoadUp": 0,
                "cumulatedOpTimeDrAdvLoadUp": 0,
                "cumulatedOpTimeDrCpp": 0,
                "cumulatedOpTimeDrGridEmg": 0,
                "cumulatedOccNumAbDisTmp": 0,
                "cumulatedOccNumHpo": 0,
                "cumulatedOccNumAbSucTmp": 0,
                "cumulatedOccNumAbDisSucTmp": 0,
            },
            "tcData": {},
            "tdData": {
                "numOfdhwUse": self.draws,
                "numOfLongDhwUse": self.long_draws,
                "numOfShortDhwUse": self.draws - self.long_draws,
                "dhwUseTotalFlow": 0,
                "dhwUseTotalTime": 0,
                "longDhwUseTotalFlow": 0,
                "longDhwUseTotalTime": 0,
                "avrageRecoveryTime": 0,
            },
            "taData": {
                "cumulatedOpTimeComp": hp_hours,
                "cumulatedOpNumComp": self.compressor_starts,
                "cumulatedOpTimeEvaFan": hp_hours,
                "cumulatedOpNumEvaFan": self.compressor_starts,
                "cumulatedOpTimeUhe": round(he_s / 3600),
                "cumulatedOpNumUhe": self.element_starts,
                "cumulatedOpTimeLhe": 0,
                "cumulatedOpNumLhe": 0,
                "cumulatedOpStepEev": 0,
                "cumulatedOpNumShutOffVv": 0,
                "mixingValveOpTotalStep": 0,
                "mixingValveOpAvgMixinGrate": 0,
            },
        }

    def _envelope(
        self, origin: Mapping[str, Any], body: dict[str, Any]
    ) -> dict[str, Any]:
        """Wrap `body` as a reply to `origin` (clientID, sessionID, requestTopic)."""
        return {
            "clientID": origin["clientID"],
            "sessionID": origin["sessionID"],
            "protocolVersion": 2,
            "requestTopic": origin["requestTopic"],
            "response": {
                "deviceType": self.device.device_type,
                "macAddress": self.device.mac,
                "additionalValue": self.device.additional_value,
                **body,
            },
        }

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
        return topic, self._envelope(origin, {"status": self._status(PUSH)})

    # -- requests ---------------------------------------------------------------

    def handle(
        self, topic: str, payload: Mapping[str, Any]
    ) -> list[tuple[str, dict[str, Any]]]:
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
        if not isinstance(response_topic, str) or not _publishable(response_topic):
            response_topic = f"{self._base}/{origin['clientID']}/res"
        match suffix, command:
            case "st", 16777219:
                return self._snapshot(origin, response_topic, STATUS)
            case "st/did", 16777217:
                body = {"feature": self.feature}
                return [(response_topic, self._envelope(origin, body))]
            case "st/rsv/rd", 16777222:
                return self._reservation_reply(origin, response_topic)
            case "ctrl/rsv/rd", 16777226:
                self._write_reservations(request)
                return self._reservation_reply(origin, response_topic)
            case "st/energy-usage-daily-query/rd", 16777225:
                return self._energy_daily(origin, response_topic, request)
            case "st/energy-usage-monthly-query/rd", 16777226:
                return self._energy_monthly(origin, response_topic, request)
            case "st/td/rd", 16777228:
                # Like the real heater (protocol.md §17.4), the JSON reply goes only
                # to the five-segment reply form, whatever responseTopic says.
                home_reply = (
                    f"cmd/{self.device.device_type}/{self.device.home_seq}/0/"
                    f"{origin['clientID']}/res/td/rd"
                )
                diagnostics = {"typeOfTD": 2, "data": self.diagnostics}
                return [(home_reply, self._envelope(origin, diagnostics))]
            case "ctrl", _ if origin["clientID"] in self.refuse_clients or (
                command in PACED and self._too_soon()
            ):
                return [(f"{self._base}/res/ctrl-fail", self._ctrl_fail(origin))]
            case "ctrl", _ if self._control(command, request.get("param")):
                return self._snapshot(origin, response_topic, command)
        _LOGGER.debug("unsupported command %s on %s", command, topic)
        return []

    def _snapshot(
        self, origin: Mapping[str, Any], topic: str, command: int
    ) -> list[tuple[str, dict[str, Any]]]:
        self._last_command = command
        return [(topic, self._envelope(origin, {"status": self._status(command)}))]

    def _too_soon(self) -> bool:
        if self.min_control_interval <= 0 or self._last_paced is None:
            return False
        return self._clock() - self._last_paced < self.min_control_interval

    def _ctrl_fail(self, origin: Mapping[str, Any]) -> dict[str, Any]:
        body = self._envelope(origin, {"failCode": FAIL_TOO_SOON})
        body["response"]["swVersion"] = SW_VERSION
        return body

    def _control(self, command: int, raw_param: Any) -> bool:
        """Apply a control; False for a code this device does not know."""
        param = _ints(raw_param)
        handlers: dict[int, Callable[[list[int]], bool]] = {
            POWER_OFF_CMD: self._power_off,
            POWER_ON_CMD: self._power_on,
            DHW_MODE: self._dhw_mode,
            DHW_TEMPERATURE: self._dhw_temperature,
            GOOUT_DAY: self._goout_day,
            DR_OFF: lambda p: self._set("dr", False, p),
            DR_ON: lambda p: self._set("dr", True, p),
            TOU_OFF: lambda p: self._set("tou", False, p),
            TOU_ON: lambda p: self._set("tou", True, p),
            ANTI_LEG_OFF: lambda p: self._set("anti_legionella", False, p),
            ANTI_LEG_ON: self._anti_legionella_on,
            AIR_FILTER_RESET: self._air_filter_reset,
            AIR_FILTER_LIFE: self._air_filter_life,
        }
        handler = handlers.get(command)
        if handler is None:
            return False
        if param is None or not handler(param):
            _LOGGER.debug("ignored control %s with param %r", command, raw_param)
        elif command in PACED:
            self._last_paced = self._clock()
        return True

    def _set(self, name: str, value: bool, param: list[int]) -> bool:
        if param:
            return False
        setattr(self, name, value)
        return True

    def _power_off(self, param: list[int]) -> bool:
        if param:
            return False
        if self.mode != POWER_OFF:
            self._mode_before_off = self.mode
            self.mode = POWER_OFF
        return True

    def _power_on(self, param: list[int]) -> bool:
        if param:
            return False
        if self.mode == POWER_OFF:
            self.mode = self._mode_before_off
        return True

    def _dhw_mode(self, param: list[int]) -> bool:
        if len(param) == 1 and 1 <= param[0] <= HIGH_DEMAND:
            self.mode = param[0]
            self._vacation_s = 0.0
            return True
        if len(param) == 2 and param[0] == VACATION and 1 <= param[1] <= 99:
            if self.mode not in (VACATION, POWER_OFF):
                self._mode_before_off = self.mode
            self.mode = VACATION
            self.vacation_days = param[1]
            self._vacation_s = 0.0
            return True
        return False

    def _dhw_temperature(self, param: list[int]) -> bool:
        if len(param) != 1 or not TEMP_MIN <= param[0] <= TEMP_MAX:
            return False
        self.setpoint = param[0]
        return True

    def _goout_day(self, param: list[int]) -> bool:
        if len(param) != 1 or not 1 <= param[0] <= 99:
            return False
        self.vacation_days = param[0]
        return True

    def _anti_legionella_on(self, param: list[int]) -> bool:
        if len(param) != 1 or not 1 <= param[0] <= 30:
            return False
        self.anti_legionella = True
        self.anti_legionella_period = param[0]
        return True

    def _air_filter_reset(self, param: list[int]) -> bool:
        if param:
            return False
        self._tank.fan_hours = 0.0
        return True

    def _air_filter_life(self, param: list[int]) -> bool:
        if len(param) != 1 or not (param[0] == 0 or 2 <= param[0] <= 20):
            return False
        self.air_filter_period = param[0] * 500
        return True

    # -- reservations -------------------------------------------------------------

    def _write_reservations(self, request: Mapping[str, Any]) -> None:
        use = request.get("reservationUse")
        entries = request.get("reservation")
        if use not in (1, 2) or not isinstance(entries, list):
            _LOGGER.debug("ignored reservation write %s", request)
            return
        stored = [_entry(entry) for entry in entries]
        if None in stored:
            _LOGGER.debug("ignored reservation write with a bad entry: %s", entries)
            return
        self.reservation_use = use
        self.reservations = [entry for entry in stored if entry is not None]

    def _reservation_reply(
        self, origin: Mapping[str, Any], topic: str
    ) -> list[tuple[str, dict[str, Any]]]:
        """Reply with the JSON list, and its hex twin on the topic minus `/rd` (§17.1)."""
        listed = {
            "reservationUse": self.reservation_use,
            "reservation": copy.deepcopy(self.reservations),
        }
        replies = [(topic, self._envelope(origin, listed))]
        if topic.endswith("/rd"):
            hex_text = bytes(
                entry[key] for entry in self.reservations for key in RESERVATION_KEYS
            ).hex()
            twin = {"reservationUse": self.reservation_use, "reservation": hex_text}
            replies.append((topic.removesuffix("/rd"), self._envelope(origin, twin)))
        return replies

    # -- energy -------------------------------------------------------------------

    def _usage(self, values: list[float]) -> dict[str, int]:
        return {
            "hpUsage": round(values[0]),
            "heUsage": round(values[1]),
            "hpTime": round(values[2] / 3600),
            "heTime": round(values[3] / 3600),
        }

    def _day_usage(self, year: int, month: int, day: int) -> list[float]:
        return self._days.get(date(year, month, day), [0.0, 0.0, 0.0, 0.0])

    def _energy_daily(
        self, origin: Mapping[str, Any], topic: str, request: Mapping[str, Any]
    ) -> list[tuple[str, dict[str, Any]]]:
        year = request.get("year")
        months = _ints(request.get("month"))
        if type(year) is not int or not 2000 <= year <= 2100 or months is None:
            _LOGGER.debug("ignored energy query %s", request)
            return []
        usage = [
            {
                "year": year,
                "month": month,
                "data": [
                    self._usage(self._day_usage(year, month, day))
                    for day in range(1, calendar.monthrange(year, month)[1] + 1)
                ],
            }
            for month in months
            if 1 <= month <= 12
        ]
        body = {"typeOfUsage": 1, "total": self._usage(self._lifetime), "usage": usage}
        return [(topic, self._envelope(origin, body))]

    def _energy_monthly(
        self, origin: Mapping[str, Any], topic: str, request: Mapping[str, Any]
    ) -> list[tuple[str, dict[str, Any]]]:
        years = _ints(request.get("year"))
        if years is None:
            _LOGGER.debug("ignored monthly energy query %s", request)
            return []
        usage = []
        for year in years:
            months = []
            for month in range(1, 13):
                sums = [0.0, 0.0, 0.0, 0.0]
                for day, values in self._days.items():
                    if (day.year, day.month) == (year, month):
                        sums = [a + b for a, b in zip(sums, values, strict=True)]
                months.append(self._usage(sums))
            usage.append({"year": year, "data": months})
        body = {"typeOfUsage": 1, "total": self._usage(self._lifetime), "usage": usage}
        return [(topic, self._envelope(origin, body))]
