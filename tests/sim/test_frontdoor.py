"""The SigV4 front door with the real awscrt client, a real mosquitto behind it."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import ssl
from typing import TYPE_CHECKING, Any

from awscrt import mqtt
from awscrt.exceptions import AwsCrtError
import pytest

from navilink_sim import sigv4
from navilink_sim.frontdoor import REASON_BROKER_DOWN, REASON_REFUSING
from navilink_sim.relay import parse_mqtt_connect
from navilink_sim.sigv4 import (
    REASON_BAD_SIGNATURE,
    REASON_BAD_TOKEN,
    REASON_EXPIRED,
    REASON_UNKNOWN_KEY,
)
from tests.session import eventually

if TYPE_CHECKING:
    from collections.abc import Callable

    from navilink_sim.simulator import NaviLinkSimulator
    from tests.simulator_fixture import SimMqttClient, SimMqttClientFactory

UPGRADE_FAILURE = "AWS_ERROR_HTTP_WEBSOCKET_UPGRADE_FAILURE"


async def _refused(client: SimMqttClient) -> AwsCrtError:
    with pytest.raises(AwsCrtError) as info:
        await client.connect()
    return info.value


async def test_connect_subscribe_publish_receive(
    simulator: NaviLinkSimulator, sim_mqtt_client: SimMqttClientFactory
) -> None:
    client = sim_mqtt_client()
    result = await client.connect()
    assert result["session_present"] is False
    await client.subscribe("test/+/echo")
    await client.publish("test/1/echo", b"hello", mqtt.QoS.AT_LEAST_ONCE)
    assert await client.next_message() == ("test/1/echo", b"hello")

    door = simulator.front_door
    assert door.stats.upgrade_attempts == 1
    assert door.stats.accepted == 1
    assert door.stats.refused_total == 0
    assert door.live_connections == 1
    (relay,) = door.relays
    assert relay.client_id == client.client_id
    assert relay.keep_alive == 30
    assert relay.bytes_up > 0
    assert relay.bytes_down > 0


async def test_two_clients_see_each_other(
    sim_mqtt_client: SimMqttClientFactory,
) -> None:
    a, b = sim_mqtt_client(), sim_mqtt_client()
    await asyncio.gather(a.connect(), b.connect())
    await b.subscribe("x/y")
    await a.publish("x/y", b"42", mqtt.QoS.AT_LEAST_ONCE)
    assert await b.next_message() == ("x/y", b"42")


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        pytest.param(
            lambda k: (k.access_key_id, k.secret_key + "x", k.session_token),
            REASON_BAD_SIGNATURE,
            id="bad-secret",
        ),
        pytest.param(
            lambda k: ("ASIANOTISSUED000000", k.secret_key, k.session_token),
            REASON_UNKNOWN_KEY,
            id="unknown-key",
        ),
        pytest.param(
            lambda k: (k.access_key_id, k.secret_key, "not-the-token"),
            REASON_BAD_TOKEN,
            id="wrong-session-token",
        ),
        pytest.param(
            lambda k: (k.access_key_id, k.secret_key, None),
            REASON_BAD_TOKEN,
            id="no-session-token",
        ),
    ],
)
async def test_bad_credentials_are_refused(
    simulator: NaviLinkSimulator,
    sim_mqtt_client: SimMqttClientFactory,
    mutate: Callable[[Any], tuple[str, str, str | None]],
    reason: str,
) -> None:
    issued = simulator.issue_aws()
    error = await _refused(sim_mqtt_client(*mutate(issued)))
    assert error.name == UPGRADE_FAILURE
    stats = simulator.front_door.stats
    assert stats.refused == {reason: 1}
    assert stats.accepted == 0
    assert stats.events[-1].status == 403


async def test_expired_credentials_are_refused(
    simulator: NaviLinkSimulator, sim_mqtt_client: SimMqttClientFactory
) -> None:
    issued = simulator.issue_aws()
    ok = sim_mqtt_client(issued.access_key_id, issued.secret_key, issued.session_token)
    await ok.connect()

    simulator.faults.expire_credentials()
    error = await _refused(
        sim_mqtt_client(issued.access_key_id, issued.secret_key, issued.session_token)
    )
    assert error.name == UPGRADE_FAILURE
    stats = simulator.front_door.stats
    # The store may hide expired keys entirely; either way it is a 403.
    assert stats.refused[REASON_EXPIRED] + stats.refused[REASON_UNKNOWN_KEY] == 1
    assert stats.events[-1].status == 403
    # A live connection is not cut when its keys expire (as on AWS IoT).
    assert simulator.front_door.live_connections == 1
    assert not ok.interrupted.is_set()


@pytest.mark.simulator(aws_lifetime=0.3)
async def test_keys_expire_by_lifetime(
    simulator: NaviLinkSimulator, sim_mqtt_client: SimMqttClientFactory
) -> None:
    issued = simulator.issue_aws()
    await eventually(
        lambda: simulator.accounts.lookup_aws(issued.access_key_id) is None,
        30.0,
        "the keys' lifetime to pass",
    )
    error = await _refused(
        sim_mqtt_client(issued.access_key_id, issued.secret_key, issued.session_token)
    )
    assert error.name == UPGRADE_FAILURE
    assert simulator.front_door.stats.accepted == 0


async def test_drop_all_interrupts_and_sdk_reconnect_is_counted(
    simulator: NaviLinkSimulator, sim_mqtt_client: SimMqttClientFactory
) -> None:
    client = sim_mqtt_client()
    await client.connect()
    assert simulator.faults.drop_all() == 1
    await asyncio.wait_for(client.interrupted.wait(), 5)
    # awscrt's own reconnect (1 s minimum here) comes back through the door.
    await asyncio.wait_for(client.resumed.wait(), 10)
    stats = simulator.front_door.stats
    assert stats.dropped == 1
    assert stats.accepted == 2
    assert stats.upgrade_attempts == 2
    assert simulator.front_door.live_connections == 1


async def test_stall_holds_bytes_until_unstalled(
    simulator: NaviLinkSimulator, sim_mqtt_client: SimMqttClientFactory
) -> None:
    client = sim_mqtt_client()
    await client.connect()
    await client.subscribe("stall/test")

    simulator.faults.stall()
    assert simulator.faults.stalled
    # QoS 0 completes once written to the socket; the path holds it.
    await client.publish("stall/test", b"late", mqtt.QoS.AT_MOST_ONCE)
    with pytest.raises(TimeoutError):
        await client.next_message(within=0.5)
    assert not client.interrupted.is_set()
    assert simulator.front_door.live_connections == 1

    simulator.faults.unstall()
    assert await client.next_message() == ("stall/test", b"late")


async def test_refuse_for_gives_503_then_recovers(
    simulator: NaviLinkSimulator, sim_mqtt_client: SimMqttClientFactory
) -> None:
    simulator.faults.refuse_for(30)
    error = await _refused(sim_mqtt_client())
    assert error.name == UPGRADE_FAILURE
    assert simulator.front_door.stats.refused == {REASON_REFUSING: 1}
    assert simulator.front_door.stats.events[-1].status == 503

    simulator.faults.refuse_for(30, status=None)
    error = await _refused(sim_mqtt_client())
    assert error.name != UPGRADE_FAILURE  # the TLS connection just closes

    simulator.faults.stop_refusing()
    await sim_mqtt_client().connect()
    assert simulator.front_door.stats.accepted == 1


async def test_broker_kill_and_start(
    simulator: NaviLinkSimulator, sim_mqtt_client: SimMqttClientFactory
) -> None:
    client = sim_mqtt_client()
    await client.connect()
    old_pid = simulator.broker.pid

    simulator.faults.kill_broker()
    await asyncio.wait_for(client.interrupted.wait(), 5)
    assert not simulator.broker.running
    # While the broker is down the door upgrades, then closes: not an auth error.
    error = await _refused(sim_mqtt_client())
    assert error.name != UPGRADE_FAILURE
    assert simulator.front_door.stats.refused[REASON_BROKER_DOWN] >= 1

    await simulator.faults.start_broker()
    assert simulator.broker.pid not in (None, old_pid)
    await asyncio.wait_for(client.resumed.wait(), 10)
    fresh = sim_mqtt_client()
    await fresh.connect()
    await fresh.subscribe("after/restart")
    await client.publish("after/restart", b"ok", mqtt.QoS.AT_LEAST_ONCE)
    assert await fresh.next_message() == ("after/restart", b"ok")


async def test_broker_restart_interrupts(
    simulator: NaviLinkSimulator, sim_mqtt_client: SimMqttClientFactory
) -> None:
    client = sim_mqtt_client()
    await client.connect()
    port = simulator.broker.port
    await simulator.faults.restart_broker()
    assert simulator.broker.port == port
    await asyncio.wait_for(client.interrupted.wait(), 5)
    await asyncio.wait_for(client.resumed.wait(), 10)


async def test_same_client_id_takes_over(
    simulator: NaviLinkSimulator, sim_mqtt_client: SimMqttClientFactory
) -> None:
    first = sim_mqtt_client(client_id="same-id")
    await first.connect()
    second = sim_mqtt_client(client_id="same-id")
    await second.connect()
    await asyncio.wait_for(first.interrupted.wait(), 5)
    # Stop the loser's SDK reconnect, or it would take the ID back in 1 s.
    await asyncio.wait_for(asyncio.wrap_future(first.conn.disconnect()), 5)
    await second.subscribe("takeover/check")
    await second.publish("takeover/check", b"1", mqtt.QoS.AT_LEAST_ONCE)
    assert await second.next_message() == ("takeover/check", b"1")
    assert not second.interrupted.is_set()


async def test_device_answers_status_request_through_front_door(
    simulator: NaviLinkSimulator, sim_mqtt_client: SimMqttClientFactory
) -> None:
    mac, heater = next(iter(simulator.heaters.items()))
    dt_ = heater.device.device_type
    client = sim_mqtt_client()
    await client.connect()
    await client.subscribe(f"cmd/{dt_}/navilink-{mac}/#")
    request = {
        "clientID": client.client_id,
        "sessionID": "s1",
        "protocolVersion": 2,
        "requestTopic": f"cmd/{dt_}/navilink-{mac}/st",
        "responseTopic": f"cmd/{dt_}/navilink-{mac}/{client.client_id}/res",
        "request": {
            "command": 16777219,
            "deviceType": dt_,
            "macAddress": mac,
            "additionalValue": heater.device.additional_value,
        },
    }
    await client.publish(
        f"cmd/{dt_}/navilink-{mac}/st",
        json.dumps(request).encode(),
        mqtt.QoS.AT_LEAST_ONCE,
    )
    while True:  # our own request comes back first (we subscribed to the device path)
        topic, payload = await client.next_message()
        if topic.endswith("/res"):
            break
    assert topic == f"cmd/{dt_}/navilink-{mac}/{client.client_id}/res"
    reply = json.loads(payload)
    assert reply["response"]["macAddress"] == mac
    assert "status" in reply["response"]
    assert heater.received[-1]["request"]["command"] == 16777219


async def test_failed_tls_handshakes_are_counted_not_raised(
    simulator: NaviLinkSimulator, sim_mqtt_client: SimMqttClientFactory
) -> None:
    """A probe or a client that distrusts the CA must not upset the event loop."""
    port = simulator.iot_port
    _, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.close()  # no handshake at all
    await writer.wait_closed()
    with pytest.raises(ssl.SSLCertVerificationError):
        await asyncio.open_connection(
            "127.0.0.1", port, ssl=ssl.create_default_context()
        )
    async with asyncio.timeout(5):
        while simulator.front_door.stats.tls_failures < 2:  # noqa: ASYNC110
            await asyncio.sleep(0.02)
    stats = simulator.front_door.stats
    assert stats.tcp_connections == 2
    assert stats.upgrade_attempts == 0
    # The door still serves real clients afterwards.
    await sim_mqtt_client().connect()


# -------------------------------------------------------------- unit level


def test_parse_mqtt_connect() -> None:
    # CONNECT, MQTT 3.1.1, clean session, keep-alive 60, client id "abc"
    body = b"\x00\x04MQTT\x04\x02\x00\x3c\x00\x03abc"
    assert parse_mqtt_connect(bytes([0x10, len(body)]) + body) == ("abc", 60)
    assert parse_mqtt_connect(b"\x30\x00") is None
    assert parse_mqtt_connect(bytes([0x10, 20]) + body[:5]) is None


def test_sigv4_known_vector() -> None:
    """A request signed by awscrt (captured), verified offline."""
    query = [
        ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
        (
            "X-Amz-Credential",
            "AKIDEXAMPLE/20261124/us-east-1/iotdevicegateway/aws4_request",
        ),
        ("X-Amz-Date", "20261124T152316Z"),
        ("X-Amz-SignedHeaders", "connection;host"),
        (
            "X-Amz-Signature",
            "c8349f16f9f7fca17c924af76af707a4c89517a74afbebb83e00ccac6154cb33",
        ),
    ]
    headers = {"Host": "127.0.0.1", "Connection": "Upgrade"}
    now = dt.datetime(2026, 11, 24, 15, 23, 20, tzinfo=dt.UTC)
    secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    req = sigv4.verify_presigned(
        method="GET",
        path="/mqtt",
        query=query,
        headers=headers,
        secret_key=secret,
        now=now,
    )
    assert req.access_key_id == "AKIDEXAMPLE"
    # The session token is not signed: adding one keeps the signature valid.
    sigv4.verify_presigned(
        method="GET",
        path="/mqtt",
        query=[*query, ("X-Amz-Security-Token", "anything")],
        headers=headers,
        secret_key=secret,
        now=now,
    )
    with pytest.raises(sigv4.SigV4Error, match="bad_signature"):
        sigv4.verify_presigned(
            method="GET",
            path="/mqtt",
            query=query,
            headers={**headers, "Host": "127.0.0.1:8883"},
            secret_key=secret,
            now=now,
        )
    with pytest.raises(sigv4.SigV4Error, match="clock_skew"):
        sigv4.verify_presigned(
            method="GET",
            path="/mqtt",
            query=query,
            headers=headers,
            secret_key=secret,
            now=now + dt.timedelta(hours=1),
        )
