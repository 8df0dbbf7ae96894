"""Device status model (protocol.md §8.1, corrected by §17.1 and §17.6)."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .enums import (
    CurrentOperationMode,
    DhwOperationSetting,
    DrEvent,
    HeatSource,
    RecirculationMode,
    TemperatureType,
    TempFormulaType,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

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
