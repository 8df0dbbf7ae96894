"""The diagnostics query (st/td/rd) and the decoding of its reply (protocol §17.5, §17.6)."""

from dataclasses import replace
import json
import logging
from typing import Any

import pytest

from custom_components.navien_nwp500.navilink.codec import commands as cmd
from custom_components.navien_nwp500.navilink.codec.decode import reset_reported
from custom_components.navien_nwp500.navilink.codec.diagnostics import (
    Diagnostics,
    parse_diagnostics,
)
from custom_components.navien_nwp500.navilink.codec.models import Device
from custom_components.navien_nwp500.navilink.codec.topics import envelope
from custom_components.navien_nwp500.navilink.session.addressing import Addressing
from custom_components.navien_nwp500.navilink.session.replies import ReplyRouter

DEVICE = Device("aabbccddeeff", "1234", 52, "NWP500", 1, True, 513)

# The shape of a captured reply (nwp500-python's docs), values of our own.
REPLY: dict[str, Any] = {
    "deviceType": 52,
    "macAddress": "aabbccddeeff",
    "additionalValue": "1234",
    "typeOfTD": 2,
    "data": {
        "tsData": {
            "cumulatedPwrHp": 1266585,
            "cumulatedPwrHe": 146337,
            "daysSinceInstallation": 359,
            "cumulatedOccNumEco": 1,
            "cumulatedOccNumDryFire": 0,
            "numOffRostProtectBurn": 4,
            "cumulatedOccNumConOvrFlow": 3,
            "cumulatedOccNumWtrOvrFlow": 0,
        },
        "tcData": {},
        "tdData": {"numOfdhwUse": 812, "numOfLongDhwUse": 90, "numOfShortDhwUse": 722},
        "taData": {
            "cumulatedOpTimeComp": 3124,
            "cumulatedOpNumComp": 2040,
            "cumulatedOpTimeUhe": 30,
            "cumulatedOpTimeLhe": 5,
            "cumulatedOpNumUhe": 60,
            "cumulatedOpNumLhe": 7,
            "cumulatedOpTimeEvaFan": 3120,
        },
    },
}


def test_query_without_a_known_home_asks_for_the_five_segment_form_with_0() -> None:
    command = cmd.diagnostics_query(replace(DEVICE, home_seq=None))
    wire = envelope(command, client_id="cid", session_id="s", device_type=52)
    assert b'"responseTopic":"cmd/52/0/0/cid/res/td/rd"' in wire


@pytest.mark.parametrize(("home_seq", "home"), [(None, "0"), (0, "0"), (7, "7")])
def test_the_session_listens_where_the_reply_is_asked_for(
    home_seq: int | None, home: str
) -> None:
    device = replace(DEVICE, home_seq=home_seq)
    addressing = Addressing([device], "cid", ReplyRouter("cid"))
    _, payload = addressing.request(cmd.diagnostics_query(device))
    reply_topic = json.loads(payload)["responseTopic"]
    assert reply_topic == f"cmd/52/{home}/0/cid/res/td/rd"
    assert f"cmd/52/{home}/0/cid/res/#" in addressing.subscriptions()


def test_query_is_published_on_st_td_rd_and_answered_on_res_td_rd() -> None:
    command = cmd.diagnostics_query(DEVICE)
    assert command.topic_suffix == "st/td/rd"
    assert command.response_suffix == "td/rd"
    assert not command.paced
    assert command.supersede_key is None
    assert dict(command.request) == {
        "command": 16777228,
        "deviceType": 52,
        "macAddress": "aabbccddeeff",
        "additionalValue": "1234",
    }
    wire = envelope(command, client_id="cid", session_id="s", device_type=52)
    assert b'"responseTopic":"cmd/52/1/0/cid/res/td/rd"' in wire


def test_reply_is_decoded_with_the_wire_misspellings() -> None:
    parsed = parse_diagnostics(REPLY)
    assert parsed == Diagnostics(
        heat_pump_wh=1266585,
        element_wh=146337,
        days_installed=359,
        compressor_hours=3124,
        compressor_starts=2040,
        upper_element_hours=30,
        lower_element_hours=5,
        upper_element_starts=60,
        lower_element_starts=7,
        fan_hours=3120,
        draws=812,
        long_draws=90,
        short_draws=722,
        dry_fire_events=0,
        eco_trips=1,
        freeze_protection_events=4,
        condensate_overflows=3,
        water_overflows=0,
    )
    assert parsed.element_hours == 35
    assert parsed.element_starts == 67


@pytest.mark.parametrize(
    "reply",
    [
        {},
        {"data": None},
        {"data": {"tsData": "x", "taData": [], "tdData": 5}},
        {"data": {"taData": {"cumulatedOpTimeUhe": 3, "cumulatedOpTimeLhe": "2"}}},
    ],
)
def test_missing_or_malformed_parts_read_unknown(
    reply: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    reset_reported()
    with caplog.at_level(logging.DEBUG):
        parsed = parse_diagnostics(reply)
    assert parsed.heat_pump_wh is None
    assert parsed.compressor_hours is None
    assert parsed.element_hours is None  # one element unknown: the sum is unknown
    assert parsed.element_starts is None
