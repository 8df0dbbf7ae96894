"""The NaviLink wire format: models, enums, command builders, topics and inbound decoding (pure data, no I/O)."""

from . import commands, topics
from .commands import (
    ANTI_LEGIONELLA_DAYS,
    DHW_TEMPERATURE_MAX_C,
    DHW_TEMPERATURE_MIN_C,
    VACATION_DAYS,
    Command,
    air_filter_reset,
    anti_legionella,
    demand_response,
    has_intent,
    intent_met,
    tou,
)
from .diagnostics import Diagnostics, parse_diagnostics
from .enums import (
    CurrentOperationMode,
    DhwOperationSetting,
    DhwTemperaturePrecision,
    DrEvent,
    HeatSource,
    ReservationMode,
    Weekday,
    WireEnum,
    error_description,
)
from .errors import CommandValidationError, NaviLinkError
from .feature import DeviceFeature, parse_feature
from .inbound import Inbound, InboundDecoder, InboundKind
from .models import (
    Device,
    EnergyCounters,
    ReservationEntry,
    ReservationSchedule,
    parse_device,
    parse_energy,
    parse_reservations,
)
from .status import STATUS_FIELDS, DeviceStatus, parse_status

__all__ = [
    "ANTI_LEGIONELLA_DAYS",
    "DHW_TEMPERATURE_MAX_C",
    "DHW_TEMPERATURE_MIN_C",
    "STATUS_FIELDS",
    "VACATION_DAYS",
    "Command",
    "CommandValidationError",
    "CurrentOperationMode",
    "Device",
    "DeviceFeature",
    "DeviceStatus",
    "DhwOperationSetting",
    "DhwTemperaturePrecision",
    "Diagnostics",
    "DrEvent",
    "EnergyCounters",
    "HeatSource",
    "Inbound",
    "InboundDecoder",
    "InboundKind",
    "NaviLinkError",
    "ReservationEntry",
    "ReservationMode",
    "ReservationSchedule",
    "Weekday",
    "WireEnum",
    "air_filter_reset",
    "anti_legionella",
    "commands",
    "demand_response",
    "error_description",
    "has_intent",
    "intent_met",
    "parse_device",
    "parse_diagnostics",
    "parse_energy",
    "parse_feature",
    "parse_reservations",
    "parse_status",
    "topics",
    "tou",
]
