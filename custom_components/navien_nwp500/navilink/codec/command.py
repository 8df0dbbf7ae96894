"""The ``Command`` record and the helpers every command builder uses (protocol.md §5.1, §6)."""

from dataclasses import dataclass
from enum import StrEnum
import math
from typing import TYPE_CHECKING, Any

from .errors import CommandValidationError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .enums import CommandCode
    from .models import Device, DeviceFeature

DHW_TEMPERATURE_MIN_C = 35.0
DHW_TEMPERATURE_MAX_C = 65.5
"""Static set-point range used when the feature limits are unknown (§6.3)."""


class CommandKind(StrEnum):
    """Values of ``Command.kind``."""

    STATUS_REQUEST = "status_request"
    DEVICE_INFO_REQUEST = "device_info_request"
    POWER = "power"
    DHW_MODE = "dhw_mode"
    VACATION = "vacation"
    DHW_TEMPERATURE = "dhw_temperature"
    ANTI_LEGIONELLA = "anti_legionella"
    TOU = "tou"
    DEMAND_RESPONSE = "demand_response"
    AIR_FILTER_RESET = "air_filter_reset"
    RESERVATION_READ = "reservation_read"
    RESERVATION_WRITE = "reservation_write"
    ENERGY_QUERY = "energy_query"
    DIAGNOSTICS_QUERY = "diagnostics_query"


@dataclass(frozen=True, slots=True)
class Command:
    """One request for one heater, ready for ``topics.envelope``. Treat it as read-only."""

    mac: str
    kind: str
    topic_suffix: str
    """Relative to ``cmd/{dt}/navilink-{mac}/``."""
    response_suffix: str | None
    """None: the default ack topic; else ``cmd/{dt}/{cid}/res/{response_suffix}``."""
    request: Mapping[str, Any]
    supersede_key: str | None
    paced: bool
    """A mode, temperature or power control the device rate-limits (§17.4)."""
    reply_home_seq: int | None = None
    """Set: the reply comes on the five-segment form ``cmd/{dt}/{homeSeq}/0/{cid}/res/…``."""

    @property
    def acknowledged(self) -> bool:
        """Whether the device answers it with an ack snapshot or ``ctrl-fail`` (§5.2)."""
        return self.topic_suffix == "ctrl"


def request_base(device: Device, code: CommandCode) -> dict[str, Any]:
    """Return the fields every request starts with (§5.1)."""
    return {
        "command": int(code),
        "deviceType": device.device_type,
        "macAddress": device.mac,
        "additionalValue": device.additional_value,
    }


def build_query(
    device: Device,
    kind: CommandKind,
    code: CommandCode,
    topic_suffix: str,
    *,
    response_suffix: str | None = None,
    fields: Mapping[str, Any] | None = None,
    supersedes: bool = False,
) -> Command:
    """Build a request without mode/param/paramStr (§5.1), plus query ``fields``."""
    return Command(
        mac=device.mac,
        kind=kind,
        topic_suffix=topic_suffix,
        response_suffix=response_suffix,
        request=request_base(device, code) | dict(fields or {}),
        supersede_key=f"{device.mac}:{kind}" if supersedes else None,
        paced=False,
    )


def build_control(
    device: Device,
    kind: CommandKind,
    code: CommandCode,
    mode: str,
    param: list[int],
    *,
    supersedes: bool = False,
    paced: bool = False,
) -> Command:
    """Build a ``ctrl`` mode command: mode, param and an empty paramStr."""
    return Command(
        mac=device.mac,
        kind=kind,
        topic_suffix="ctrl",
        response_suffix=None,
        request=request_base(device, code)
        | {"mode": mode, "param": param, "paramStr": ""},
        supersede_key=f"{device.mac}:{kind}" if supersedes else None,
        paced=paced,
    )


def require(feature: DeviceFeature | None, flag: str, label: str) -> None:
    """Refuse when the feature says explicitly that ``flag`` is not supported."""
    if feature is not None and getattr(feature, flag) is False:
        raise CommandValidationError(
            "not_supported", f"This heater does not support {label}", {"feature": label}
        )


def int_in_range(value: object, bounds: tuple[int, int], key: str, what: str) -> int:
    """Return ``value`` if it is a whole number within ``bounds``; else raise ``key``."""
    low, high = bounds
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not low <= value <= high
    ):
        raise CommandValidationError(
            key,
            f"{what} must be a whole number from {low} to {high}, got {value!r}",
            {"min": str(low), "max": str(high)},
        )
    return value


def dhw_limits(feature: DeviceFeature | None) -> tuple[float, float]:
    """Return the heater's set-point range in °C, or the static one where unknown."""
    low = feature.dhw_temperature_min if feature else None
    high = feature.dhw_temperature_max if feature else None
    return (
        DHW_TEMPERATURE_MIN_C if low is None else low,
        DHW_TEMPERATURE_MAX_C if high is None else high,
    )


def half_degrees(celsius: object, limits: tuple[float, float], **extra: str) -> int:
    """Encode °C as half-degrees (``round(c*2)``) and check it against ``limits``."""
    low, high = round(limits[0] * 2), round(limits[1] * 2)
    if (
        isinstance(celsius, int | float)
        and not isinstance(celsius, bool)
        and math.isfinite(celsius)
        and low <= round(celsius * 2) <= high
    ):
        return round(celsius * 2)
    raise CommandValidationError(
        "temperature_out_of_range",
        f"Temperature {celsius!r} °C is outside {low / 2:g}-{high / 2:g} °C",
        {"min": f"{low / 2:g}", "max": f"{high / 2:g}", **extra},
    )
