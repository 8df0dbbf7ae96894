"""
The NWP500's command codes and the checks it applies to a request's fields.

Shared by the heater (`navilink_sim.heater`) and its wire dicts
(`navilink_sim.heater_wire`); written from protocol.md alone.
"""

from collections.abc import Mapping
from typing import Any

DEVICE_INFO = 16777217
STATUS = 16777219
RESERVATION_READ = 16777222
ENERGY_DAILY = 16777225
RESERVATION_WRITE = 16777226  # also the monthly energy query, on another topic
DIAGNOSTICS = 16777228
POWER_OFF_CMD = 33554433
POWER_ON_CMD = 33554434
DHW_MODE = 33554437
DHW_TEMPERATURE = 33554464
GOOUT_DAY = 33554466
DR_OFF = 33554469
DR_ON = 33554470
ANTI_LEG_OFF = 33554471
ANTI_LEG_ON = 33554472
AIR_FILTER_RESET = 33554473
AIR_FILTER_LIFE = 33554474
TOU_OFF = 33554475
TOU_ON = 33554476
PUSH = 67108883
PACED = frozenset({POWER_OFF_CMD, POWER_ON_CMD, DHW_MODE, DHW_TEMPERATURE})

TEMP_MIN = 81  # half-°C, 40.5 °C
TEMP_MAX = 131  # half-°C, 65.5 °C
RESERVATION_KEYS = ("enable", "week", "hour", "min", "mode", "param")


def int_list(value: Any) -> list[int] | None:
    """Return `value` as a list of ints, or None when it is anything else."""
    if isinstance(value, list) and all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        return value
    return None


def reservation_entry(raw: Any) -> dict[str, int] | None:
    """Check one reservation entry (§11.1, §17.1); None when the device refuses it."""
    if not isinstance(raw, Mapping):
        return None
    entry: dict[str, Any] = {key: raw.get(key) for key in RESERVATION_KEYS}
    temperature = entry["mode"] in {1, 2, 3, 4}
    limits = {
        "enable": (1, 2),
        "week": (0, 254),
        "hour": (0, 23),
        "min": (0, 59),
        "mode": (0, 5),
        "param": (TEMP_MIN, TEMP_MAX) if temperature else (0, 255),
    }
    if any(
        type(entry[key]) is not int or not low <= entry[key] <= high
        for key, (low, high) in limits.items()
    ):
        return None
    return entry


def publishable(topic: str) -> bool:
    """Whether `topic` is a valid MQTT publish topic."""
    return bool(topic) and "#" not in topic and "+" not in topic
