"""Decoding of status, feature, energy, reservation and device messages."""

import copy
import dataclasses
import json
import logging
from pathlib import Path
import random
from typing import TYPE_CHECKING, Any

import pytest

from custom_components.navien_nwp500.navilink.codec.enums import (
    CurrentOperationMode,
    DhwOperationSetting,
    DhwTemperaturePrecision,
    DrEvent,
    HeatSource,
    RecirculationMode,
    ReservationMode,
    TemperatureType,
    TempFormulaType,
    VolumeCode,
    Weekday,
    error_description,
)
from custom_components.navien_nwp500.navilink.codec.models import (
    CAPABILITY_FLAGS,
    STATUS_FIELDS,
    Device,
    DeviceFeature,
    DeviceStatus,
    EnergyCounters,
    PayloadKind,
    ReservationEntry,
    extract_payload,
    parse_device,
    parse_energy,
    parse_feature,
    parse_reservations,
    parse_status,
    reset_reported,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

FIXTURES = Path(__file__).parent.parent / "fixtures"
DECODE_LOGGER = "custom_components.navien_nwp500.navilink.codec.decode"


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return data


@pytest.fixture(autouse=True)
def fresh_warnings() -> Iterator[None]:
    reset_reported()
    yield
    reset_reported()


@pytest.fixture
def status_raw() -> dict[str, Any]:
    raw: dict[str, Any] = load("status_heat_pump.json")["response"]["status"]
    return raw


# Every DeviceStatus field of the heat-pump fixture, decoded by hand from protocol.md.
EXPECTED_HEAT_PUMP: dict[str, Any] = {
    "command": 67108883,
    "temperature_type": TemperatureType.FAHRENHEIT,
    "temp_formula_type": TempFormulaType.STANDARD,
    "special_function_status": 1,
    "error_code": 0,
    "sub_error_code": 0,
    "minor_code": 0,
    "smart_diagnostic": 0,
    "fault_status1": 0,
    "fault_status2": 0,
    "wifi_rssi": -61,
    "did_reload": False,
    "operation_mode": CurrentOperationMode.HEAT_PUMP,
    "dhw_operation_setting": DhwOperationSetting.HEAT_PUMP,
    "operation_busy": True,
    "dhw_operation_busy": True,
    "current_heat_use": HeatSource.HEAT_PUMP,
    "comp_use": True,
    "heat_upper_use": False,
    "heat_lower_use": False,
    "eev_use": True,
    "eva_fan_use": True,
    "eev_step": 176,
    "target_fan_rpm": 550,
    "current_fan_rpm": 548,
    "fan_pwm": 1210,
    "current_inst_power": 412,
    "dhw_charge_percent": 82,
    "total_energy_capacity_wh": 4480,
    "available_energy_capacity_wh": 840,
    "dhw_temperature": 59.5,
    "dhw_temperature2": 0.0,
    "dhw_temperature_setting": 60.5,
    "dhw_target_temperature_setting": 60.5,
    "tank_upper_temperature": 59.7,
    "tank_lower_temperature": 54.1,
    "discharge_temperature": 71.2,
    "suction_temperature": 14.8,
    "evaporator_temperature": 9.5,
    "ambient_temperature": 25.1,
    "target_super_heat": 5.0,
    "current_super_heat": -3.5,
    "outside_temperature": 15.5,
    "current_inlet_temperature": 0.0,
    "current_dhw_flow_rate": 5.7,
    "cumulated_dhw_flow": 48213,
    "mixing_rate": 0,
    "dhw_use": True,
    "dhw_use_sustained": False,
    "freeze_protection_use": True,
    "freeze_protection_temperature": 6.0,
    "freeze_protection_temp_min": 6.0,
    "freeze_protection_temp_max": 10.0,
    "program_reservation_use": False,
    "program_reservation_type": 0,
    "eco_use": True,
    "scald_use": True,
    "shut_off_valve_use": False,
    "con_ovr_sensor_use": False,
    "wtr_ovr_sensor_use": False,
    "error_buzzer_use": True,
    "anti_legionella_use": True,
    "anti_legionella_period": 7,
    "anti_legionella_operation_busy": False,
    "vacation_day_setting": 0,
    "vacation_day_elapsed": 0,
    "air_filter_alarm_use": True,
    "air_filter_alarm_period": 1000,
    "air_filter_alarm_elapsed": 312,
    "cumulated_op_time_eva_fan": 287,
    "current_statenum": 40,
    "dr_event_status": DrEvent.NOT_APPLIED,
    "dr_override_active": False,
    "tou_enabled": True,
    "tou_override_active": False,
    "hp_upper_on_temp_setting": 56.5,
    "hp_upper_off_temp_setting": 60.5,
    "hp_lower_on_temp_setting": 52.5,
    "hp_lower_off_temp_setting": 60.5,
    "he_upper_on_temp_setting": 50.0,
    "he_upper_off_temp_setting": 58.5,
    "he_lower_on_temp_setting": 48.0,
    "he_lower_off_temp_setting": 58.5,
    "hp_upper_on_diff_temp_setting": 0.5,
    "hp_upper_off_diff_temp_setting": 0.0,
    "hp_lower_on_diff_temp_setting": 1.0,
    "hp_lower_off_diff_temp_setting": -0.5,
    "he_upper_on_diff_temp_setting": 0.0,
    "he_upper_off_diff_temp_setting": 0.0,
    "he_lower_on_diff_temp_setting": 1.5,
    "he_lower_off_diff_temp_setting": 0.0,
    "heat_min_op_temperature": 40.5,
    "recirc_operation_mode": RecirculationMode.OFF,
    "recirc_pump_operation_status": 0,
    "recirc_hot_btn_ready": 1,
    "recirc_operation_reason": 0,
    "recirc_error_status": 0,
    "recirc_operation_busy": False,
    "recirc_reservation_use": None,
    "recirc_temp_setting": 45.0,
    "recirc_temperature": 44.0,
    "recirc_faucet_temperature": 42.0,
    "recirc_dhw_flow_rate": 1.2,
}


def test_every_status_field_decodes(status_raw: dict[str, Any]) -> None:
    status = parse_status(status_raw)
    decoded = {f.name: getattr(status, f.name) for f in dataclasses.fields(status)}
    decoded.pop("raw")
    assert decoded.keys() == EXPECTED_HEAT_PUMP.keys()
    for name, expected in EXPECTED_HEAT_PUMP.items():
        assert decoded[name] == pytest.approx(expected), name
        assert type(decoded[name]) is type(expected), name
    assert status.usable_energy_wh == 4480 - 840
    assert status.raw == status_raw


def test_spec_table_covers_every_field_and_wire_key(status_raw: dict[str, Any]) -> None:
    attrs = [attr for attr, _, _ in STATUS_FIELDS]
    model = [f.name for f in dataclasses.fields(DeviceStatus) if f.name != "raw"]
    assert sorted(attrs) == sorted(model)
    assert {key for _, key, _ in STATUS_FIELDS} == set(status_raw)
    assert "heLowerOnTDiffempSetting" in status_raw  # the wire typo is what we read


def test_power_off_snapshot_of_older_firmware() -> None:
    message = load("status_off.json")
    kind, payload = extract_payload(message) or (None, {})
    assert kind is PayloadKind.STATUS
    status = parse_status(payload)
    assert status.dhw_operation_setting is DhwOperationSetting.POWER_OFF
    assert status.operation_mode is CurrentOperationMode.STANDBY
    assert status.current_heat_use is HeatSource.NONE
    assert status.operation_busy is False
    assert status.anti_legionella_use is None  # tri-state 0 = unknown
    assert status.dhw_use is False
    assert status.tou_enabled is False
    assert status.tou_override_active is True
    assert status.dr_event_status is DrEvent.SHED
    assert status.dr_override_active is True
    assert status.outside_temperature == -3.5
    assert status.temperature_type is TemperatureType.CELSIUS
    assert status.temp_formula_type is TempFormulaType.ASYMMETRIC
    # deficit larger than the full-recovery cost: usable energy never negative
    assert status.usable_energy_wh == 0
    assert status.error_code == 799
    assert (
        error_description(status.error_code, status.sub_error_code)
        == "Water leak detected"
    )
    # fields the older firmware omits
    assert status.recirc_operation_mode is RecirculationMode.UNKNOWN
    assert status.recirc_temperature is None
    assert status.heat_min_op_temperature is None
    assert status.dhw_operation_busy is None
    assert status.minor_code is None


def test_status_equality_ignores_raw(status_raw: dict[str, Any]) -> None:
    first = parse_status(status_raw)
    second = parse_status({**status_raw, "someFutureKey": 5})
    assert first == second
    assert hash(first) == hash(second)
    assert "raw" not in repr(first)
    changed = parse_status({**status_raw, "dhwTemperature": 100})
    assert changed != first
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.dhw_temperature = 1.0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("key", "attr"),
    [
        ("dhwTemperature", "dhw_temperature"),
        ("errorCode", "error_code"),
        ("compUse", "comp_use"),
        ("dhwUse", "dhw_use"),
        ("touStatus", "tou_enabled"),
        ("totalEnergyCapacity", "total_energy_capacity_wh"),
        ("currentDhwFlowRate", "current_dhw_flow_rate"),
    ],
)
@pytest.mark.parametrize("bad", ["12", 12.0, True, None, [12], {"v": 12}])
def test_wrong_types_become_none(
    status_raw: dict[str, Any], key: str, attr: str, bad: object
) -> None:
    status = parse_status({**status_raw, key: bad})
    assert getattr(status, attr) is None
    assert status.dhw_temperature_setting == 60.5  # the rest still decodes


@pytest.mark.parametrize(
    ("key", "attr", "enum"),
    [
        ("dhwOperationSetting", "dhw_operation_setting", DhwOperationSetting),
        ("operationMode", "operation_mode", CurrentOperationMode),
        ("currentHeatUse", "current_heat_use", HeatSource),
        ("drEventStatus", "dr_event_status", DrEvent),
        ("recircOperationMode", "recirc_operation_mode", RecirculationMode),
        ("temperatureType", "temperature_type", TemperatureType),
    ],
)
def test_unknown_enum_values(
    status_raw: dict[str, Any], key: str, attr: str, enum: Any
) -> None:
    for bad in (77, -5, "1", 1.0, None):
        assert getattr(parse_status({**status_raw, key: bad}), attr) is enum.UNKNOWN
    assert getattr(
        parse_status({k: v for k, v in status_raw.items() if k != key}), attr
    ) is (enum.UNKNOWN)


def test_standby_and_grid_emergency_are_known(status_raw: dict[str, Any]) -> None:
    status = parse_status({**status_raw, "dhwOperationSetting": 0, "drEventStatus": 6})
    assert status.dhw_operation_setting is DhwOperationSetting.STANDBY
    assert status.dr_event_status is DrEvent.GRID_EMERGENCY


def test_flag_encodings(status_raw: dict[str, Any]) -> None:
    def parse(**fields: int) -> DeviceStatus:
        return parse_status({**status_raw, **fields})

    # bool: 0 reads False, tri: 0 reads None, out-of-range reads None
    assert parse(dhwUse=0).dhw_use is False
    assert parse(compUse=0).comp_use is None
    assert parse(dhwUse=3).dhw_use is None
    assert parse(touStatus=1).tou_enabled is True
    assert parse(touStatus=0).tou_enabled is False
    assert parse(touOverrideStatus=1).tou_override_active is True
    assert parse(touOverrideStatus=0).tou_override_active is None
    assert parse(drOverrideStatus=2).dr_override_active is True
    assert parse(drOverrideStatus=72).dr_override_active is None


def test_warning_logged_once_per_field_and_problem(
    status_raw: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=DECODE_LOGGER)
    for _ in range(3):
        parse_status({**status_raw, "dhwTemperature": "119"})
        parse_status({**status_raw, "operationMode": 999})
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert "status.dhwTemperature" in warnings[0].getMessage()
    assert "status.operationMode" in warnings[1].getMessage()
    # a different problem on the same field is reported separately
    parse_status({**status_raw, "dhwTemperature": None})
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 3
    # absence is normal on older firmware: DEBUG, not WARNING
    caplog.clear()
    parse_status({})
    assert caplog.records
    assert all(r.levelno == logging.DEBUG for r in caplog.records)


@pytest.mark.parametrize("junk", [None, 5, "status", [1, 2], b"x", 1.5, object()])
def test_parsers_accept_anything(junk: Any) -> None:
    assert parse_status(junk) == DeviceStatus()
    assert parse_status(junk).usable_energy_wh is None
    assert parse_feature(junk) == DeviceFeature()
    energy = parse_energy(junk)
    assert (energy.total, energy.months) == (None, ())
    schedule = parse_reservations(junk)
    assert (schedule.reservation_use, schedule.entries) == (None, ())
    assert parse_device(junk) is None
    assert extract_payload(junk) is None


def test_feature_decodes_every_field() -> None:
    message = load("feature.json")
    kind, payload = extract_payload(message) or (None, {})
    assert kind is PayloadKind.FEATURE
    feature = parse_feature(payload)
    assert feature.country_code == 3
    assert feature.model_type_code == 513
    assert feature.control_type_code == 100
    assert feature.volume_code is VolumeCode.GAL_65
    assert feature.volume_gallons == 65
    assert (feature.controller_sw_version, feature.panel_sw_version) == (184, 184)
    assert (feature.wifi_sw_version, feature.recirc_sw_version) == (34, 0)
    assert (
        feature.controller_sw_code,
        feature.panel_sw_code,
        feature.wifi_sw_code,
    ) == (1, 1, 1)
    assert feature.recirc_model_type_code == 0
    assert feature.controller_serial_number == "123456789BT0001234"
    assert feature.temperature_type is TemperatureType.FAHRENHEIT
    assert feature.temp_formula_type is TempFormulaType.STANDARD
    assert (feature.dhw_temperature_min, feature.dhw_temperature_max) == (40.5, 65.5)
    assert (feature.freeze_protection_temp_min, feature.freeze_protection_temp_max) == (
        6.0,
        10.0,
    )
    assert (feature.recirc_temperature_min, feature.recirc_temperature_max) == (
        40.5,
        60.0,
    )
    assert feature.dhw_temperature_setting_use is DhwTemperaturePrecision.HALF_DEGREE
    assert feature.temperature_control_supported is True
    expected_true = {
        "power_use", "holiday_use", "program_reservation_use", "dhw_use", "wifi_rssi_use",
        "energy_usage_use", "freeze_protection_use", "dr_setting_use",
        "anti_legionella_setting_use", "hpwh_use", "eco_use", "electric_use", "heatpump_use",
        "energy_saver_use", "high_demand_use",
    }  # fmt: skip
    for attr in CAPABILITY_FLAGS:
        assert getattr(feature, attr) is (attr in expected_true), attr
    # every wire key of the fixture is understood
    assert set(payload) <= {*CAPABILITY_FLAGS.values(), *feature_wire_keys()}


def feature_wire_keys() -> set[str]:
    return {
        "countryCode", "modelTypeCode", "controlTypeCode", "volumeCode",
        "controllerSwVersion", "panelSwVersion", "wifiSwVersion", "recircSwVersion",
        "controllerSwCode", "panelSwCode", "wifiSwCode", "recircModelTypeCode",
        "controllerSerialNumber", "temperatureType", "tempFormulaType",
        "dhwTemperatureMin", "dhwTemperatureMax", "freezeProtectionTempMin",
        "freezeProtectionTempMax", "recircTemperatureMin", "recircTemperatureMax",
        "dhwTemperatureSettingUse",
    }  # fmt: skip


def test_feature_capability_values() -> None:
    assert parse_feature({"powerUse": 0}).power_use is False
    assert parse_feature({"powerUse": 1}).power_use is False
    assert parse_feature({"powerUse": 2}).power_use is True
    assert parse_feature({"powerUse": 3}).power_use is None
    assert parse_feature({}).power_use is None
    assert parse_feature({"mixingValueUse": 2}).mixing_valve_use is True
    assert (
        parse_feature({"controllerSerialNumber": 12}).controller_serial_number is None
    )
    assert parse_feature({"volumeCode": 66}).volume_code is VolumeCode.UNKNOWN
    assert parse_feature({"volumeCode": 66}).volume_gallons is None
    precision = parse_feature({"dhwTemperatureSettingUse": 1})
    assert precision.dhw_temperature_setting_use is DhwTemperaturePrecision.DISABLED
    assert precision.temperature_control_supported is False


def test_energy_daily_reply() -> None:
    usage = parse_energy(
        {
            "typeOfUsage": 1,
            "total": {"hpUsage": 35000, "heUsage": 1200, "hpTime": 80, "heTime": 2},
            "usage": [
                {
                    "year": 2025,
                    "month": 9,
                    "data": [
                        {"hpUsage": 1200, "heUsage": 0, "hpTime": 3, "heTime": 0},
                        "junk",
                        {"hpUsage": 900, "heUsage": "5", "hpTime": 2, "heTime": 0},
                    ],
                }
            ],
        }
    )
    assert usage.type_of_usage == 1
    assert usage.total == EnergyCounters(35000, 1200, 80, 2)
    assert usage.total is not None
    assert usage.total.total_wh == 36200
    (month,) = usage.months
    assert (month.year, month.month) == (2025, 9)
    assert month.days[0] == EnergyCounters(1200, 0, 3, 0)
    assert month.days[1] == EnergyCounters()  # junk keeps its position (day 2)
    assert month.days[2].element_wh is None
    assert month.days[2].total_wh is None


def test_energy_monthly_reply_has_no_month() -> None:
    usage = parse_energy(
        {"typeOfUsage": 1, "usage": [{"year": 2025, "data": [{"hpUsage": 1}] * 12}]}
    )
    assert usage.total is None
    assert usage.months[0].month is None
    assert len(usage.months[0].days) == 12


def test_reservations_as_json_list() -> None:
    schedule = parse_reservations(
        {
            "reservationUse": 2,
            "reservation": [
                {
                    "enable": 2,
                    "week": 124,
                    "hour": 6,
                    "min": 30,
                    "mode": 3,
                    "param": 120,
                },
                {"enable": 1, "week": 130, "hour": 22, "min": 0, "mode": 5, "param": 0},
                {
                    "enable": 2,
                    "week": 124,
                    "hour": "6",
                    "min": 0,
                    "mode": 3,
                    "param": 120,
                },
                "junk",
            ],
        }
    )
    assert schedule.reservation_use is True
    assert schedule.invalid_entries == 2
    first, second = schedule.entries
    assert first == ReservationEntry(
        True, 124, 6, 30, ReservationMode.ENERGY_SAVER, 60.0
    )
    assert first.weekdays == Weekday.MONDAY | Weekday.TUESDAY | Weekday.WEDNESDAY | (
        Weekday.THURSDAY | Weekday.FRIDAY
    )
    assert second.enabled is False
    assert second.mode is ReservationMode.POWER_OFF
    assert second.weekdays == Weekday.SATURDAY | Weekday.SUNDAY
    assert schedule.canonical() == (first, second)


def test_reservations_as_hex_string() -> None:
    # one entry, one empty slot, then 3 trailing bytes that are ignored
    schedule = parse_reservations(
        {"reservationUse": 1, "reservation": "023e061e0478" + "00" * 6 + "0102ff"}
    )
    assert schedule.reservation_use is False
    assert schedule.entries == (
        ReservationEntry(True, 62, 6, 30, ReservationMode.HIGH_DEMAND, 60.0),
    )
    assert schedule.invalid_entries == 0


def test_reservations_bad_hex_and_missing() -> None:
    bad = parse_reservations({"reservationUse": 2, "reservation": "zz12"})
    assert (bad.entries, bad.invalid_entries) == ((), 1)
    empty = parse_reservations({"reservationUse": 0})
    assert (empty.reservation_use, empty.entries, empty.invalid_entries) == (
        None,
        (),
        0,
    )


def test_reservations_canonical_is_order_independent() -> None:
    entries = [
        {"enable": 2, "week": 2, "hour": 20, "min": 0, "mode": 1, "param": 100},
        {"enable": 2, "week": 254, "hour": 5, "min": 15, "mode": 4, "param": 110},
    ]
    a = parse_reservations({"reservationUse": 2, "reservation": entries})
    b = parse_reservations({"reservationUse": 2, "reservation": entries[::-1]})
    assert a.entries != b.entries
    assert a.canonical() == b.canonical()


def test_parse_device() -> None:
    info: dict[str, Any] = {
        "homeSeq": 7,
        "macAddress": "AA:BB:CC:DD:EE:FF",
        "additionalValue": "1234",
        "deviceType": 52,
        "deviceName": "Garage",
        "connected": 2,
        "modelTypeCode": 513,
    }
    raw = {"deviceInfo": info, "location": {"state": "CA"}}
    assert parse_device(raw) == Device(
        "aabbccddeeff", "1234", 52, "Garage", 7, True, 513
    )
    for wire, connected in ((1, False), (0, None), (3, None), ("2", None)):
        device = parse_device({"deviceInfo": {**info, "connected": wire}})
        assert device is not None
        assert device.connected is connected
    minimal = parse_device({"macAddress": "aabbccddeeff", "deviceType": 52})
    assert minimal == Device("aabbccddeeff", "", 52, "", None, None, None)


def test_device_without_type_is_no_nwp500() -> None:
    assert parse_device({"deviceInfo": {"macAddress": "aabbccddeeff"}}) is None


@pytest.mark.parametrize(
    "mac", [None, 12, "", "aabbccddee", "zzbbccddeeff", "aabbccddeeff00"]
)
def test_parse_device_without_usable_mac(mac: object) -> None:
    assert parse_device({"deviceInfo": {"macAddress": mac, "deviceType": 52}}) is None


def test_extract_payload_locations() -> None:
    status = {"dhwTemperature": 100}
    feature = {"dhwTemperatureMin": 81}
    assert extract_payload({"response": {"status": status}}) == (
        PayloadKind.STATUS,
        status,
    )
    assert extract_payload({"response": {"st": status}}) == (PayloadKind.STATUS, status)
    assert extract_payload({"status": status}) == (PayloadKind.STATUS, status)
    assert extract_payload({"st": status}) == (PayloadKind.STATUS, status)
    assert extract_payload({"response": {"feature": feature}}) == (
        PayloadKind.FEATURE,
        feature,
    )
    assert extract_payload({"response": {"did": feature}}) == (
        PayloadKind.FEATURE,
        feature,
    )
    assert extract_payload({"did": feature}) == (PayloadKind.FEATURE, feature)
    # response.status wins over a top-level one; non-objects are skipped
    assert extract_payload({"response": {"status": status}, "status": {"x": 1}}) == (
        PayloadKind.STATUS,
        status,
    )
    assert extract_payload({"response": {"status": "x"}, "st": status}) == (
        PayloadKind.STATUS,
        status,
    )
    assert extract_payload({"response": {"reservationUse": 2}}) is None
    assert extract_payload({"response": "junk"}) is None


def test_error_descriptions() -> None:
    assert error_description(0, 0) is None
    assert error_description(None) is None
    assert error_description(12345, 0) is None
    assert error_description(515, 27) == "Relay fault: compressor relay"
    assert (
        error_description(480, 2) == "Upper tank sensor fault: reading above its range"
    )
    assert error_description(480, 9) == "Upper tank sensor fault"
    assert error_description(990) == "Condensate overflow"


def test_enum_from_raw() -> None:
    assert DhwOperationSetting.from_raw(3) is DhwOperationSetting.ENERGY_SAVER
    assert DhwOperationSetting.from_raw(True) is DhwOperationSetting.UNKNOWN
    assert DhwOperationSetting.from_raw("3") is DhwOperationSetting.UNKNOWN
    assert DhwTemperaturePrecision.from_raw(0) is DhwTemperaturePrecision.UNKNOWN
    assert DhwTemperaturePrecision.is_known_value(0)
    assert not DhwOperationSetting.is_known_value(9)


def _junk(rng: random.Random, depth: int = 0) -> Any:
    choices: list[Any] = [
        None, True, False, -1, 0, 2**70, -(2**40), 1.5, float("nan"), float("inf"), "", "12",
        "\x00", [], {}, b"bytes",
    ]  # fmt: skip
    if depth < 2:
        choices += [
            [_junk(rng, depth + 1) for _ in range(3)],
            {str(rng.random()): _junk(rng, depth + 1), "status": _junk(rng, depth + 1)},
        ]
    return rng.choice(choices)


def _mutations(base: dict[str, Any], count: int) -> Iterator[dict[str, Any]]:
    rng = random.Random(500)  # deterministic
    keys = sorted(base)
    for _ in range(count):
        mutated = copy.deepcopy(base)
        for _ in range(rng.randint(1, 12)):
            key = rng.choice(keys)
            action = rng.randrange(4)
            if action == 0:
                mutated.pop(key, None)
            elif action == 1:
                mutated[key] = rng.randint(-(2**33), 2**33)
            elif action == 2:
                mutated[key] = _junk(rng)
            else:
                mutated[f"extra{rng.randrange(100)}"] = _junk(rng)
        yield mutated


def test_fuzz_status_and_feature_never_raise(status_raw: dict[str, Any]) -> None:
    feature_raw = load("feature.json")["response"]["feature"]
    seen_unknown = 0
    for mutated in _mutations(status_raw, 300):
        status = parse_status(mutated)
        assert isinstance(status, DeviceStatus)
        hash(status)
        repr(status)
        seen_unknown += status.dhw_operation_setting is DhwOperationSetting.UNKNOWN
        for attr, key, _ in STATUS_FIELDS:
            # an untouched field still decodes exactly like the original
            if mutated.get(key, object()) is status_raw.get(key):
                assert getattr(status, attr) == EXPECTED_HEAT_PUMP[attr]
        message = {"response": {"status": mutated}}
        assert extract_payload(message) == (PayloadKind.STATUS, mutated)
    assert seen_unknown > 0  # the mutations really hit the enums
    for mutated in _mutations(feature_raw, 200):
        assert isinstance(parse_feature(mutated), DeviceFeature)
        assert parse_device({"deviceInfo": mutated}) is None
    for mutated in _mutations(
        {"reservationUse": 2, "reservation": "023e061e0478", "total": {}, "usage": []},
        100,
    ):
        parse_reservations(mutated)
        parse_energy(mutated)
