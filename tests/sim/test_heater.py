"""The simulated NWP500 speaks protocol.md and behaves like a water heater."""

from __future__ import annotations

from typing import Any

import pytest

from navilink_sim.accounts import SimDevice
from navilink_sim.heater import SimulatedHeater

MAC = "aabbccddeeff"
BASE = f"cmd/52/navilink-{MAC}"
CID = "navien-client-1a2b3c4d"
ACK = f"{BASE}/{CID}/res"

# Every §8.1 status key plus §17.6 minorCode.
STATUS_KEY_TEXT = """
    command temperatureType tempFormulaType specialFunctionStatus errorCode subErrorCode
    minorCode smartDiagnostic faultStatus1 faultStatus2 wifiRssi didReload operationMode
    dhwOperationSetting operationBusy dhwOperationBusy currentHeatUse compUse heatUpperUse
    heatLowerUse eevUse evaFanUse eevStep targetFanRpm currentFanRpm fanPwm currentInstPower
    dhwChargePer totalEnergyCapacity availableEnergyCapacity dhwTemperature dhwTemperature2
    dhwTemperatureSetting dhwTargetTemperatureSetting tankUpperTemperature
    tankLowerTemperature dischargeTemperature suctionTemperature evaporatorTemperature
    ambientTemperature targetSuperHeat currentSuperHeat outsideTemperature
    currentInletTemperature currentDhwFlowRate cumulatedDhwFlowRate mixingRate dhwUse
    dhwUseSustained freezeProtectionUse freezeProtectionTemperature freezeProtectionTempMin
    freezeProtectionTempMax programReservationUse programReservationType ecoUse scaldUse
    shutOffValveUse conOvrSensorUse wtrOvrSensorUse errorBuzzerUse antiLegionellaUse
    antiLegionellaPeriod antiLegionellaOperationBusy vacationDaySetting vacationDayElapsed
    airFilterAlarmUse airFilterAlarmPeriod airFilterAlarmElapsed cumulatedOpTimeEvaFan
    currentStatenum drEventStatus drOverrideStatus touStatus touOverrideStatus
    hpUpperOnTempSetting hpUpperOffTempSetting hpLowerOnTempSetting hpLowerOffTempSetting
    heUpperOnTempSetting heUpperOffTempSetting heLowerOnTempSetting heLowerOffTempSetting
    hpUpperOnDiffTempSetting hpUpperOffDiffTempSetting hpLowerOnDiffTempSetting
    hpLowerOffDiffTempSetting heUpperOnDiffTempSetting heUpperOffDiffTempSetting
    heLowerOnTDiffempSetting heLowerOffDiffTempSetting heatMinOpTemperature
    recircOperationMode recircPumpOperationStatus recircHotBtnReady recircOperationReason
    recircErrorStatus recircOperationBusy recircReservationUse recircTempSetting
    recircTemperature recircFaucetTemperature recircDhwFlowRate
"""
STATUS_KEYS = frozenset(STATUS_KEY_TEXT.split())


def make_heater(**kwargs: Any) -> SimulatedHeater:
    device = SimDevice(mac=MAC, additional_value="1234", name="Sim")
    return SimulatedHeater(device, **kwargs)


def envelope(
    suffix: str,
    command: int,
    *,
    response_topic: str = ACK,
    mac: str = MAC,
    session: str = "s1",
    **fields: Any,
) -> tuple[str, dict[str, Any]]:
    topic = f"{BASE}/{suffix}"
    request = {
        "command": command,
        "deviceType": 52,
        "macAddress": mac,
        "additionalValue": "1234",
        **fields,
    }
    return topic, {
        "clientID": CID,
        "sessionID": session,
        "protocolVersion": 2,
        "requestTopic": topic,
        "responseTopic": response_topic,
        "request": request,
    }


def control(mode: str, command: int, param: Any) -> tuple[str, dict[str, Any]]:
    return envelope("ctrl", command, mode=mode, param=param, paramStr="")


def only(replies: list[tuple[str, dict[str, Any]]]) -> tuple[str, dict[str, Any]]:
    assert len(replies) == 1
    return replies[0]


def status_of(heater: SimulatedHeater, *message: Any) -> dict[str, Any]:
    topic, body = only(heater.handle(*message))
    assert topic == ACK
    status: dict[str, Any] = body["response"]["status"]
    return status


def test_status_request_answers_with_every_field() -> None:
    heater = make_heater()
    topic, body = only(heater.handle(*envelope("st", 16777219)))
    assert topic == ACK
    assert body["clientID"] == CID
    assert body["sessionID"] == "s1"
    assert body["protocolVersion"] == 2
    assert body["requestTopic"] == f"{BASE}/st"
    response = body["response"]
    assert response["macAddress"] == MAC
    assert response["deviceType"] == 52
    assert response["additionalValue"] == "1234"
    assert set(response["status"]) == STATUS_KEYS
    assert response["status"]["command"] == 16777219
    assert all(type(value) is int for value in response["status"].values())
    assert heater.status == response["status"]


def test_device_info_answers_with_feature() -> None:
    heater = make_heater()
    topic, body = only(heater.handle(*envelope("st/did", 16777217)))
    assert topic == ACK
    feature = body["response"]["feature"]
    assert feature["dhwTemperatureMin"] == 81
    assert feature["dhwTemperatureMax"] == 131
    assert (feature["freezeProtectionTempMin"], feature["freezeProtectionTempMax"]) == (
        12,
        20,
    )
    assert feature["mixingValueUse"] == 2
    assert feature["holidayUse"] == feature["energyUsageUse"] == 2
    assert feature["controllerSerialNumber"] == "SIMCTRL0000000001"
    assert heater.feature == feature


def test_ignores_foreign_malformed_and_own_messages() -> None:
    heater = make_heater()
    topic, body = envelope("st", 16777219, mac="001122334455")
    assert heater.handle(topic, body) == []
    assert heater.handle(f"{BASE}/st", {"request": "nope"}) == []
    assert heater.handle(f"{BASE}/st", {"clientID": CID, "request": {}}) == []
    assert (
        heater.handle("cmd/52/navilink-001122334455/st", envelope("st", 16777219)[1])
        == []
    )
    push_topic, push = heater.status_push()
    assert heater.handle(push_topic, push) == []
    assert heater.received == []


def test_received_keeps_requests_in_order() -> None:
    heater = make_heater()
    heater.handle(*control("dhw-mode", 33554437, [1]))
    heater.handle(*envelope("st", 16777219))
    assert [r["request"]["command"] for r in heater.received] == [33554437, 16777219]


def test_missing_response_topic_falls_back_to_the_ack_topic() -> None:
    heater = make_heater()
    topic, body = envelope("st", 16777219)
    del body["responseTopic"]
    assert only(heater.handle(topic, body))[0] == ACK
    topic, body = envelope("st", 16777219, response_topic="cmd/52/#")
    assert only(heater.handle(topic, body))[0] == ACK


@pytest.mark.parametrize(
    ("mode", "command", "param", "key", "value"),
    [
        ("dhw-mode", 33554437, [1], "dhwOperationSetting", 1),
        ("dhw-mode", 33554437, [2], "dhwOperationSetting", 2),
        ("dhw-mode", 33554437, [4], "dhwOperationSetting", 4),
        ("dhw-temperature", 33554464, [98], "dhwTemperatureSetting", 98),
        ("anti-leg-off", 33554471, [], "antiLegionellaUse", 1),
        ("tou-on", 33554476, [], "touStatus", 1),
        ("dr-on", 33554470, [], "drEventStatus", 1),
        ("goout-day", 33554466, [10], "vacationDaySetting", 10),
        ("air-filter-life", 33554474, [4], "airFilterAlarmPeriod", 2000),
    ],
)
def test_control_changes_state_and_acks(
    mode: str, command: int, param: list[int], key: str, value: int
) -> None:
    heater = make_heater()
    assert heater.status[key] != value
    status = status_of(heater, *control(mode, command, param))
    assert status["command"] == command
    assert status[key] == value
    assert heater.status[key] == value


def test_dhw_temperature_moves_both_setting_fields_and_capacity() -> None:
    heater = make_heater()
    before = heater.status["totalEnergyCapacity"]
    status = status_of(heater, *control("dhw-temperature", 33554464, [121]))
    assert status["dhwTargetTemperatureSetting"] == 121
    # 0.5 °C on a 65-gal tank is about 140 Wh, i.e. 36 counts of 4 Wh.
    assert status["totalEnergyCapacity"] - before == pytest.approx(36, abs=1)


def test_off_switches_back_to_the_previous_mode() -> None:
    heater = make_heater()
    heater.handle(*control("dhw-mode", 33554437, [4]))
    assert (
        status_of(heater, *control("power-off", 33554433, []))["dhwOperationSetting"]
        == 6
    )
    status = status_of(heater, *control("power-on", 33554434, []))
    assert status["command"] == 33554434
    assert status["dhwOperationSetting"] == 4


def test_paired_toggles_switch_back() -> None:
    heater = make_heater()
    for mode, command in (("tou-on", 33554476), ("dr-on", 33554470)):
        heater.handle(*control(mode, command, []))
    status = status_of(heater, *control("tou-off", 33554475, []))
    assert status["touStatus"] == 0
    assert status_of(heater, *control("dr-off", 33554469, []))["drEventStatus"] == 0
    heater.handle(*control("anti-leg-off", 33554471, []))
    status = status_of(heater, *control("anti-leg-on", 33554472, [14]))
    assert (status["antiLegionellaUse"], status["antiLegionellaPeriod"]) == (2, 14)


def test_air_filter_reset_zeroes_fan_hours() -> None:
    heater = make_heater()
    assert heater.status["cumulatedOpTimeEvaFan"] > 0
    status = status_of(heater, *control("air-filter-reset", 33554473, []))
    assert status["cumulatedOpTimeEvaFan"] == status["airFilterAlarmElapsed"] == 0


@pytest.mark.parametrize(
    ("mode", "command", "param"),
    [
        ("dhw-temperature", 33554464, [132]),
        ("dhw-temperature", 33554464, [80]),
        ("dhw-temperature", 33554464, ["120"]),
        ("dhw-mode", 33554437, [0]),
        ("dhw-mode", 33554437, [6]),
        ("dhw-mode", 33554437, [5]),
        ("dhw-mode", 33554437, [5, 0]),
        ("anti-leg-on", 33554472, [31]),
        ("power-off", 33554433, [1]),
        ("power-on", 33554434, [1]),
        ("tou-on", 33554476, [1]),
        ("air-filter-reset", 33554473, [1]),
        ("goout-day", 33554466, []),
        ("air-filter-life", 33554474, [1]),
        ("dhw-mode", 33554437, None),
    ],
)
def test_invalid_params_leave_state_but_still_ack(
    mode: str, command: int, param: Any
) -> None:
    heater = make_heater()
    before = heater.status
    status = status_of(heater, *control(mode, command, param))
    assert status["command"] == command
    assert {**status, "command": 0} == {**before, "command": 0}


def test_unknown_control_gets_no_answer() -> None:
    heater = make_heater()
    assert heater.handle(*control("recirc-mode", 33554445, [1])) == []
    assert heater.handle(*envelope("ctrl", 16777219)) == []


def test_vacation_via_dhw_mode_counts_days_and_ends() -> None:
    heater = make_heater(draw_interval=None)
    heater.handle(*control("dhw-mode", 33554437, [1]))
    status = status_of(heater, *control("dhw-mode", 33554437, [5, 2]))
    assert (status["dhwOperationSetting"], status["vacationDaySetting"]) == (5, 2)
    heater.start_draw(10.0, 900)
    heater.advance(86400 + 60)
    status = heater.status
    assert status["vacationDayElapsed"] == 1
    assert status["compUse"] == 1
    assert status["currentHeatUse"] == 0
    heater.advance(86400)
    assert heater.status["dhwOperationSetting"] == 1
    assert heater.status["vacationDayElapsed"] == 0


def test_goout_day_leaves_the_mode_alone() -> None:
    heater = make_heater()
    status = status_of(heater, *control("goout-day", 33554466, [5]))
    assert (status["dhwOperationSetting"], status["vacationDaySetting"]) == (3, 5)


def test_paced_controls_get_ctrl_fail_without_ack() -> None:
    heater = make_heater(min_control_interval=5.0)
    assert status_of(heater, *control("dhw-temperature", 33554464, [110]))
    topic, body = only(heater.handle(*control("dhw-mode", 33554437, [1])))
    assert topic == f"{BASE}/res/ctrl-fail"
    assert body["clientID"] == CID
    assert body["sessionID"] == "s1"
    assert body["protocolVersion"] == 2
    assert body["requestTopic"] == f"{BASE}/ctrl"
    assert body["response"] == {
        "deviceType": 52,
        "macAddress": MAC,
        "additionalValue": "1234",
        "failCode": 2,
        "swVersion": heater.feature["controllerSwVersion"],
    }
    assert heater.status["dhwOperationSetting"] == 3
    # Controls that are not paced pass, and a paced one passes after the interval.
    assert status_of(heater, *control("tou-on", 33554476, []))["touStatus"] == 1
    heater.advance(5.0)
    assert (
        status_of(heater, *control("dhw-mode", 33554437, [1]))["dhwOperationSetting"]
        == 1
    )


def test_pacing_can_follow_an_outside_clock() -> None:
    now = [100.0]
    heater = make_heater(min_control_interval=2.0, clock=lambda: now[0])
    heater.handle(*control("power-off", 33554433, []))
    assert only(heater.handle(*control("power-on", 33554434, [])))[0].endswith(
        "ctrl-fail"
    )
    now[0] += 2.0
    assert only(heater.handle(*control("power-on", 33554434, [])))[0] == ACK


RSV_TOPIC = f"cmd/52/{CID}/res/rsv/rd"
ENTRIES = [
    {"enable": 2, "week": 62, "hour": 6, "min": 30, "mode": 4, "param": 120},
    {"enable": 1, "week": 130, "hour": 22, "min": 0, "mode": 5, "param": 0},
]


def test_reservation_write_then_read_round_trip() -> None:
    heater = make_heater()
    replies = heater.handle(
        *envelope(
            "ctrl/rsv/rd",
            16777226,
            response_topic=RSV_TOPIC,
            reservationUse=2,
            reservation=ENTRIES,
        )
    )
    assert [topic for topic, _ in replies] == [RSV_TOPIC, f"cmd/52/{CID}/res/rsv"]
    echo, twin = (body["response"] for _, body in replies)
    assert echo["reservationUse"] == 2
    assert echo["reservation"] == ENTRIES
    assert echo["macAddress"] == MAC
    assert twin["reservation"] == "023e061e0478018216000500"
    assert heater.status["programReservationUse"] == 2

    replies = heater.handle(*envelope("st/rsv/rd", 16777222, response_topic=RSV_TOPIC))
    assert replies[0][0] == RSV_TOPIC
    assert replies[0][1]["response"]["reservation"] == ENTRIES
    assert replies[1][1]["response"]["reservation"] == twin["reservation"]


def test_reservation_write_needs_a_valid_use_flag() -> None:
    heater = make_heater()
    replies = heater.handle(
        *envelope("ctrl/rsv/rd", 16777226, reservationUse=0, reservation=ENTRIES)
    )
    # Without a `/rd` response topic there is no hex twin.
    assert [topic for topic, _ in replies] == [ACK]
    assert replies[0][1]["response"] == {
        "deviceType": 52,
        "macAddress": MAC,
        "additionalValue": "1234",
        "reservationUse": 1,
        "reservation": [],
    }


@pytest.mark.parametrize(
    "bad",
    [
        {**ENTRIES[0], "param": 140},
        {**ENTRIES[0], "hour": 24},
        {**ENTRIES[0], "mode": 6},
        {**ENTRIES[0], "min": "30"},
        {"enable": 2},
        "023e061e0478",
    ],
)
def test_bad_reservation_write_keeps_the_stored_list(bad: Any) -> None:
    heater = make_heater()
    heater.handle(
        *envelope(
            "ctrl/rsv/rd",
            16777226,
            response_topic=RSV_TOPIC,
            reservationUse=2,
            reservation=ENTRIES,
        )
    )
    replies = heater.handle(
        *envelope(
            "ctrl/rsv/rd",
            16777226,
            response_topic=RSV_TOPIC,
            reservationUse=2,
            reservation=[ENTRIES[0], bad],
        )
    )
    assert replies[0][1]["response"]["reservation"] == ENTRIES


def test_energy_query_shape_and_lifetime_total() -> None:
    heater = make_heater(draw_interval=None)
    heater.start_draw(10.0, 1200)
    heater.advance(3 * 86400)
    topic = f"cmd/52/{CID}/res/energy-usage-daily-query/rd"
    request = envelope(
        "st/energy-usage-daily-query/rd",
        16777225,
        response_topic=topic,
        year=2026,
        month=[10, 11],
    )
    reply_topic, body = only(heater.handle(*request))
    assert reply_topic == topic
    response = body["response"]
    assert response["typeOfUsage"] == 1
    october, november = response["usage"]
    assert (october["year"], october["month"], len(october["data"])) == (2026, 10, 31)
    assert (november["month"], len(november["data"])) == (11, 30)
    assert set(november["data"][0]) == {"hpUsage", "heUsage", "hpTime", "heTime"}
    assert all(day["hpUsage"] > 0 for day in october["data"])  # the year before start
    assert november["data"][0]["hpUsage"] > 0
    total = response["total"]
    assert total["hpUsage"] > sum(day["hpUsage"] for day in november["data"])

    heater.reset_energy_counter()
    response = only(heater.handle(*request))[1]["response"]
    assert response["total"] == {"hpUsage": 0, "heUsage": 0, "hpTime": 0, "heTime": 0}
    assert response["usage"][1] == november  # the daily history stays
    heater.start_draw(10.0, 1200)
    heater.advance(3600)
    assert only(heater.handle(*request))[1]["response"]["total"]["hpUsage"] > 0


def test_monthly_energy_query() -> None:
    heater = make_heater()
    heater.advance(86400)
    topic = f"cmd/52/{CID}/res/energy-usage-monthly-query/rd"
    _, body = only(
        heater.handle(
            *envelope(
                "st/energy-usage-monthly-query/rd",
                16777226,
                response_topic=topic,
                year=[2026],
            )
        )
    )
    (year,) = body["response"]["usage"]
    assert year["year"] == 2026
    assert len(year["data"]) == 12


def test_bad_energy_query_is_ignored() -> None:
    heater = make_heater()
    assert (
        heater.handle(
            *envelope("st/energy-usage-monthly-query/rd", 16777226, year=2026)
        )
        == []
    )
    assert (
        heater.handle(
            *envelope(
                "st/energy-usage-daily-query/rd", 16777225, year="2026", month=[1]
            )
        )
        == []
    )


def test_status_push_topic_and_command() -> None:
    heater = make_heater()
    topic, body = heater.status_push()
    assert topic == f"{BASE}/res"
    assert body["response"]["status"]["command"] == 67108883
    assert body["sessionID"] == "0"
    assert heater.status_push()[1]["sessionID"] == "1"


# -- physics ---------------------------------------------------------------------


def test_heating_raises_the_tank_and_counts_energy() -> None:
    heater = make_heater(draw_interval=None)
    status_of(heater, *control("dhw-mode", 33554437, [1]))
    status = status_of(heater, *control("dhw-temperature", 33554464, [131]))
    assert status["availableEnergyCapacity"] > 0
    before = status
    heater.advance(60)
    status = heater.status
    assert status["compUse"] == 2
    assert status["currentHeatUse"] == 1
    assert status["operationMode"] == 32
    assert status["operationBusy"] == 2
    assert status["heatUpperUse"] == status["heatLowerUse"] == 1
    assert 400 <= status["currentInstPower"] <= 500
    assert status["currentFanRpm"] > 0
    assert status["dischargeTemperature"] > status["tankLowerTemperature"]
    heater.advance(3600)
    after = heater.status
    assert after["tankLowerTemperature"] > before["tankLowerTemperature"]
    assert after["dhwChargePer"] > before["dhwChargePer"]
    assert after["availableEnergyCapacity"] < before["availableEnergyCapacity"]
    assert after["cumulatedOpTimeEvaFan"] >= before["cumulatedOpTimeEvaFan"]
    # Recovery finishes at the set-point and the unit idles.
    for _ in range(12 * 60):
        heater.advance(60)
        if heater.status["currentHeatUse"] == 0:
            break
    done = heater.status
    assert done["currentHeatUse"] == 0
    assert done["operationMode"] == 0
    assert 1 <= done["currentInstPower"] <= 17
    assert done["dhwChargePer"] >= 98
    assert done["availableEnergyCapacity"] <= 10
    assert done["tankUpperTemperature"] >= 650


def test_draw_lowers_the_tank_and_counts_water() -> None:
    heater = make_heater(draw_interval=None)
    before = heater.status
    heater.start_draw(8.0, 600)
    heater.advance(120)
    during = heater.status
    assert during["currentDhwFlowRate"] == 80
    assert during["dhwUse"] == during["dhwUseSustained"] == 2
    heater.advance(480)
    after = heater.status
    assert after["currentDhwFlowRate"] == 0
    assert after["dhwUse"] == 1
    assert after["cumulatedDhwFlowRate"] - before["cumulatedDhwFlowRate"] == 80
    assert after["tankLowerTemperature"] < before["tankLowerTemperature"] - 50
    assert after["dhwChargePer"] < before["dhwChargePer"]


@pytest.mark.parametrize(
    ("mode", "compressor", "upper", "lower"),
    [
        (1, 2, 1, 1),  # heat pump: compressor only
        (2, 1, 2, 1),  # electric: an element, never the compressor
        (3, 2, 2, 1),  # energy saver far behind: compressor and upper element
        (4, 2, 2, 1),  # high demand
    ],
)
def test_heat_sources_per_mode_after_a_big_draw(
    mode: int, compressor: int, upper: int, lower: int
) -> None:
    heater = make_heater(draw_interval=None)
    heater.handle(*control("dhw-mode", 33554437, [mode]))
    heater.start_draw(12.0, 1800)
    heater.advance(1800)
    status = heater.status
    assert (status["compUse"], status["heatUpperUse"], status["heatLowerUse"]) == (
        compressor,
        upper,
        lower,
    )
    if upper == 2:
        assert status["currentInstPower"] > 5000


def test_electric_mode_uses_one_element_at_a_time() -> None:
    heater = make_heater(draw_interval=None)
    heater.handle(*control("dhw-mode", 33554437, [2]))
    heater.start_draw(12.0, 1800)
    seen = set()
    for _ in range(6 * 60):
        heater.advance(60)
        status = heater.status
        seen.add((status["heatUpperUse"], status["heatLowerUse"]))
        assert status["compUse"] == 1
    assert (2, 2) not in seen
    assert {(2, 1), (1, 2)} <= seen
    assert heater.status["operationMode"] == 0


def test_high_demand_adds_the_element_sooner_than_energy_saver() -> None:
    results = {}
    for mode in (3, 4):
        heater = make_heater(draw_interval=None)
        heater.handle(*control("dhw-mode", 33554437, [mode]))
        heater.start_draw(8.0, 900)  # leaves the upper layer about 12 °C short
        heater.advance(900)
        results[mode] = heater.status["heatUpperUse"]
    assert results == {3: 1, 4: 2}


@pytest.mark.parametrize(
    "command", [("power-off", 33554433, []), ("dhw-mode", 33554437, [5, 3])]
)
def test_off_and_vacation_do_not_heat(command: tuple[str, int, list[int]]) -> None:
    heater = make_heater(draw_interval=None)
    heater.handle(*control(*command))
    heater.start_draw(12.0, 1800)
    before = heater.status
    heater.advance(12 * 3600)
    status = heater.status
    assert status["currentHeatUse"] == 0
    assert status["operationMode"] == 0
    assert status["tankUpperTemperature"] < before["tankUpperTemperature"]
    assert status["totalEnergyCapacity"] > 0


def test_power_off_stops_a_running_recovery() -> None:
    heater = make_heater(draw_interval=None)
    heater.start_draw(12.0, 1200)
    heater.advance(1200)
    assert heater.status["currentHeatUse"] != 0
    heater.handle(*control("power-off", 33554433, []))
    heater.advance(10)
    assert heater.status["currentHeatUse"] == 0


def test_anti_legionella_cycle_heats_above_the_set_point() -> None:
    heater = make_heater(draw_interval=None)
    heater.handle(*control("anti-leg-on", 33554472, [1]))
    peak = 0
    busy = False
    for _ in range(30 * 6):
        heater.advance(600)
        status = heater.status
        busy = busy or status["antiLegionellaOperationBusy"] == 2
        peak = max(peak, status["tankUpperTemperature"])
    assert busy
    assert peak >= 650
    assert heater.status["antiLegionellaOperationBusy"] == 1


def test_power_off_cancels_a_running_disinfection() -> None:
    heater = make_heater(draw_interval=None)
    heater.handle(*control("anti-leg-on", 33554472, [1]))
    heater.advance(86400)
    assert heater.status["antiLegionellaOperationBusy"] == 2
    heater.handle(*control("power-off", 33554433, []))
    heater.advance(10)
    status = heater.status
    assert (status["antiLegionellaOperationBusy"], status["currentHeatUse"]) == (1, 0)


def test_random_draws_are_deterministic_for_a_seed() -> None:
    def run(seed: int) -> list[dict[str, Any]]:
        heater = make_heater(seed=seed, draw_interval=1800.0)
        history = []
        for _ in range(48):
            heater.advance(1800)
            history.append(heater.status)
        return history

    first = run(7)
    assert first == run(7)
    assert first != run(8)
    assert len({s["cumulatedDhwFlowRate"] for s in first}) > 5


def test_time_slicing_does_not_change_the_outcome() -> None:
    one = make_heater(seed=3)
    many = make_heater(seed=3)
    one.advance(3600)
    for _ in range(720):
        many.advance(5)
    assert one.status == many.status
