"""Hostile device messages (issue 3 #10): counted, ignored, nothing breaks."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import aiomqtt
import pytest

from custom_components.navien_nwp500.navilink.session.session import SessionState
from tests.session import DEVICE, MAC, eventually, open_session

if TYPE_CHECKING:
    from navilink_sim.simulator import NaviLinkSimulator

TOPIC = f"cmd/52/navilink-{MAC}/res"


def status_message(**extra: object) -> bytes:
    """Build a well-formed status push with extra status fields."""
    status = {"command": 67108883, "dhwTemperature": 110, **extra}
    body = {
        "protocolVersion": 2,
        "sessionID": "3",
        "response": {"deviceType": 52, "macAddress": MAC, "status": status},
    }
    return json.dumps(body).encode()


async def test_bad_messages_are_counted_and_ignored(
    simulator: NaviLinkSimulator,
) -> None:
    async with open_session(simulator) as h:
        await eventually(lambda: bool(h.recorder.statuses))
        # No late or repeated reply of the heater's may add a status to the count.
        await eventually(lambda: simulator.device_links[MAC.lower()].idle)
        after_raiser: list[object] = []

        def broken(_device: object, _status: object) -> None:
            raise RuntimeError("a listener bug")

        h.session.add_status_listener(broken)
        h.session.add_status_listener(lambda _d, s: after_raiser.append(s))
        statuses = len(h.recorder.statuses)
        junk = [
            b'{"response": {"status": {"dhwTemperature": 1',  # truncated
            b"not json at all",  # malformed
            b"\xff\xfe\x00",  # not UTF-8
            b"[1, 2, 3]",  # not an object
            b'{"x": "' + b"a" * 200_000 + b'"}',  # oversized
            b'{"something": "else"}',  # unrecognised shape
            status_message(brandNewField=7),  # unknown field: still dispatched
        ]
        async with aiomqtt.Client(simulator.broker.host, simulator.broker.port) as mq:
            for payload in junk:
                await mq.publish(TOPIC, payload, qos=1)
        await eventually(lambda: len(h.recorder.statuses) == statuses + 1, 30.0)
        counters = h.stats()["messages"]
        assert counters["truncated"] == 1
        assert counters["malformed"] == 2
        assert counters["not_object"] == 1
        assert counters["oversized"] == 1
        assert counters["unrecognized"] == 1
        assert counters["unknown_fields"] >= 1
        assert after_raiser  # the raising listener did not stop the next one
        assert h.recorder.statuses[-1].dhw_temperature == 55.0
        assert h.session.state is SessionState.CONNECTED


@pytest.mark.parametrize(
    ("kind", "counter", "dispatched"),
    [
        ("truncated", "truncated", False),
        ("not_json", "malformed", False),
        ("oversized", "oversized", False),
        ("unknown_fields", "unknown_fields", True),
        ("wrong_types", "status", True),
    ],
)
@pytest.mark.simulator(profile="ideal")  # a repeated reply would be a clean copy
async def test_malformed_device_replies(
    simulator: NaviLinkSimulator, kind: str, counter: str, dispatched: bool
) -> None:
    async with open_session(simulator) as h:
        await eventually(lambda: bool(h.recorder.statuses))
        before = h.stats()["messages"].get(counter, 0)
        statuses = len(h.recorder.statuses)
        simulator.faults.malform_next_reply(kind)
        await h.session.request_status(DEVICE)
        await eventually(
            lambda: h.stats()["messages"].get(counter, 0) == before + 1, 30.0, counter
        )
        assert (len(h.recorder.statuses) == statuses + 1) is dispatched
        await h.session.request_status(DEVICE)  # the next reply is fine again
        await eventually(lambda: len(h.recorder.statuses) > statuses + dispatched)
        assert h.session.state is SessionState.CONNECTED
