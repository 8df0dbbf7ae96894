"""Which status setting a control changes, and what a status shows of it."""

from custom_components.navien_nwp500.navilink.codec import (
    Device,
    DhwOperationSetting,
    commands,
    parse_status,
    setting_of,
    setting_shown,
)
from custom_components.navien_nwp500.navilink.codec.enums import CommandCode

DEVICE = Device(
    mac="aabbccddeeff", additional_value="1234", device_type=52, name="NWP500"
)


def test_mode_and_power_controls_change_one_setting() -> None:
    operation = {
        setting_of(CommandCode.DHW_MODE),
        setting_of(CommandCode.POWER_ON),
        setting_of(CommandCode.POWER_OFF),
    }
    assert len(operation) == 1
    assert setting_of(CommandCode.DHW_TEMPERATURE) not in operation
    assert setting_of(CommandCode.STATUS_REQUEST) is None
    assert setting_of(67108883) is None  # a device-initiated snapshot
    assert setting_of("33554464") is None  # not an integer code


def test_vacation_days_count_only_while_on_vacation() -> None:
    mode = commands.set_dhw_mode(DEVICE, None, DhwOperationSetting.ELECTRIC)
    electric = parse_status({"dhwOperationSetting": 2, "vacationDaySetting": 3})
    vacation = parse_status({"dhwOperationSetting": 5, "vacationDaySetting": 3})
    later = parse_status({"dhwOperationSetting": 5, "vacationDaySetting": 2})
    assert setting_shown(mode, electric) == (DhwOperationSetting.ELECTRIC, 0)
    assert setting_shown(mode, vacation) != setting_shown(mode, later)
    assert setting_shown(mode, parse_status({})) is None  # mode not reported


def test_a_set_point_is_shown_by_the_set_point_alone() -> None:
    set_point = commands.set_dhw_temperature(DEVICE, None, 52.5)
    status = parse_status({"dhwTemperatureSetting": 110, "dhwOperationSetting": 1})
    assert setting_shown(set_point, status) == (55.0,)
    assert setting_shown(set_point, parse_status({"dhwOperationSetting": 1})) is None
