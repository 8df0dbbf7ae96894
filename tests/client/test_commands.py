"""Command builders: wire shape, validation against limits and capabilities, queue hints."""

import dataclasses
import json
from typing import Any

import pytest

from custom_components.navien_nwp500.navilink.codec import Command, commands as cmd
from custom_components.navien_nwp500.navilink.codec.enums import (
    DhwOperationSetting,
    DhwTemperaturePrecision,
    ReservationMode,
)
from custom_components.navien_nwp500.navilink.codec.errors import CommandValidationError
from custom_components.navien_nwp500.navilink.codec.models import (
    Device,
    DeviceFeature,
    ReservationEntry,
)

DEVICE = Device("aabbccddeeff", "1234", 52, "NWP500", 1, True, 513)
BASE = {"deviceType": 52, "macAddress": "aabbccddeeff", "additionalValue": "1234"}
FULL = DeviceFeature(
    dhw_temperature_min=40.5,
    dhw_temperature_max=65.5,
    dhw_temperature_setting_use=DhwTemperaturePrecision.HALF_DEGREE,
    power_use=True,
    holiday_use=True,
    dhw_use=True,
    program_reservation_use=True,
    dr_setting_use=True,
    anti_legionella_setting_use=True,
)
NOTHING = dataclasses.replace(
    FULL,
    power_use=False,
    holiday_use=False,
    dhw_use=False,
    program_reservation_use=False,
    dr_setting_use=False,
    anti_legionella_setting_use=False,
    dhw_temperature_setting_use=DhwTemperaturePrecision.DISABLED,
)


def wire(command: Command) -> Any:
    """Return the request as it goes on the wire (through JSON)."""
    return json.loads(json.dumps(command.request))


def control(code: int, mode: str, param: list[int]) -> dict[str, Any]:
    return {"command": code, **BASE, "mode": mode, "param": param, "paramStr": ""}


@pytest.mark.parametrize(
    ("build", "code", "topic", "response", "extra"),
    [
        (lambda: cmd.status_request(DEVICE), 16777219, "st", None, {}),
        (lambda: cmd.device_info_request(DEVICE, FULL), 16777217, "st/did", None, {}),
        (lambda: cmd.reservation_read(DEVICE), 16777222, "st/rsv/rd", "rsv/rd", {}),
        (
            lambda: cmd.energy_query(DEVICE, FULL, 2025, [7, 8, 9]),
            16777225,
            "st/energy-usage-daily-query/rd",
            "energy-usage-daily-query/rd",
            {"year": 2025, "month": [7, 8, 9]},
        ),
    ],
)
def test_plain_queries_have_no_mode_keys(
    build: Any, code: int, topic: str, response: str | None, extra: dict[str, Any]
) -> None:
    command: Command = build()
    assert wire(command) == {"command": code, **BASE, **extra}
    assert (command.topic_suffix, command.response_suffix) == (topic, response)
    assert (command.mac, command.supersede_key, command.paced) == (
        "aabbccddeeff",
        None,
        False,
    )


@pytest.mark.parametrize(
    ("build", "kind", "expected", "hints"),
    [
        (lambda f: cmd.power(DEVICE, f, True), "power", control(33554434, "power-on", []), (None, True)),
        (lambda f: cmd.power(DEVICE, f, False), "power", control(33554433, "power-off", []), (None, True)),
        (lambda f: cmd.set_dhw_mode(DEVICE, f, DhwOperationSetting.ENERGY_SAVER), "dhw_mode",
         control(33554437, "dhw-mode", [3]), (None, True)),
        (lambda f: cmd.set_dhw_mode(DEVICE, f, 1), "dhw_mode", control(33554437, "dhw-mode", [1]), (None, True)),
        (lambda f: cmd.set_vacation(DEVICE, f, 14), "vacation", control(33554437, "dhw-mode", [5, 14]), (None, True)),
        (lambda f: cmd.set_dhw_temperature(DEVICE, f, 60.0), "dhw_temperature",
         control(33554464, "dhw-temperature", [120]), ("aabbccddeeff:dhw_temperature", True)),
        (lambda f: cmd.anti_legionella(DEVICE, f, True, 10), "anti_legionella",
         control(33554472, "anti-leg-on", [10]), ("aabbccddeeff:anti_legionella", False)),
        (lambda f: cmd.anti_legionella(DEVICE, f, False), "anti_legionella",
         control(33554471, "anti-leg-off", []), ("aabbccddeeff:anti_legionella", False)),
        (lambda f: cmd.tou(DEVICE, f, True), "tou", control(33554476, "tou-on", []), ("aabbccddeeff:tou", False)),
        (lambda f: cmd.tou(DEVICE, f, False), "tou", control(33554475, "tou-off", []), ("aabbccddeeff:tou", False)),
        (lambda f: cmd.demand_response(DEVICE, f, True), "demand_response",
         control(33554470, "dr-on", []), ("aabbccddeeff:demand_response", False)),
        (lambda f: cmd.demand_response(DEVICE, f, False), "demand_response",
         control(33554469, "dr-off", []), ("aabbccddeeff:demand_response", False)),
        (lambda f: cmd.air_filter_reset(DEVICE, f), "air_filter_reset",
         control(33554473, "air-filter-reset", []), (None, False)),
    ],
)  # fmt: skip
@pytest.mark.parametrize("feature", [FULL, None], ids=["feature", "no-feature"])
def test_controls_on_the_wire(
    build: Any,
    kind: str,
    expected: dict[str, Any],
    hints: tuple[str | None, bool],
    feature: DeviceFeature | None,
) -> None:
    command: Command = build(feature)
    assert wire(command) == expected
    assert command.kind == kind
    assert (command.topic_suffix, command.response_suffix) == ("ctrl", None)
    assert (command.supersede_key, command.paced) == hints


@pytest.mark.parametrize(
    ("build", "feature_label"),
    [
        (lambda: cmd.power(DEVICE, NOTHING, True), "power control"),
        (lambda: cmd.set_dhw_mode(DEVICE, NOTHING, 1), "DHW mode control"),
        (lambda: cmd.set_vacation(DEVICE, NOTHING, 3), "DHW mode control"),
        (lambda: cmd.set_vacation(DEVICE, dataclasses.replace(FULL, holiday_use=False), 3), "vacation mode"),
        (lambda: cmd.set_dhw_temperature(DEVICE, NOTHING, 50), "temperature control"),
        (lambda: cmd.anti_legionella(DEVICE, NOTHING, True), "anti-legionella"),
        (lambda: cmd.anti_legionella(DEVICE, NOTHING, False), "anti-legionella"),
        (lambda: cmd.tou(DEVICE, NOTHING, True), "time of use"),
        (lambda: cmd.demand_response(DEVICE, NOTHING, False), "demand response"),
    ],
)  # fmt: skip
def test_capability_gating(build: Any, feature_label: str) -> None:
    with pytest.raises(CommandValidationError) as err:
        build()
    assert err.value.key == "not_supported"
    assert err.value.placeholders == {"feature": feature_label}


def test_capability_unknown_is_not_enforced() -> None:
    unknown = DeviceFeature()  # feature message without the flags
    assert cmd.power(DEVICE, unknown, True).request["command"] == 33554434
    assert cmd.set_vacation(DEVICE, unknown, 2).request["param"] == [5, 2]
    assert cmd.set_dhw_temperature(DEVICE, unknown, 50).request["param"] == [100]


@pytest.mark.parametrize(
    "mode", [0, 5, 6, 7, -1, True, 1.0, "1", None, DhwOperationSetting.VACATION]
)
def test_dhw_mode_refuses_everything_but_1_to_4(mode: Any) -> None:
    with pytest.raises(CommandValidationError) as err:
        cmd.set_dhw_mode(DEVICE, FULL, mode)
    assert err.value.key == "invalid_mode"
    assert isinstance(err.value, ValueError)


@pytest.mark.parametrize("days", [0, 31, -1, 1.5, True, "3", None])
def test_vacation_days_range(days: Any) -> None:
    with pytest.raises(CommandValidationError) as err:
        cmd.set_vacation(DEVICE, FULL, days)
    assert (err.value.key, err.value.placeholders) == (
        "invalid_days",
        {"min": "1", "max": "30"},
    )


def test_vacation_limits_accepted() -> None:
    assert cmd.set_vacation(DEVICE, None, 1).request["param"] == [5, 1]
    assert cmd.set_vacation(DEVICE, None, 30).request["param"] == [5, 30]


@pytest.mark.parametrize("days", [0, 31, 2.0, None])
def test_anti_legionella_period_range(days: Any) -> None:
    with pytest.raises(CommandValidationError) as err:
        cmd.anti_legionella(DEVICE, FULL, True, days)
    assert err.value.key == "invalid_days"
    # the period does not matter when disabling
    assert cmd.anti_legionella(DEVICE, FULL, False, days).request["param"] == []


@pytest.mark.parametrize(
    ("celsius", "param"),
    [
        (40.5, 81),
        (65.5, 131),
        (60.0, 120),
        (48.8889, 98),
        (60.25, 120),
        (60.75, 122),
        (50, 100),
    ],
)
def test_temperature_half_degree_encoding(celsius: float, param: int) -> None:
    assert cmd.set_dhw_temperature(DEVICE, FULL, celsius).request["param"] == [param]


@pytest.mark.parametrize(
    "celsius", [40.0, 66.0, 35.0, float("nan"), float("inf"), True, "60", None]
)
def test_temperature_outside_feature_limits(celsius: Any) -> None:
    with pytest.raises(CommandValidationError) as err:
        cmd.set_dhw_temperature(DEVICE, FULL, celsius)
    assert err.value.key == "temperature_out_of_range"
    assert err.value.placeholders == {"min": "40.5", "max": "65.5"}


def test_temperature_static_range_without_feature() -> None:
    assert cmd.set_dhw_temperature(DEVICE, None, 35.0).request["param"] == [70]
    with pytest.raises(CommandValidationError) as err:
        cmd.set_dhw_temperature(DEVICE, None, 66.0)
    assert err.value.placeholders == {"min": "35", "max": "65.5"}


@pytest.mark.parametrize(
    ("celsius", "param"), [(48.8889, 98), (48.4, 96), (65.5, 130), (40.5, 82)]
)
def test_temperature_whole_degree_precision(celsius: float, param: int) -> None:
    whole = dataclasses.replace(
        FULL, dhw_temperature_setting_use=DhwTemperaturePrecision.WHOLE_DEGREE
    )
    assert cmd.set_dhw_temperature(DEVICE, whole, celsius).request["param"] == [param]


ENTRY = ReservationEntry(True, 124, 6, 30, ReservationMode.ENERGY_SAVER, 60.0)


def test_reservation_write_round_trip() -> None:
    off = ReservationEntry(False, 130, 22, 0, ReservationMode.POWER_OFF, 0.0)
    command = cmd.reservation_write(DEVICE, FULL, [ENTRY, off], True)
    assert wire(command) == {
        "command": 16777226,
        **BASE,
        "reservationUse": 2,
        "reservation": [
            {"enable": 2, "week": 124, "hour": 6, "min": 30, "mode": 3, "param": 120},
            {"enable": 1, "week": 130, "hour": 22, "min": 0, "mode": 5, "param": 0},
        ],
    }
    assert (command.topic_suffix, command.response_suffix) == ("ctrl/rsv/rd", "rsv/rd")
    assert (command.supersede_key, command.paced) == (
        "aabbccddeeff:reservation_write",
        False,
    )
    disabled = cmd.reservation_write(DEVICE, FULL, [], False)
    assert wire(disabled)["reservationUse"] == 1
    assert wire(disabled)["reservation"] == []


@pytest.mark.parametrize(
    ("change", "key", "field"),
    [
        ({"hour": 24}, "invalid_reservation", "time"),
        ({"hour": -1}, "invalid_reservation", "time"),
        ({"minute": 60}, "invalid_reservation", "time"),
        ({"week": 0}, "invalid_reservation", "days"),
        ({"week": 1}, "invalid_reservation", "days"),
        ({"week": 256}, "invalid_reservation", "days"),
        ({"mode": ReservationMode.UNUSED}, "invalid_reservation", "mode"),
        ({"mode": ReservationMode.UNKNOWN}, "invalid_reservation", "mode"),
        ({"temperature": 40.0}, "reservation_temperature_out_of_range", None),
        ({"temperature": 66.0}, "reservation_temperature_out_of_range", None),
    ],
)
def test_reservation_write_validation(
    change: dict[str, Any], key: str, field: str | None
) -> None:
    bad = dataclasses.replace(ENTRY, **change)
    with pytest.raises(CommandValidationError) as err:
        cmd.reservation_write(DEVICE, FULL, [ENTRY, bad], True)
    assert err.value.key == key
    assert err.value.placeholders["index"] == "2"
    if field is not None:
        assert err.value.placeholders["field"] == field


def test_reservation_write_names_the_entry_outside_the_heater_limits() -> None:
    # 40.5-65.5 °C is this heater's range (FULL); 35 °C is inside the static one
    low = dataclasses.replace(ENTRY, temperature=35.0)
    with pytest.raises(CommandValidationError) as err:
        cmd.reservation_write(DEVICE, FULL, [ENTRY, ENTRY, low], True)
    assert err.value.key == "reservation_temperature_out_of_range"
    assert err.value.placeholders == {
        "index": "3",
        "temperature": "35.0",
        "min": "40.5",
        "max": "65.5",
    }
    edges = [dataclasses.replace(ENTRY, temperature=t) for t in (40.5, 65.5)]
    params = [
        e["param"]
        for e in wire(cmd.reservation_write(DEVICE, FULL, edges, True))["reservation"]
    ]
    assert params == [81, 131]


@pytest.mark.parametrize(
    "feature",
    [
        None,
        dataclasses.replace(FULL, dhw_temperature_min=None),
        dataclasses.replace(FULL, dhw_temperature_max=None),
    ],
)
def test_reservation_write_is_refused_until_the_feature_gave_the_limits(
    feature: DeviceFeature | None,
) -> None:
    # no static fallback: the reference client needs the feature to check (§17.7)
    for entries in ([ENTRY], []):
        with pytest.raises(CommandValidationError) as err:
            cmd.reservation_write(DEVICE, feature, entries, True)
        assert err.value.key == "reservation_limits_unknown"


def test_reservation_write_power_off_param() -> None:
    # a power-off entry's temperature is not a set-point, only a byte
    off = dataclasses.replace(ENTRY, mode=ReservationMode.POWER_OFF, temperature=0.0)
    assert (
        cmd.reservation_write(DEVICE, FULL, [off], True).request["reservation"][0][
            "param"
        ]
        == 0
    )
    with pytest.raises(CommandValidationError):
        cmd.reservation_write(DEVICE, FULL, ["junk"], True)  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("year", "months", "key"),
    [
        (2025, [], "invalid_months"),
        (2025, [0], "invalid_months"),
        (2025, [13], "invalid_months"),
        (2025, [True], "invalid_months"),
        (2025, "789", "invalid_months"),
        (1999, [1], "invalid_year"),
        ("2025", [1], "invalid_year"),
    ],
)
def test_energy_query_validation(year: Any, months: Any, key: str) -> None:
    with pytest.raises(CommandValidationError) as err:
        cmd.energy_query(DEVICE, None, year, months)
    assert err.value.key == key


def test_command_is_immutable() -> None:
    command = cmd.status_request(DEVICE)
    with pytest.raises(dataclasses.FrozenInstanceError):
        command.kind = "x"  # type: ignore[misc]
