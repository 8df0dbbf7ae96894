"""Requests to the heater, validated before anything is sent (protocol.md §6, §12.5, §17).

Every builder takes ``(device, feature, ...)`` and raises ``CommandValidationError``
when an argument is outside the static protocol ranges or the heater's limits and
capability flags. When ``feature`` is None (not received yet) capability checks are
skipped and only static ranges apply; a capability flag the feature message left
out (None) is likewise not enforced. Only an explicit "not supported" refuses.

Supersede rule (the queue replaces a queued command with a newer one of the same
key): only commands whose newest value alone is the user's intent share a key per
device: the set-point, one on/off setting (TOU, demand response, anti-legionella)
and the reservation list (each write replaces the whole list). Power and DHW mode or
vacation never supersede: their order relative to each other matters (power off,
then choose a mode), so every one of them is replayed in order.
"""

from dataclasses import replace
import math
from typing import TYPE_CHECKING

from .command import (
    Command,
    CommandKind,
    build_control,
    build_query,
    dhw_limits,
    half_degrees,
    int_in_range,
    require,
)
from .enums import (
    CommandCode,
    DhwOperationSetting,
    DhwTemperaturePrecision,
    ReservationMode,
)
from .errors import CommandValidationError
from .models import ReservationEntry

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .models import Device, DeviceFeature

VACATION_DAYS = (1, 30)
ANTI_LEGIONELLA_DAYS = (1, 30)
ENERGY_YEARS = (2000, 2100)
_SELECTABLE_MODES = frozenset(
    {
        DhwOperationSetting.HEAT_PUMP,
        DhwOperationSetting.ELECTRIC,
        DhwOperationSetting.ENERGY_SAVER,
        DhwOperationSetting.HIGH_DEMAND,
    }
)


def status_request(device: Device, feature: DeviceFeature | None = None) -> Command:
    """Ask for a status snapshot (16777219 on ``st``)."""
    return build_query(
        device, CommandKind.STATUS_REQUEST, CommandCode.STATUS_REQUEST, "st"
    )


def device_info_request(
    device: Device, feature: DeviceFeature | None = None
) -> Command:
    """Ask for the feature message (16777217 on ``st/did``)."""
    return build_query(
        device,
        CommandKind.DEVICE_INFO_REQUEST,
        CommandCode.DEVICE_INFO_REQUEST,
        "st/did",
    )


def power(device: Device, feature: DeviceFeature | None, on: bool) -> Command:
    """Turn the heater on or off (needs ``powerUse``)."""
    require(feature, "power_use", "power control")
    if on:
        code, mode = CommandCode.POWER_ON, "power-on"
    else:
        code, mode = CommandCode.POWER_OFF, "power-off"
    return build_control(device, CommandKind.POWER, code, mode, [], paced=True)


def set_dhw_mode(
    device: Device, feature: DeviceFeature | None, mode: DhwOperationSetting | int
) -> Command:
    """Select DHW mode 1-4; vacation has its own builder, 0 and 6 are never sent."""
    if (
        isinstance(mode, bool)
        or not isinstance(mode, int)
        or mode not in _SELECTABLE_MODES
    ):
        raise CommandValidationError(
            "invalid_mode", f"DHW mode must be 1-4, got {mode!r}", {"mode": str(mode)}
        )
    require(feature, "dhw_use", "DHW mode control")
    return build_control(
        device,
        CommandKind.DHW_MODE,
        CommandCode.DHW_MODE,
        "dhw-mode",
        [int(mode)],
        paced=True,
    )


def set_vacation(device: Device, feature: DeviceFeature | None, days: int) -> Command:
    """Start vacation mode for 1-30 days: ``dhw-mode [5, days]`` (never goout-day, §14#6)."""
    days = int_in_range(days, VACATION_DAYS, "invalid_days", "Vacation days")
    require(feature, "dhw_use", "DHW mode control")
    require(feature, "holiday_use", "vacation mode")
    return build_control(
        device,
        CommandKind.VACATION,
        CommandCode.DHW_MODE,
        "dhw-mode",
        [int(DhwOperationSetting.VACATION), days],
        paced=True,
    )


def set_dhw_temperature(
    device: Device, feature: DeviceFeature | None, celsius: float
) -> Command:
    """Set the DHW set-point in °C, sent as half-degrees within the heater's limits.

    A heater reporting whole-degree precision (3) gets the nearest whole degree
    inside its range.
    """
    precision = feature.dhw_temperature_setting_use if feature else None
    if precision is DhwTemperaturePrecision.DISABLED:
        raise CommandValidationError(
            "not_supported",
            "This heater does not allow changing the set-point",
            {"feature": "temperature control"},
        )
    limits = dhw_limits(feature)
    param = half_degrees(celsius, limits)
    if precision is DhwTemperaturePrecision.WHOLE_DEGREE:
        whole = max(math.ceil(limits[0]), min(math.floor(limits[1]), round(celsius)))
        param = whole * 2
    return build_control(
        device,
        CommandKind.DHW_TEMPERATURE,
        CommandCode.DHW_TEMPERATURE,
        "dhw-temperature",
        [param],
        supersedes=True,
        paced=True,
    )


def anti_legionella(
    device: Device, feature: DeviceFeature | None, enabled: bool, period_days: int = 7
) -> Command:
    """Enable the disinfection cycle every ``period_days`` (1-30), or disable it."""
    require(feature, "anti_legionella_setting_use", "anti-legionella")
    if not enabled:
        return build_control(
            device,
            CommandKind.ANTI_LEGIONELLA,
            CommandCode.ANTI_LEGIONELLA_OFF,
            "anti-leg-off",
            [],
            supersedes=True,
        )
    days = int_in_range(
        period_days, ANTI_LEGIONELLA_DAYS, "invalid_days", "Anti-legionella period"
    )
    return build_control(
        device,
        CommandKind.ANTI_LEGIONELLA,
        CommandCode.ANTI_LEGIONELLA_ON,
        "anti-leg-on",
        [days],
        supersedes=True,
    )


def tou(device: Device, feature: DeviceFeature | None, enabled: bool) -> Command:
    """Switch time-of-use on or off, keeping the stored schedule (needs ``programReservationUse``)."""
    require(feature, "program_reservation_use", "time of use")
    code, mode = (
        (CommandCode.TOU_ON, "tou-on") if enabled else (CommandCode.TOU_OFF, "tou-off")
    )
    return build_control(device, CommandKind.TOU, code, mode, [], supersedes=True)


def demand_response(
    device: Device, feature: DeviceFeature | None, enabled: bool
) -> Command:
    """Switch demand response on or off (needs ``drSettingUse``)."""
    require(feature, "dr_setting_use", "demand response")
    code, mode = (
        (CommandCode.DR_ON, "dr-on") if enabled else (CommandCode.DR_OFF, "dr-off")
    )
    return build_control(
        device, CommandKind.DEMAND_RESPONSE, code, mode, [], supersedes=True
    )


def air_filter_reset(device: Device, feature: DeviceFeature | None = None) -> Command:
    """Reset the air-filter reminder (no capability check, §12.5)."""
    return build_control(
        device,
        CommandKind.AIR_FILTER_RESET,
        CommandCode.AIR_FILTER_RESET,
        "air-filter-reset",
        [],
    )


def reservation_read(device: Device, feature: DeviceFeature | None = None) -> Command:
    """Read the reservation program (16777222 on ``st/rsv/rd``; reply ``res/rsv/rd``)."""
    return build_query(
        device,
        CommandKind.RESERVATION_READ,
        CommandCode.RESERVATION_READ,
        "st/rsv/rd",
        response_suffix="rsv/rd",
    )


def _invalid_entry(index: int, part: str, value: object) -> CommandValidationError:
    return CommandValidationError(
        "invalid_reservation",
        f"Schedule entry {index} has an invalid {part}: {value!r}",
        {"index": str(index), "field": part},
    )


def _reservation_limits(feature: DeviceFeature | None) -> tuple[float, float]:
    """Return the set-point range entries are checked against; refuse while unknown.

    Like the reference client (§17.7), a schedule is only written once the feature
    message gave ``dhwTemperatureMin..Max``: no static fallback, which could let an
    entry outside this heater's installer limits through.
    """
    low = None if feature is None else feature.dhw_temperature_min
    high = None if feature is None else feature.dhw_temperature_max
    if low is None or high is None:
        raise CommandValidationError(
            "reservation_limits_unknown",
            "The heater has not reported its temperature limits yet",
        )
    return low, high


def _entry_param(index: int, temperature: float, limits: tuple[float, float]) -> int:
    """Encode an entry's set-point; out of ``limits`` is refused with the entry named."""
    try:
        return half_degrees(temperature, limits)
    except CommandValidationError as err:
        raise CommandValidationError(
            "reservation_temperature_out_of_range",
            f"Schedule entry {index}: {err}",
            {**err.placeholders, "index": str(index), "temperature": f"{temperature}"},
        ) from err


def _encode_entry(
    index: int, entry: ReservationEntry, limits: tuple[float, float]
) -> dict[str, int]:
    """Validate one entry (1-based ``index`` for messages) and build its wire object."""
    if not isinstance(entry, ReservationEntry):
        raise _invalid_entry(index, "entry", entry)
    if not (0 <= entry.hour <= 23 and 0 <= entry.minute <= 59):
        raise _invalid_entry(index, "time", f"{entry.hour}:{entry.minute}")
    if not (0 < entry.week <= 0xFF and entry.week & 0xFE):
        raise _invalid_entry(index, "days", entry.week)
    if not ReservationMode.HEAT_PUMP <= entry.mode <= ReservationMode.POWER_OFF:
        raise _invalid_entry(index, "mode", entry.mode)
    if entry.mode is ReservationMode.POWER_OFF:
        # A power-off entry's temperature is not applied; only keep it a valid byte.
        param = half_degrees(entry.temperature, (0, 127.5), index=str(index))
    else:
        param = _entry_param(index, entry.temperature, limits)
    return {
        "enable": 2 if entry.enabled else 1,
        "week": entry.week,
        "hour": entry.hour,
        "min": entry.minute,
        "mode": int(entry.mode),
        "param": param,
    }


def reservation_write(
    device: Device,
    feature: DeviceFeature | None,
    entries: Sequence[ReservationEntry],
    enabled: bool,
) -> Command:
    """Replace the whole reservation program (16777226 on ``ctrl/rsv/rd``).

    Build ``entries`` from a fresh read: the list replaces what the device holds
    (§11.1). Every entry's temperature is checked against the heater's set-point
    range, so the write is refused until the feature message has given it (§17.7).
    """
    limits = _reservation_limits(feature)
    wire = [
        _encode_entry(index, entry, limits) for index, entry in enumerate(entries, 1)
    ]
    # Each write is the complete list, so only the newest queued one matters.
    return build_query(
        device,
        CommandKind.RESERVATION_WRITE,
        CommandCode.RESERVATION_WRITE,
        "ctrl/rsv/rd",
        response_suffix="rsv/rd",
        fields={"reservationUse": 2 if enabled else 1, "reservation": wire},
        supersedes=True,
    )


def energy_query(
    device: Device, feature: DeviceFeature | None, year: int, months: Sequence[int]
) -> Command:
    """Ask for daily energy use of ``months`` (1-12) of ``year`` (16777225)."""
    year = int_in_range(year, ENERGY_YEARS, "invalid_year", "Year")
    month_list = list(months) if isinstance(months, list | tuple) else []
    if not month_list or any(
        isinstance(m, bool) or not isinstance(m, int) or not 1 <= m <= 12
        for m in month_list
    ):
        raise CommandValidationError(
            "invalid_months",
            f"Months must be 1-12, got {months!r}",
            {"min": "1", "max": "12"},
        )
    return build_query(
        device,
        CommandKind.ENERGY_QUERY,
        CommandCode.ENERGY_USAGE_QUERY,
        "st/energy-usage-daily-query/rd",
        response_suffix="energy-usage-daily-query/rd",
        fields={"year": year, "month": month_list},
    )


def diagnostics_query(device: Device, feature: DeviceFeature | None = None) -> Command:
    """Ask for the maintenance counters (16777228 on ``st/td/rd``, §17.5, §17.6).

    No capability flag gates it (§17.7). The heater sends its JSON reply only on
    the five-segment reply form ``cmd/{dt}/{homeSeq}/0/{cid}/res/td/rd`` (§17.4),
    so that form is always asked for, with homeSeq 0 when the device list gave none.
    """
    query = build_query(
        device,
        CommandKind.DIAGNOSTICS_QUERY,
        CommandCode.DIAGNOSTICS_QUERY,
        "st/td/rd",
        response_suffix="td/rd",
    )
    return replace(query, reply_home_seq=device.reply_home_seq)
