"""Typed, immutable models of NaviLink messages and their total parsers.

Every ``parse_*`` function accepts anything and never raises: absent or malformed
fields become None (or an enum's UNKNOWN) and the problem is logged once per
process (see ``decode``). Status and feature live in their own modules and
are re-exported here.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
import re
from typing import Any

from .decode import Reader, as_mapping, report, reset_reported
from .enums import ReservationMode, Weekday
from .feature import CAPABILITY_FLAGS, DeviceFeature, parse_feature
from .status import DeviceStatus
from .status_fields import STATUS_FIELDS, parse_status

__all__ = [
    "CAPABILITY_FLAGS",
    "STATUS_FIELDS",
    "Device",
    "DeviceFeature",
    "DeviceStatus",
    "EnergyCounters",
    "EnergyMonth",
    "EnergyUsage",
    "PayloadKind",
    "ReservationEntry",
    "ReservationSchedule",
    "extract_payload",
    "parse_device",
    "parse_energy",
    "parse_feature",
    "parse_reservations",
    "parse_status",
    "reset_reported",
]

NWP500_DEVICE_TYPE = 52
_MAC = re.compile(r"[0-9a-f]{12}")


@dataclass(frozen=True, slots=True)
class Device:
    """One heater from ``/device/list`` (§2.5); ``mac`` is 12 lowercase hex digits."""

    mac: str
    additional_value: str
    device_type: int
    name: str
    home_seq: int | None = None
    connected: bool | None = None
    """``deviceInfo.connected``: 2 = True, 1 = False, anything else None."""
    model_type_code: int | None = None

    @property
    def reply_home_seq(self) -> int:
        """``homeSeq`` for the five-segment reply form; 0 when the list gave none (§17.4)."""
        return 0 if self.home_seq is None else self.home_seq

    @property
    def is_nwp500(self) -> bool:
        """Whether this is an NWP500 (device type 52); others speak another protocol."""
        return self.device_type == NWP500_DEVICE_TYPE


def parse_device(raw: Mapping[str, Any]) -> Device | None:
    """Decode a ``/device/list`` entry, or None without a usable MAC address or type.

    Reads ``raw["deviceInfo"]`` (or ``raw`` itself when that key is absent). Without
    ``deviceType`` a device is no NWP500 and cannot be addressed (its topics carry
    the type), so it is left out; a missing ``additionalValue`` is "" (§5.1).
    """
    top = as_mapping(raw, "device")
    info = Reader(top.get("deviceInfo", top), "device.deviceInfo")
    mac_text = info.text("macAddress")
    mac = None if mac_text is None else re.sub(r"[:\-\s]", "", mac_text).lower()
    if mac is None or not _MAC.fullmatch(mac):
        if mac_text is not None:
            report("device.deviceInfo.macAddress", "not 12 hex digits", mac_text)
        return None
    device_type = info.integer("deviceType")
    if device_type is None:
        report("device.deviceInfo.deviceType", "missing: not an NWP500", mac)
        return None
    return Device(
        mac=mac,
        additional_value=info.text("additionalValue") or "",
        device_type=device_type,
        name=info.text("deviceName") or "",
        home_seq=info.integer("homeSeq"),
        connected=info.one_of("connected", {0: None, 1: False, 2: True}),
        model_type_code=info.integer("modelTypeCode"),
    )


class PayloadKind(StrEnum):
    """Which model a device message carries."""

    STATUS = "status"
    FEATURE = "feature"


_PAYLOAD_KEYS = (
    (PayloadKind.STATUS, ("status", "st")),
    (PayloadKind.FEATURE, ("feature", "did")),
)


def extract_payload(message: object) -> tuple[PayloadKind, Mapping[str, Any]] | None:
    """Find the status or feature object of a device message (§5.2), or None.

    Looks in ``response`` first, then at the top level, trying ``status``/``st``
    before ``feature``/``did``.
    """
    if not isinstance(message, Mapping):
        return None
    response = message.get("response")
    scopes = [response, message] if isinstance(response, Mapping) else [message]
    for kind, keys in _PAYLOAD_KEYS:
        for scope in scopes:
            for key in keys:
                value = scope.get(key)
                if isinstance(value, Mapping):
                    return kind, value
    return None


@dataclass(frozen=True, slots=True)
class EnergyCounters:
    """Energy (Wh) and run time (h) of the heat pump and the elements (§10)."""

    heat_pump_wh: int | None = None
    element_wh: int | None = None
    heat_pump_hours: int | None = None
    element_hours: int | None = None

    @property
    def total_wh(self) -> int | None:
        """Heat pump plus elements, or None if either is unknown."""
        if self.heat_pump_wh is None or self.element_wh is None:
            return None
        return self.heat_pump_wh + self.element_wh


@dataclass(frozen=True, slots=True)
class EnergyMonth:
    """One ``usage`` entry: counters by position, index 0 = day 1.

    For the monthly query (§17.6) ``month`` is None and ``days`` holds 12 months.
    """

    year: int | None
    month: int | None
    days: tuple[EnergyCounters, ...]


@dataclass(frozen=True, slots=True)
class EnergyUsage:
    """An energy-usage reply (§10, §17.6); ``total`` is lifetime, whatever was asked."""

    type_of_usage: int | None
    total: EnergyCounters | None
    months: tuple[EnergyMonth, ...]
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)


def _counters(raw: object, scope: str) -> EnergyCounters:
    reader = Reader(raw, scope)
    return EnergyCounters(
        heat_pump_wh=reader.integer("hpUsage"),
        element_wh=reader.integer("heUsage"),
        heat_pump_hours=reader.integer("hpTime"),
        element_hours=reader.integer("heTime"),
    )


def _sequence(value: object, scope: str) -> Sequence[Any]:
    if isinstance(value, list | tuple):
        return value
    report(scope, "expected a list", value, missing=value is None)
    return ()


def parse_energy(raw: Mapping[str, Any]) -> EnergyUsage:
    """Decode the ``response`` of an energy query; never raises.

    Malformed day entries keep their position (all fields None) so that the index
    still matches the day of the month.
    """
    reader = Reader(raw, "energy")
    total_raw = reader.raw.get("total")
    months = []
    for item in _sequence(reader.raw.get("usage"), "energy.usage"):
        month = Reader(item, "energy.usage[]")
        days = _sequence(month.raw.get("data"), "energy.usage[].data")
        months.append(
            EnergyMonth(
                year=month.integer("year"),
                # The monthly query's entries have no month (§17.6): absence is normal.
                month=month.integer("month") if month.has("month") else None,
                days=tuple(_counters(day, "energy.usage[].data[]") for day in days),
            )
        )
    return EnergyUsage(
        type_of_usage=reader.integer("typeOfUsage"),
        total=None if total_raw is None else _counters(total_raw, "energy.total"),
        months=tuple(months),
        raw=dict(reader.raw),
    )


@dataclass(frozen=True, slots=True)
class ReservationEntry:
    """One program entry (§11.1): at ``hour:minute`` on ``week`` days switch to ``mode``.

    ``week`` is the §7.5 bitfield (Sunday = 128 ... Saturday = 2); ``temperature``
    is the target in °C (wire ``param`` / 2).
    """

    enabled: bool
    week: int
    hour: int
    minute: int
    mode: ReservationMode
    temperature: float

    @property
    def weekdays(self) -> Weekday:
        """The ``week`` bitfield as flags."""
        return Weekday(self.week & 0xFE)


@dataclass(frozen=True, slots=True)
class ReservationSchedule:
    """The stored program (§11.1, §17.1); ``invalid_entries`` counts undecodable ones."""

    reservation_use: bool | None
    entries: tuple[ReservationEntry, ...]
    invalid_entries: int = 0
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def canonical(self) -> tuple[ReservationEntry, ...]:
        """Entries sorted by time of day, to confirm a write by content (§11.4)."""
        return tuple(sorted(self.entries, key=_time_order))


def _time_order(entry: ReservationEntry) -> tuple[int, int, int, int, float, bool]:
    return (
        entry.hour,
        entry.minute,
        entry.week,
        entry.mode,
        entry.temperature,
        entry.enabled,
    )


_ENTRY_KEYS = ("enable", "week", "hour", "min", "mode", "param")


def _entry(values: Sequence[int]) -> ReservationEntry:
    enable, week, hour, minute, mode, param = values
    return ReservationEntry(
        enabled=enable == 2,
        week=week,
        hour=hour,
        minute=minute,
        mode=ReservationMode.from_raw(mode),
        temperature=param / 2,
    )


def _hex_records(text: str) -> list[Sequence[int]] | None:
    """6-byte records of a reservation hex string (§7.8); empty slots skipped."""
    try:
        data = bytes.fromhex(text)
    except ValueError:
        report("reservation.reservation", "not a hex string", text)
        return None
    records = [data[i : i + 6] for i in range(0, len(data) - len(data) % 6, 6)]
    return [list(record) for record in records if any(record)]


def parse_reservations(raw: Mapping[str, Any]) -> ReservationSchedule:
    """Decode a reservation reply ``response``: ``reservation`` as a list or hex string."""
    reader = Reader(raw, "reservation")
    value = reader.raw.get("reservation")
    entries: list[ReservationEntry] = []
    invalid = 0
    if isinstance(value, str):
        records = _hex_records(value)
        if records is None:
            invalid = 1
        entries = [_entry(record) for record in records or ()]
    else:
        for item in _sequence(value, "reservation.reservation"):
            entry = Reader(item, "reservation.reservation[]")
            fields = [entry.integer(key) for key in _ENTRY_KEYS]
            numbers = [number for number in fields if number is not None]
            if len(numbers) == len(_ENTRY_KEYS):
                entries.append(_entry(numbers))
            else:
                invalid += 1
    return ReservationSchedule(
        reservation_use=reader.tri("reservationUse"),
        entries=tuple(entries),
        invalid_entries=invalid,
        raw=dict(reader.raw),
    )
