"""The NaviLink wire format: models, enums, command builders, topics and inbound decoding (pure data, no I/O)."""

from . import commands, topics
from .command import DHW_TEMPERATURE_MAX_C, DHW_TEMPERATURE_MIN_C, Command
from .commands import (
    ANTI_LEGIONELLA_DAYS,
    VACATION_DAYS,
    air_filter_reset,
    anti_legionella,
    demand_response,
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
from .inbound import InboundDecoder, InboundKind, InboundMessage
from .intent import has_intent, intent_met, setting_of, setting_shown
from .models import (
    Device,
    EnergyCounters,
    ReservationEntry,
    ReservationSchedule,
    parse_device,
    parse_energy,
    parse_reservations,
)
from .status import DeviceStatus
from .status_fields import STATUS_FIELDS, parse_status

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
    "InboundDecoder",
    "InboundKind",
    "InboundMessage",
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
    "setting_of",
    "setting_shown",
    "topics",
    "tou",
]
