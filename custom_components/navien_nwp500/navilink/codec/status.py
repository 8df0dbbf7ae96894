"""Device status model (protocol.md §8.1, corrected by §17.1 and §17.6)."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
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

WH_PER_ENERGY_COUNT = 4
"""``totalEnergyCapacity``/``availableEnergyCapacity`` are counts of 4 Wh (§7.4)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceStatus:
    """One decoded status snapshot; every field is None/UNKNOWN when absent or malformed.

    Temperatures are °C floats, flows L/min, volumes litres, energy Wh, power W.
    Flags are bools; "tri" flags (§7.1) are None when the device reports 0.
    ``raw`` keeps the wire object for diagnostics. It is left out of ``==``, ``hash``
    and ``repr``, so two snapshots compare equal when everything decoded is equal
    (callers can skip redundant updates).
    """

    command: int | None = None
    """Code that triggered this snapshot (§6.5)."""
    temperature_type: TemperatureType = TemperatureType.UNKNOWN
    """Display unit preference."""
    temp_formula_type: TempFormulaType = TempFormulaType.UNKNOWN
    """°F rounding rule."""
    special_function_status: int | None = None
    """Undocumented special-function status."""
    error_code: int | None = None
    """Error code, 0 = none (§8.4)."""
    sub_error_code: int | None = None
    """Error sub-code."""
    minor_code: int | None = None
    """Minor alarm code (shown as R%03d; §17.6)."""
    smart_diagnostic: int | None = None
    """0 = nothing found."""
    fault_status1: int | None = None
    """Fault bitfield 1."""
    fault_status2: int | None = None
    """Fault bitfield 2."""
    wifi_rssi: int | None = None
    """Wi-Fi signal as reported."""
    did_reload: bool | None = None
    """Device recently reloaded."""
    operation_mode: CurrentOperationMode = CurrentOperationMode.UNKNOWN
    """What the unit does now."""
    dhw_operation_setting: DhwOperationSetting = DhwOperationSetting.UNKNOWN
    """Configured mode."""
    operation_busy: bool | None = None
    """Heating cycle in progress."""
    dhw_operation_busy: bool | None = None
    """Heating to meet demand."""
    current_heat_use: HeatSource = HeatSource.UNKNOWN
    """Active heat source."""
    comp_use: bool | None = None
    """Compressor running."""
    heat_upper_use: bool | None = None
    """Upper element on."""
    heat_lower_use: bool | None = None
    """Lower element on."""
    eev_use: bool | None = None
    """Expansion valve active."""
    eva_fan_use: bool | None = None
    """Evaporator fan on."""
    eev_step: int | None = None
    """Expansion valve position (steps)."""
    target_fan_rpm: int | None = None
    """RPM."""
    current_fan_rpm: int | None = None
    """RPM."""
    fan_pwm: int | None = None
    """Raw PWM value (not a percentage)."""
    current_inst_power: int | None = None
    """W, elements included (§17.1)."""
    dhw_charge_percent: int | None = None
    """Tank charge %."""
    total_energy_capacity_wh: int | None = None
    """Wh for a full recovery (4 Wh counts)."""
    available_energy_capacity_wh: int | None = None
    """Wh still needed (4 Wh counts)."""
    dhw_temperature: float | None = None
    """°C, in-tank DHW reading."""
    dhw_temperature2: float | None = None
    """°C, second DHW reading."""
    dhw_temperature_setting: float | None = None
    """°C set-point."""
    dhw_target_temperature_setting: float | None = None
    """°C set-point (duplicate)."""
    tank_upper_temperature: float | None = None
    """°C."""
    tank_lower_temperature: float | None = None
    """°C."""
    discharge_temperature: float | None = None
    """°C refrigerant discharge."""
    suction_temperature: float | None = None
    """°C refrigerant suction."""
    evaporator_temperature: float | None = None
    """°C evaporator coil."""
    ambient_temperature: float | None = None
    """°C intake air."""
    target_super_heat: float | None = None
    """°C difference (a delta)."""
    current_super_heat: float | None = None
    """°C difference (a delta, may be negative)."""
    outside_temperature: float | None = None
    """°C (raw / 2)."""
    current_inlet_temperature: float | None = None
    """°C (reads 0 on real units)."""
    current_dhw_flow_rate: float | None = None
    """L/min."""
    cumulated_dhw_flow: int | None = None
    """Litres delivered."""
    mixing_rate: int | None = None
    """Mixing valve %."""
    dhw_use: bool | None = None
    """Hot water drawn now."""
    dhw_use_sustained: bool | None = None
    """Sustained draw."""
    freeze_protection_use: bool | None = None
    """Freeze protection on."""
    freeze_protection_temperature: float | None = None
    """°C threshold."""
    freeze_protection_temp_min: float | None = None
    """°C."""
    freeze_protection_temp_max: float | None = None
    """°C."""
    program_reservation_use: bool | None = None
    """Reservation program on."""
    program_reservation_type: int | None = None
    """Program type."""
    eco_use: bool | None = None
    """ECO high limit flag (True in normal operation)."""
    scald_use: bool | None = None
    """Scald flag (True in normal operation)."""
    shut_off_valve_use: bool | None = None
    """Shut-off valve."""
    con_ovr_sensor_use: bool | None = None
    """Condensate overflow sensor."""
    wtr_ovr_sensor_use: bool | None = None
    """Water leak sensor."""
    error_buzzer_use: bool | None = None
    """Buzzer enabled."""
    anti_legionella_use: bool | None = None
    """Anti-legionella enabled."""
    anti_legionella_period: int | None = None
    """Days."""
    anti_legionella_operation_busy: bool | None = None
    """Disinfection running."""
    vacation_day_setting: int | None = None
    """Days."""
    vacation_day_elapsed: int | None = None
    """Days."""
    air_filter_alarm_use: bool | None = None
    """Filter reminder enabled."""
    air_filter_alarm_period: int | None = None
    """H."""
    air_filter_alarm_elapsed: int | None = None
    """H (unconfirmed)."""
    cumulated_op_time_eva_fan: int | None = None
    """Fan h since filter reset."""
    current_statenum: int | None = None
    """Internal state id."""
    dr_event_status: DrEvent = DrEvent.UNKNOWN
    """Demand-response event."""
    dr_override_active: bool | None = None
    """DR override applied (§17.1)."""
    tou_enabled: bool | None = None
    """TOU enabled (non-zero)."""
    tou_override_active: bool | None = None
    """1 = user override."""
    hp_upper_on_temp_setting: float | None = None
    """°C."""
    hp_upper_off_temp_setting: float | None = None
    """°C."""
    hp_lower_on_temp_setting: float | None = None
    """°C."""
    hp_lower_off_temp_setting: float | None = None
    """°C."""
    he_upper_on_temp_setting: float | None = None
    """°C."""
    he_upper_off_temp_setting: float | None = None
    """°C."""
    he_lower_on_temp_setting: float | None = None
    """°C."""
    he_lower_off_temp_setting: float | None = None
    """°C."""
    hp_upper_on_diff_temp_setting: float | None = None
    """°C delta."""
    hp_upper_off_diff_temp_setting: float | None = None
    """°C delta."""
    hp_lower_on_diff_temp_setting: float | None = None
    """°C delta."""
    hp_lower_off_diff_temp_setting: float | None = None
    """°C delta."""
    he_upper_on_diff_temp_setting: float | None = None
    """°C delta."""
    he_upper_off_diff_temp_setting: float | None = None
    """°C delta."""
    he_lower_on_diff_temp_setting: float | None = None
    """°C delta (wire typo kept)."""
    he_lower_off_diff_temp_setting: float | None = None
    """°C delta."""
    heat_min_op_temperature: float | None = None
    """°C lowest set-point in this mode."""
    recirc_operation_mode: RecirculationMode = RecirculationMode.UNKNOWN
    """Recirculation mode."""
    recirc_pump_operation_status: int | None = None
    """Pump status."""
    recirc_hot_btn_ready: int | None = None
    """Hot button ready."""
    recirc_operation_reason: int | None = None
    """Reason code."""
    recirc_error_status: int | None = None
    """Recirc error."""
    recirc_operation_busy: bool | None = None
    """Recirc running."""
    recirc_reservation_use: bool | None = None
    """Recirc schedule on."""
    recirc_temp_setting: float | None = None
    """°C."""
    recirc_temperature: float | None = None
    """°C."""
    recirc_faucet_temperature: float | None = None
    """°C."""
    recirc_dhw_flow_rate: float | None = None
    """L/min."""
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """The wire ``status`` object as received."""

    @property
    def usable_energy_wh(self) -> int | None:
        """Heat above the 40.5 °C reference now in the tank: max(0, total - needed)."""
        if (
            self.total_energy_capacity_wh is None
            or self.available_energy_capacity_wh is None
        ):
            return None
        return max(0, self.total_energy_capacity_wh - self.available_energy_capacity_wh)


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
