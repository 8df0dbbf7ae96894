"""Device feature ("did") model (protocol.md §9, corrected by §17.1 and §17.6)."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .decode import Reader
from .enums import DhwTemperaturePrecision, TemperatureType, TempFormulaType, VolumeCode

if TYPE_CHECKING:
    from collections.abc import Mapping

# Capability flags (§9.3): attribute -> wire key. 2 = supported; 0 and 1 = not.
CAPABILITY_FLAGS: dict[str, str] = {
    "power_use": "powerUse",
    "holiday_use": "holidayUse",
    "program_reservation_use": "programReservationUse",
    "dhw_use": "dhwUse",
    "smart_diagnostic_use": "smartDiagnosticUse",
    "wifi_rssi_use": "wifiRssiUse",
    "energy_usage_use": "energyUsageUse",
    "freeze_protection_use": "freezeProtectionUse",
    "mixing_valve_use": "mixingValueUse",
    "dr_setting_use": "drSettingUse",
    "anti_legionella_setting_use": "antiLegionellaSettingUse",
    "hpwh_use": "hpwhUse",
    "dhw_refill_use": "dhwRefillUse",
    "eco_use": "ecoUse",
    "electric_use": "electricUse",
    "heatpump_use": "heatpumpUse",
    "energy_saver_use": "energySaverUse",
    "high_demand_use": "highDemandUse",
    "recirculation_use": "recirculationUse",
    "recirc_reservation_use": "recircReservationUse",
    "title24_use": "title24Use",
}
_INTEGERS: dict[str, str] = {
    "country_code": "countryCode",
    "model_type_code": "modelTypeCode",
    "control_type_code": "controlTypeCode",
    "controller_sw_version": "controllerSwVersion",
    "panel_sw_version": "panelSwVersion",
    "wifi_sw_version": "wifiSwVersion",
    "recirc_sw_version": "recircSwVersion",
    "controller_sw_code": "controllerSwCode",
    "panel_sw_code": "panelSwCode",
    "wifi_sw_code": "wifiSwCode",
    "recirc_model_type_code": "recircModelTypeCode",
}
_HALF_CELSIUS: dict[str, str] = {
    "dhw_temperature_min": "dhwTemperatureMin",
    "dhw_temperature_max": "dhwTemperatureMax",
    "freeze_protection_temp_min": "freezeProtectionTempMin",
    "freeze_protection_temp_max": "freezeProtectionTempMax",
    "recirc_temperature_min": "recircTemperatureMin",
    "recirc_temperature_max": "recircTemperatureMax",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviceFeature:
    """Static identity, firmware, limits and capabilities of one heater.

    Capability flags are True only for wire 2; None means the key was absent or
    malformed (builders then skip that check). Limits are °C. ``raw`` is excluded
    from ``==``/``hash``/``repr`` like in DeviceStatus.
    """

    country_code: int | None = None
    model_type_code: int | None = None
    """513 = NPF (heat-pump water heater)."""
    control_type_code: int | None = None
    volume_code: VolumeCode = VolumeCode.UNKNOWN
    controller_sw_version: int | None = None
    panel_sw_version: int | None = None
    wifi_sw_version: int | None = None
    recirc_sw_version: int | None = None
    controller_sw_code: int | None = None
    panel_sw_code: int | None = None
    wifi_sw_code: int | None = None
    recirc_model_type_code: int | None = None
    controller_serial_number: str | None = None
    """Needed for TOU (MQTT ``controllerSerialNumber``, REST ``controllerId``)."""
    temperature_type: TemperatureType = TemperatureType.UNKNOWN
    temp_formula_type: TempFormulaType = TempFormulaType.UNKNOWN
    dhw_temperature_min: float | None = None
    """Installer's minimum set-point, °C."""
    dhw_temperature_max: float | None = None
    freeze_protection_temp_min: float | None = None
    freeze_protection_temp_max: float | None = None
    recirc_temperature_min: float | None = None
    recirc_temperature_max: float | None = None
    dhw_temperature_setting_use: DhwTemperaturePrecision = (
        DhwTemperaturePrecision.UNKNOWN
    )
    """Set-point precision; not a boolean (§9.3)."""
    power_use: bool | None = None
    holiday_use: bool | None = None
    program_reservation_use: bool | None = None
    dhw_use: bool | None = None
    smart_diagnostic_use: bool | None = None
    wifi_rssi_use: bool | None = None
    energy_usage_use: bool | None = None
    freeze_protection_use: bool | None = None
    mixing_valve_use: bool | None = None
    """Wire key ``mixingValueUse`` (§17.1)."""
    dr_setting_use: bool | None = None
    anti_legionella_setting_use: bool | None = None
    hpwh_use: bool | None = None
    dhw_refill_use: bool | None = None
    eco_use: bool | None = None
    electric_use: bool | None = None
    heatpump_use: bool | None = None
    energy_saver_use: bool | None = None
    high_demand_use: bool | None = None
    recirculation_use: bool | None = None
    recirc_reservation_use: bool | None = None
    title24_use: bool | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """The wire ``feature`` object as received."""

    @property
    def volume_gallons(self) -> int | None:
        """Nominal tank size in US gallons, or None when unknown."""
        return self.volume_code.gallons

    @property
    def temperature_control_supported(self) -> bool:
        """Whether the set-point can be changed remotely (precision 2, 3 or 4)."""
        return self.dhw_temperature_setting_use in {
            DhwTemperaturePrecision.HALF_DEGREE,
            DhwTemperaturePrecision.WHOLE_DEGREE,
            DhwTemperaturePrecision.THREE_STAGE,
        }


def parse_feature(raw: Mapping[str, Any]) -> DeviceFeature:
    """Decode a wire ``feature`` object; never raises, bad fields become None/UNKNOWN."""
    reader = Reader(raw, "feature")
    values: dict[str, Any] = {
        attr: reader.integer(key) for attr, key in _INTEGERS.items()
    }
    values |= {attr: reader.half_celsius(key) for attr, key in _HALF_CELSIUS.items()}
    values |= {
        attr: reader.one_of(key, {0: False, 1: False, 2: True})
        for attr, key in CAPABILITY_FLAGS.items()
    }
    return DeviceFeature(
        **values,
        volume_code=reader.enum("volumeCode", VolumeCode),
        controller_serial_number=reader.text("controllerSerialNumber"),
        temperature_type=reader.enum("temperatureType", TemperatureType),
        temp_formula_type=reader.enum("tempFormulaType", TempFormulaType),
        dhw_temperature_setting_use=reader.enum(
            "dhwTemperatureSettingUse", DhwTemperaturePrecision
        ),
        raw=dict(reader.raw),
    )
