"""
The simulated NWP500's wire dicts: the reply payloads and envelopes of protocol.md.

Pure functions of what the heater holds (`navilink_sim.heater` owns the tank, the
settings and the commands): the device-info feature, the status snapshot, the
diagnostics, the reservation replies and the energy-usage replies, each wrapped
in the reply envelope.
"""

from __future__ import annotations

import calendar
import copy
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from navilink_sim.heater_codes import RESERVATION_KEYS, TEMP_MAX, TEMP_MIN
from navilink_sim.tank import AMBIENT_C

if TYPE_CHECKING:
    from collections.abc import Mapping

    from navilink_sim.accounts import SimDevice
    from navilink_sim.tank import Tank

SW_VERSION = 0x0A010000
FAIL_TOO_SOON = 2

type Reply = tuple[str, dict[str, Any]]
"""One message the device publishes: its topic and its payload."""


@dataclass(frozen=True, slots=True)
class Controls:
    """The heater's settings and running programme, as the status snapshot reports them."""

    mode: int
    setpoint: int  # half-°C
    target_c: float  # what the tank heats to now (the set-point, or disinfection)
    disinfecting: bool
    vacation_days: int
    vacation_days_elapsed: int
    anti_legionella: bool
    anti_legionella_period: int
    air_filter_period: int
    reservation_use: int
    dr: bool
    tou: bool


def _flag(value: bool) -> int:
    """Encode a boolean as the device's 1 (off) / 2 (on) flag."""
    return 2 if value else 1


def envelope(
    device: SimDevice, origin: Mapping[str, Any], body: dict[str, Any]
) -> dict[str, Any]:
    """Wrap `body` as `device`'s reply to `origin` (clientID, sessionID, requestTopic)."""
    return {
        "clientID": origin["clientID"],
        "sessionID": origin["sessionID"],
        "protocolVersion": 2,
        "requestTopic": origin["requestTopic"],
        "response": {
            "deviceType": device.device_type,
            "macAddress": device.mac,
            "additionalValue": device.additional_value,
            **body,
        },
    }


def ctrl_fail(device: SimDevice, origin: Mapping[str, Any]) -> dict[str, Any]:
    """Build the refusal of a control sent too soon after the last one."""
    body = envelope(device, origin, {"failCode": FAIL_TOO_SOON})
    body["response"]["swVersion"] = SW_VERSION
    return body


def feature(device: SimDevice) -> dict[str, Any]:
    """Build the device-info (`response.feature`) dict."""
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
        "modelTypeCode": device.model_type_code,
        "controlTypeCode": 100,
        "volumeCode": device.volume_code,
        "controllerSwVersion": SW_VERSION,
        "panelSwVersion": 0x04030000,
        "wifiSwVersion": 0x02010000,
        "recircSwVersion": 0,
        "controllerSwCode": 0x02000711,
        "panelSwCode": 0x10000211,
        "wifiSwCode": 0x10000131,
        "recircModelTypeCode": 0,
        "controllerSerialNumber": device.controller_serial_number,
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


def status(tank: Tank, controls: Controls, command: int) -> dict[str, Any]:
    """Build the `response.status` dict of a snapshot answering `command`."""
    target = controls.target_c
    total_wh = tank.full_recovery_wh(target)
    needed_wh = tank.needed_wh(target)
    charge = 0 if total_wh <= 0 else round(100 * (total_wh - needed_wh) / total_wh)
    element = tank.upper_element or tank.lower_element
    heat_use = (1 if tank.compressor else 0) + (2 if element else 0)
    drawing = tank.flow_lpm > 0
    comp = tank.compressor
    suction = AMBIENT_C - 4.0 if comp else AMBIENT_C
    evaporator = AMBIENT_C - 8.5 if comp else AMBIENT_C
    mixing = 0
    if drawing and tank.upper > 49.0:
        mixing = round(100 * (tank.upper - 49.0) / (tank.upper - 15.0))
    on = controls.setpoint
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
        "dhwOperationSetting": controls.mode,
        "operationBusy": _flag(tank.heating),
        "dhwOperationBusy": _flag(tank.heating),
        "currentHeatUse": heat_use,
        "compUse": _flag(comp),
        "heatUpperUse": _flag(tank.upper_element),
        "heatLowerUse": _flag(tank.lower_element),
        "eevUse": _flag(comp),
        "evaFanUse": _flag(comp),
        "eevStep": 180 + round(tank.lower) if comp else 28,
        "targetFanRpm": 550 if comp else 0,
        "currentFanRpm": tank.fan_rpm,
        "fanPwm": 1300 if comp else 0,
        "currentInstPower": tank.power_w,
        "dhwChargePer": max(0, min(100, charge)),
        "totalEnergyCapacity": round(total_wh / 4),
        "availableEnergyCapacity": round(needed_wh / 4),
        "dhwTemperature": round(tank.upper * 2),
        "dhwTemperature2": 0,
        "dhwTemperatureSetting": controls.setpoint,
        "dhwTargetTemperatureSetting": controls.setpoint,
        "tankUpperTemperature": round(tank.upper * 10),
        "tankLowerTemperature": round(tank.lower * 10),
        "dischargeTemperature": round((tank.lower + 22.0 if comp else AMBIENT_C) * 10),
        "suctionTemperature": round(suction * 10),
        "evaporatorTemperature": round(evaporator * 10),
        "ambientTemperature": round(AMBIENT_C * 10),
        "targetSuperHeat": 50,
        "currentSuperHeat": round((suction - evaporator) * 10),
        "outsideTemperature": 0,
        "currentInletTemperature": 0,
        "currentDhwFlowRate": round(tank.flow_lpm * 10),
        "cumulatedDhwFlowRate": round(tank.litres),
        "mixingRate": mixing,
        "dhwUse": _flag(drawing),
        "dhwUseSustained": _flag(drawing and tank.draw_elapsed >= 60),
        "freezeProtectionUse": 2,
        "freezeProtectionTemperature": 12,
        "freezeProtectionTempMin": 12,
        "freezeProtectionTempMax": 20,
        "programReservationUse": controls.reservation_use,
        "programReservationType": 0,
        "ecoUse": 2,
        "scaldUse": 2,
        "shutOffValveUse": 1,
        "conOvrSensorUse": 1,
        "wtrOvrSensorUse": 1,
        "errorBuzzerUse": 2,
        "antiLegionellaUse": _flag(controls.anti_legionella),
        "antiLegionellaPeriod": controls.anti_legionella_period,
        "antiLegionellaOperationBusy": _flag(controls.disinfecting),
        "vacationDaySetting": controls.vacation_days,
        "vacationDayElapsed": controls.vacation_days_elapsed,
        "airFilterAlarmUse": _flag(controls.air_filter_period > 0),
        "airFilterAlarmPeriod": controls.air_filter_period,
        "airFilterAlarmElapsed": int(tank.fan_hours),
        "cumulatedOpTimeEvaFan": int(tank.fan_hours),
        "currentStatenum": 20 + 20 * heat_use,
        "drEventStatus": 1 if controls.dr else 0,
        "drOverrideStatus": 1,
        "touStatus": 1 if controls.tou else 0,
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


def diagnostics(
    lifetime: list[float],
    *,
    days_since_installation: int,
    draws: int,
    long_draws: int,
    compressor_starts: int,
    element_starts: int,
) -> dict[str, Any]:
    """Build the diagnostics (`response.data` of `st/td/rd`, §17.6) from the lifetime totals."""
    hp_wh, he_wh, hp_s, he_s = lifetime
    hp_hours = round(hp_s / 3600)
    return {
        "tsData": {
            "cumulatedPwrHp": round(hp_wh),
            "cumulatedPwrHe": round(he_wh),
            "daysSinceInstallation": days_since_installation,
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
            "numOfdhwUse": draws,
            "numOfLongDhwUse": long_draws,
            "numOfShortDhwUse": draws - long_draws,
            "dhwUseTotalFlow": 0,
            "dhwUseTotalTime": 0,
            "longDhwUseTotalFlow": 0,
            "longDhwUseTotalTime": 0,
            "avrageRecoveryTime": 0,
        },
        "taData": {
            "cumulatedOpTimeComp": hp_hours,
            "cumulatedOpNumComp": compressor_starts,
            "cumulatedOpTimeEvaFan": hp_hours,
            "cumulatedOpNumEvaFan": compressor_starts,
            "cumulatedOpTimeUhe": round(he_s / 3600),
            "cumulatedOpNumUhe": element_starts,
            "cumulatedOpTimeLhe": 0,
            "cumulatedOpNumLhe": 0,
            "cumulatedOpStepEev": 0,
            "cumulatedOpNumShutOffVv": 0,
            "mixingValveOpTotalStep": 0,
            "mixingValveOpAvgMixinGrate": 0,
        },
    }


def reservation_replies(
    device: SimDevice,
    origin: Mapping[str, Any],
    topic: str,
    *,
    use: int,
    reservations: list[dict[str, int]],
) -> list[Reply]:
    """Reply with the JSON list, and its hex twin on the topic minus `/rd` (§17.1)."""
    listed = {"reservationUse": use, "reservation": copy.deepcopy(reservations)}
    replies = [(topic, envelope(device, origin, listed))]
    if topic.endswith("/rd"):
        hex_text = bytes(
            entry[key] for entry in reservations for key in RESERVATION_KEYS
        ).hex()
        twin = {"reservationUse": use, "reservation": hex_text}
        replies.append((topic.removesuffix("/rd"), envelope(device, origin, twin)))
    return replies


def usage(values: list[float]) -> dict[str, int]:
    """One period's counters (heat pump Wh, elements Wh, their seconds) as reported."""
    return {
        "hpUsage": round(values[0]),
        "heUsage": round(values[1]),
        "hpTime": round(values[2] / 3600),
        "heTime": round(values[3] / 3600),
    }


def energy_daily(
    days: Mapping[date, list[float]],
    lifetime: list[float],
    year: int,
    months: list[int],
) -> dict[str, Any]:
    """Build the daily energy-usage reply body: each day of `months` of `year`."""
    monthly = [
        {
            "year": year,
            "month": month,
            "data": [
                usage(days.get(date(year, month, day), [0.0, 0.0, 0.0, 0.0]))
                for day in range(1, calendar.monthrange(year, month)[1] + 1)
            ],
        }
        for month in months
        if 1 <= month <= 12
    ]
    return {"typeOfUsage": 1, "total": usage(lifetime), "usage": monthly}


def energy_monthly(
    days: Mapping[date, list[float]], lifetime: list[float], years: list[int]
) -> dict[str, Any]:
    """Build the monthly energy-usage reply body: each month of `years`."""
    yearly = []
    for year in years:
        months = []
        for month in range(1, 13):
            sums = [0.0, 0.0, 0.0, 0.0]
            for day, values in days.items():
                if (day.year, day.month) == (year, month):
                    sums = [a + b for a, b in zip(sums, values, strict=True)]
            months.append(usage(sums))
        yearly.append({"year": year, "data": months})
    return {"typeOfUsage": 1, "total": usage(lifetime), "usage": yearly}
