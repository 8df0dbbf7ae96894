"""Enumerations of the NaviLink wire protocol (protocol.md §8.3, §8.4, §9, §11.1, §17)."""

from enum import IntEnum, IntFlag
from typing import Self


class WireEnum(IntEnum):
    """An IntEnum decoded from the wire; every subclass defines an ``UNKNOWN`` member.

    ``UNKNOWN`` is -1 unless the protocol itself reserves a value for "unknown" (then
    that value is used). Decoding never raises: see :meth:`from_raw`.
    """

    @classmethod
    def from_raw(cls, value: object) -> Self:
        """Return the member for a wire integer, or ``UNKNOWN`` for anything else."""
        if isinstance(value, int) and not isinstance(value, bool):
            try:
                return cls(value)
            except ValueError:
                pass
        return cls["UNKNOWN"]

    @classmethod
    def is_known_value(cls, value: object) -> bool:
        """Tell whether ``value`` is a wire integer this enum defines (incl. UNKNOWN's)."""
        return cls.from_raw(value).name != "UNKNOWN" or value == cls["UNKNOWN"].value


class DhwOperationSetting(WireEnum):
    """Configured DHW mode (``dhwOperationSetting``); 0 appears in status only (§17.6)."""

    UNKNOWN = -1
    STANDBY = 0
    HEAT_PUMP = 1
    ELECTRIC = 2
    ENERGY_SAVER = 3
    HIGH_DEMAND = 4
    VACATION = 5
    POWER_OFF = 6


class CurrentOperationMode(WireEnum):
    """What the unit is doing now (``operationMode``); names are approximate (§8.3)."""

    UNKNOWN = -1
    STANDBY = 0
    HEAT_PUMP = 32
    HYBRID_EFFICIENCY = 64
    HYBRID_BOOST = 96


class HeatSource(WireEnum):
    """Active heat source (``currentHeatUse``)."""

    UNKNOWN = -1
    NONE = 0
    HEAT_PUMP = 1
    ELEMENT = 2
    HEAT_PUMP_AND_ELEMENT = 3


class DrEvent(WireEnum):
    """CTA-2045 demand-response event (``drEventStatus``; 6 per §17.6)."""

    UNKNOWN = -1
    NOT_APPLIED = 0
    RUN_NORMAL = 1
    SHED = 2
    LOADUP = 3
    LOADUP_ADVANCED = 4
    CUSTOMER_PEAK_EVENT = 5
    GRID_EMERGENCY = 6


class RecirculationMode(WireEnum):
    """Recirculation pump mode (``recircOperationMode``; meanings per §17.1)."""

    UNKNOWN = 0
    ALWAYS_ON = 1
    WEEKLY_SCHEDULE = 2
    HOT_BUTTON_ONLY = 3
    OFF = 4


class TemperatureType(WireEnum):
    """The unit's display preference; wire values are Celsius-based regardless."""

    UNKNOWN = -1
    CELSIUS = 1
    FAHRENHEIT = 2


class TempFormulaType(WireEnum):
    """How the vendor app rounds °F for ``outsideTemperature`` (§7.2)."""

    UNKNOWN = -1
    ASYMMETRIC = 0
    STANDARD = 1


class DhwTemperaturePrecision(WireEnum):
    """Feature ``dhwTemperatureSettingUse``: whether and how finely the set-point moves."""

    UNKNOWN = 0
    DISABLED = 1
    HALF_DEGREE = 2
    WHOLE_DEGREE = 3
    THREE_STAGE = 4


class VolumeCode(WireEnum):
    """Tank size (feature ``volumeCode``)."""

    UNKNOWN = -1
    GAL_50 = 1
    GAL_65 = 2
    GAL_80 = 3

    @property
    def gallons(self) -> int | None:
        """Nominal tank volume in US gallons, or None when unknown."""
        return {1: 50, 2: 65, 3: 80}.get(self.value)


class ReservationMode(WireEnum):
    """Mode a reservation entry switches to (§17.1: 5 = power off, no vacation)."""

    UNKNOWN = -1
    UNUSED = 0
    HEAT_PUMP = 1
    ELECTRIC = 2
    ENERGY_SAVER = 3
    HIGH_DEMAND = 4
    POWER_OFF = 5


class Weekday(IntFlag):
    """Day bits of the "MGPP week" bitfield (§7.5): Sunday = 128 ... Saturday = 2."""

    SATURDAY = 2
    FRIDAY = 4
    THURSDAY = 8
    WEDNESDAY = 16
    TUESDAY = 32
    MONDAY = 64
    SUNDAY = 128


ALL_WEEKDAYS = 254
"""Every day of the week as a ``week`` bitfield (bit 0 is unused)."""


class CommandCode(IntEnum):
    """Request codes this client sends (§6.2). Not decoded from the wire, so no UNKNOWN."""

    DEVICE_INFO_REQUEST = 16777217
    STATUS_REQUEST = 16777219
    RESERVATION_READ = 16777222
    ENERGY_USAGE_QUERY = 16777225
    RESERVATION_WRITE = 16777226
    DIAGNOSTICS_QUERY = 16777228
    POWER_OFF = 33554433
    POWER_ON = 33554434
    DHW_MODE = 33554437
    DHW_TEMPERATURE = 33554464
    DR_OFF = 33554469
    DR_ON = 33554470
    ANTI_LEGIONELLA_OFF = 33554471
    ANTI_LEGIONELLA_ON = 33554472
    AIR_FILTER_RESET = 33554473
    TOU_OFF = 33554475
    TOU_ON = 33554476


# errorCode -> (what failed, {subErrorCode: detail}). Own wording of the §8.4 table.
_LIMIT_DETAILS = {1: "reading below its range", 2: "reading above its range"}
_ERRORS: dict[int, tuple[str, dict[int, str]]] = {
    96: ("Upper heating element abnormal", {}),
    97: ("Lower heating element abnormal", {}),
    326: ("Dry-fire condition (element heating without water)", {}),
    407: ("Hot-water temperature sensor fault", _LIMIT_DETAILS),
    445: ("Mixing valve fault", {1: "does not open", 2: "does not close"}),
    480: ("Upper tank sensor fault", _LIMIT_DETAILS),
    481: ("Lower tank sensor fault", _LIMIT_DETAILS),
    515: (
        "Relay fault",
        {25: "upper element relay", 26: "lower element relay", 27: "compressor relay"},
    ),
    517: ("DIP switch fault", {}),
    593: ("Control panel key fault", {}),
    594: ("EEPROM fault", {}),
    595: ("Power meter fault", {}),
    596: ("Wi-Fi module fault", {}),
    598: ("Real-time clock fault", {}),
    615: (
        "Feedback signal fault",
        {
            4: "ADC reference",
            27: "ECO high limit",
            28: "compressor",
            29: "upper element",
            30: "lower element",
        },
    ),
    781: ("CTA-2045 communication fault", {}),
    798: ("Shut-off valve fault", {}),
    799: ("Water leak detected", {}),
    901: ("ECO high-limit cut-off operated", {}),
    907: ("Compressor power line fault", {}),
    908: ("Compressor operation fault", {}),
    909: ("Evaporator fan fault", {}),
    910: ("Discharge temperature sensor fault", _LIMIT_DETAILS),
    911: ("Discharge temperature too high", {}),
    912: ("Suction temperature sensor fault", _LIMIT_DETAILS),
    913: ("Suction temperature too low", {}),
    914: ("Evaporator temperature sensor fault", _LIMIT_DETAILS),
    915: ("Abnormal discharge-to-suction temperature difference", {}),
    916: ("Abnormal evaporator temperature", {}),
    920: ("Ambient air sensor fault", _LIMIT_DETAILS),
    940: ("Refrigerant line blocked", {}),
    990: ("Condensate overflow", {}),
}


def error_description(code: int | None, sub: int | None = None) -> str | None:
    """Describe ``errorCode``/``subErrorCode`` in English; None for 0, None or unlisted."""
    entry = _ERRORS.get(code) if isinstance(code, int) else None
    if entry is None:
        return None
    text, details = entry
    detail = details.get(sub) if isinstance(sub, int) else None
    return f"{text}: {detail}" if detail else text
