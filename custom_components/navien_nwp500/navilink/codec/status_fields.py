"""The wire field table of the status message and its total parser (protocol.md §8.1, §17)."""

from collections.abc import Callable, Mapping
from typing import Any

from .decode import Reader
from .enums import (
    CurrentOperationMode,
    DhwOperationSetting,
    DrEvent,
    HeatSource,
    RecirculationMode,
    TemperatureType,
    TempFormulaType,
    WireEnum,
)
from .status import WH_PER_ENERGY_COUNT, DeviceStatus

type _Decoder = Callable[[Reader, str], object]


def _enum(cls: type[WireEnum]) -> _Decoder:
    return lambda reader, key: reader.enum(key, cls)


def _int(reader: Reader, key: str) -> int | None:
    return reader.integer(key)


def _flag(reader: Reader, key: str) -> bool | None:
    return reader.flag(key)


def _tri(reader: Reader, key: str) -> bool | None:
    return reader.tri(key)


def _half(reader: Reader, key: str) -> float | None:
    return reader.half_celsius(key)


def _deci(reader: Reader, key: str) -> float | None:
    return reader.deci_celsius(key)


def _flow(reader: Reader, key: str) -> float | None:
    return reader.scaled(key, 10)


def _wh(reader: Reader, key: str) -> int | None:
    count = reader.integer(key)
    return None if count is None else count * WH_PER_ENERGY_COUNT


def _nonzero(reader: Reader, key: str) -> bool | None:
    return reader.nonzero(key)


def _tou_override(reader: Reader, key: str) -> bool | None:
    # 1 = the user overrode TOU, 2 = following the schedule, 0 = unknown (§7.1).
    return reader.one_of(key, {0: None, 1: True, 2: False})


STATUS_FIELDS: tuple[tuple[str, str, _Decoder], ...] = (
    ("command", "command", _int),
    ("temperature_type", "temperatureType", _enum(TemperatureType)),
    ("temp_formula_type", "tempFormulaType", _enum(TempFormulaType)),
    ("special_function_status", "specialFunctionStatus", _int),
    ("error_code", "errorCode", _int),
    ("sub_error_code", "subErrorCode", _int),
    ("minor_code", "minorCode", _int),
    ("smart_diagnostic", "smartDiagnostic", _int),
    ("fault_status1", "faultStatus1", _int),
    ("fault_status2", "faultStatus2", _int),
    ("wifi_rssi", "wifiRssi", _int),
    ("did_reload", "didReload", _flag),
    ("operation_mode", "operationMode", _enum(CurrentOperationMode)),
    ("dhw_operation_setting", "dhwOperationSetting", _enum(DhwOperationSetting)),
    ("operation_busy", "operationBusy", _tri),
    ("dhw_operation_busy", "dhwOperationBusy", _flag),
    ("current_heat_use", "currentHeatUse", _enum(HeatSource)),
    ("comp_use", "compUse", _tri),
    ("heat_upper_use", "heatUpperUse", _tri),
    ("heat_lower_use", "heatLowerUse", _tri),
    ("eev_use", "eevUse", _flag),
    ("eva_fan_use", "evaFanUse", _flag),
    ("eev_step", "eevStep", _int),
    ("target_fan_rpm", "targetFanRpm", _int),
    ("current_fan_rpm", "currentFanRpm", _int),
    ("fan_pwm", "fanPwm", _int),
    ("current_inst_power", "currentInstPower", _int),
    ("dhw_charge_percent", "dhwChargePer", _int),
    ("total_energy_capacity_wh", "totalEnergyCapacity", _wh),
    ("available_energy_capacity_wh", "availableEnergyCapacity", _wh),
    ("dhw_temperature", "dhwTemperature", _half),
    ("dhw_temperature2", "dhwTemperature2", _half),
    ("dhw_temperature_setting", "dhwTemperatureSetting", _half),
    ("dhw_target_temperature_setting", "dhwTargetTemperatureSetting", _half),
    ("tank_upper_temperature", "tankUpperTemperature", _deci),
    ("tank_lower_temperature", "tankLowerTemperature", _deci),
    ("discharge_temperature", "dischargeTemperature", _deci),
    ("suction_temperature", "suctionTemperature", _deci),
    ("evaporator_temperature", "evaporatorTemperature", _deci),
    ("ambient_temperature", "ambientTemperature", _deci),
    ("target_super_heat", "targetSuperHeat", _deci),
    ("current_super_heat", "currentSuperHeat", _deci),
    ("outside_temperature", "outsideTemperature", _half),
    ("current_inlet_temperature", "currentInletTemperature", _half),
    ("current_dhw_flow_rate", "currentDhwFlowRate", _flow),
    ("cumulated_dhw_flow", "cumulatedDhwFlowRate", _int),
    ("mixing_rate", "mixingRate", _int),
    ("dhw_use", "dhwUse", _flag),
    ("dhw_use_sustained", "dhwUseSustained", _flag),
    ("freeze_protection_use", "freezeProtectionUse", _flag),
    ("freeze_protection_temperature", "freezeProtectionTemperature", _half),
    ("freeze_protection_temp_min", "freezeProtectionTempMin", _half),
    ("freeze_protection_temp_max", "freezeProtectionTempMax", _half),
    ("program_reservation_use", "programReservationUse", _flag),
    ("program_reservation_type", "programReservationType", _int),
    ("eco_use", "ecoUse", _flag),
    ("scald_use", "scaldUse", _flag),
    ("shut_off_valve_use", "shutOffValveUse", _flag),
    ("con_ovr_sensor_use", "conOvrSensorUse", _flag),
    ("wtr_ovr_sensor_use", "wtrOvrSensorUse", _flag),
    ("error_buzzer_use", "errorBuzzerUse", _flag),
    ("anti_legionella_use", "antiLegionellaUse", _tri),
    ("anti_legionella_period", "antiLegionellaPeriod", _int),
    ("anti_legionella_operation_busy", "antiLegionellaOperationBusy", _tri),
    ("vacation_day_setting", "vacationDaySetting", _int),
    ("vacation_day_elapsed", "vacationDayElapsed", _int),
    ("air_filter_alarm_use", "airFilterAlarmUse", _tri),
    ("air_filter_alarm_period", "airFilterAlarmPeriod", _int),
    ("air_filter_alarm_elapsed", "airFilterAlarmElapsed", _int),
    ("cumulated_op_time_eva_fan", "cumulatedOpTimeEvaFan", _int),
    ("current_statenum", "currentStatenum", _int),
    ("dr_event_status", "drEventStatus", _enum(DrEvent)),
    ("dr_override_active", "drOverrideStatus", _flag),
    ("tou_enabled", "touStatus", _nonzero),
    ("tou_override_active", "touOverrideStatus", _tou_override),
    ("hp_upper_on_temp_setting", "hpUpperOnTempSetting", _half),
    ("hp_upper_off_temp_setting", "hpUpperOffTempSetting", _half),
    ("hp_lower_on_temp_setting", "hpLowerOnTempSetting", _half),
    ("hp_lower_off_temp_setting", "hpLowerOffTempSetting", _half),
    ("he_upper_on_temp_setting", "heUpperOnTempSetting", _half),
    ("he_upper_off_temp_setting", "heUpperOffTempSetting", _half),
    ("he_lower_on_temp_setting", "heLowerOnTempSetting", _half),
    ("he_lower_off_temp_setting", "heLowerOffTempSetting", _half),
    ("hp_upper_on_diff_temp_setting", "hpUpperOnDiffTempSetting", _deci),
    ("hp_upper_off_diff_temp_setting", "hpUpperOffDiffTempSetting", _deci),
    ("hp_lower_on_diff_temp_setting", "hpLowerOnDiffTempSetting", _deci),
    ("hp_lower_off_diff_temp_setting", "hpLowerOffDiffTempSetting", _deci),
    ("he_upper_on_diff_temp_setting", "heUpperOnDiffTempSetting", _deci),
    ("he_upper_off_diff_temp_setting", "heUpperOffDiffTempSetting", _deci),
    ("he_lower_on_diff_temp_setting", "heLowerOnTDiffempSetting", _deci),
    ("he_lower_off_diff_temp_setting", "heLowerOffDiffTempSetting", _deci),
    ("heat_min_op_temperature", "heatMinOpTemperature", _half),
    ("recirc_operation_mode", "recircOperationMode", _enum(RecirculationMode)),
    ("recirc_pump_operation_status", "recircPumpOperationStatus", _int),
    ("recirc_hot_btn_ready", "recircHotBtnReady", _int),
    ("recirc_operation_reason", "recircOperationReason", _int),
    ("recirc_error_status", "recircErrorStatus", _int),
    ("recirc_operation_busy", "recircOperationBusy", _flag),
    ("recirc_reservation_use", "recircReservationUse", _tri),
    ("recirc_temp_setting", "recircTempSetting", _half),
    ("recirc_temperature", "recircTemperature", _half),
    ("recirc_faucet_temperature", "recircFaucetTemperature", _half),
    ("recirc_dhw_flow_rate", "recircDhwFlowRate", _flow),
)
"""(attribute, wire key, decoder) for every DeviceStatus field except ``raw``."""


def parse_status(raw: Mapping[str, Any]) -> DeviceStatus:
    """Decode a wire ``status`` object; never raises (see the module docstring)."""
    reader = Reader(raw, "status")
    values: dict[str, Any] = {
        attr: decode(reader, key) for attr, key, decode in STATUS_FIELDS
    }
    return DeviceStatus(**values, raw=dict(reader.raw))
