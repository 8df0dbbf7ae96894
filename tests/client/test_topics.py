"""Topic strings are pinned exactly; the envelope matches protocol.md §5.1."""

import json

import pytest

from custom_components.navien_nwp500.navilink.codec import (
    Command,
    commands as cmd,
    topics,
)
from custom_components.navien_nwp500.navilink.codec.models import Device, DeviceFeature

DEVICE = Device("aabbccddeeff", "1234", 52, "NWP500")
LIMITS = DeviceFeature(dhw_temperature_min=40.5, dhw_temperature_max=65.5)
CID = "navien-client-1a2b3c4d"


def test_topic_strings() -> None:
    assert (
        topics.device_topic(52, "aabbccddeeff", "ctrl")
        == "cmd/52/navilink-aabbccddeeff/ctrl"
    )
    assert (
        topics.device_topic(52, "aabbccddeeff", "st/did")
        == "cmd/52/navilink-aabbccddeeff/st/did"
    )
    assert (
        topics.ack_topic(52, "aabbccddeeff", CID)
        == "cmd/52/navilink-aabbccddeeff/navien-client-1a2b3c4d/res"
    )
    assert (
        topics.client_response_topic(52, CID, "rsv/rd")
        == "cmd/52/navien-client-1a2b3c4d/res/rsv/rd"
    )
    assert (
        topics.device_subscription(52, "aabbccddeeff")
        == "cmd/52/navilink-aabbccddeeff/#"
    )
    assert topics.client_subscription(52, CID) == "cmd/52/navien-client-1a2b3c4d/res/#"
    assert (
        topics.ctrl_fail_topic(52, "aabbccddeeff")
        == "cmd/52/navilink-aabbccddeeff/res/ctrl-fail"
    )


@pytest.mark.parametrize("bad", ["", "aa/bb", "+", "#", "aabb+"])
def test_topic_levels_cannot_inject_structure(bad: str) -> None:
    with pytest.raises(ValueError, match="MQTT topic level"):
        topics.device_subscription(52, bad)
    with pytest.raises(ValueError, match="MQTT topic level"):
        topics.client_subscription(52, bad)


def test_envelope_of_a_control() -> None:
    command = cmd.set_dhw_mode(DEVICE, None, 3)
    payload = topics.envelope(
        command, client_id=CID, session_id="abc123", device_type=52
    )
    assert json.loads(payload) == {
        "clientID": CID,
        "sessionID": "abc123",
        "protocolVersion": 2,
        "requestTopic": "cmd/52/navilink-aabbccddeeff/ctrl",
        "responseTopic": "cmd/52/navilink-aabbccddeeff/navien-client-1a2b3c4d/res",
        "request": {
            "command": 33554437,
            "deviceType": 52,
            "macAddress": "aabbccddeeff",
            "additionalValue": "1234",
            "mode": "dhw-mode",
            "param": [3],
            "paramStr": "",
        },
    }
    assert b" " not in payload  # compact JSON


@pytest.mark.parametrize(
    ("command", "request_topic", "response_topic"),
    [
        (
            cmd.status_request(DEVICE),
            "cmd/52/navilink-aabbccddeeff/st",
            "cmd/52/navilink-aabbccddeeff/navien-client-1a2b3c4d/res",
        ),
        (
            cmd.reservation_read(DEVICE),
            "cmd/52/navilink-aabbccddeeff/st/rsv/rd",
            "cmd/52/navien-client-1a2b3c4d/res/rsv/rd",
        ),
        (
            cmd.reservation_write(DEVICE, LIMITS, [], True),
            "cmd/52/navilink-aabbccddeeff/ctrl/rsv/rd",
            "cmd/52/navien-client-1a2b3c4d/res/rsv/rd",
        ),
        (
            cmd.energy_query(DEVICE, None, 2025, [9]),
            "cmd/52/navilink-aabbccddeeff/st/energy-usage-daily-query/rd",
            "cmd/52/navien-client-1a2b3c4d/res/energy-usage-daily-query/rd",
        ),
    ],
)
def test_envelope_topics_per_request(
    command: Command, request_topic: str, response_topic: str
) -> None:
    message = json.loads(
        topics.envelope(command, client_id=CID, session_id="s", device_type=52)
    )
    assert message["requestTopic"] == request_topic
    assert message["responseTopic"] == response_topic
    assert (
        topics.response_topic(command, client_id=CID, device_type=52) == response_topic
    )
    assert message["request"] == dict(command.request)
