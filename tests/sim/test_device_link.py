"""DeviceLink puts the simulated heater on a real mosquitto broker."""

from __future__ import annotations

import asyncio
import json
import time
from typing import TYPE_CHECKING, Any

import aiomqtt
import pytest

from navilink_sim.accounts import SimDevice
from navilink_sim.broker import MosquittoBroker, free_port
from navilink_sim.device_link import DeviceLink, malform
from navilink_sim.heater import SimulatedHeater
from tests.session import eventually

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

MAC = "aabbccddeeff"
BASE = f"cmd/52/navilink-{MAC}"
CID = "test-client"
ACK = f"{BASE}/{CID}/res"


@pytest.fixture
async def broker(socket_enabled: None) -> AsyncIterator[MosquittoBroker]:
    server = MosquittoBroker()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def link(broker: MosquittoBroker) -> AsyncIterator[DeviceLink]:
    heater = SimulatedHeater(
        SimDevice(mac=MAC, additional_value="1234", name="Sim"), draw_interval=None
    )
    device = DeviceLink(heater, "127.0.0.1", broker.port)
    await device.start()
    yield device
    await device.stop()


class Listener:
    """A test MQTT client that collects what the device publishes."""

    def __init__(self, client: aiomqtt.Client) -> None:
        """Wrap a connected client."""
        self.client = client
        self.inbox: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue()

    async def subscribe(self) -> None:
        """Subscribe to the ack topic and the device's own `res` topics."""
        await self.client.subscribe(f"{BASE}/{CID}/#", qos=1)
        await self.client.subscribe(f"{BASE}/res/#", qos=1)

    async def pump(self) -> None:
        """Move incoming messages to the inbox."""
        async for message in self.client.messages:
            assert isinstance(message.payload, bytes)
            await self.inbox.put((message.topic.value, message.payload))

    async def request(self, suffix: str, command: int, **fields: Any) -> None:
        """Publish a request envelope as a client would."""
        topic = f"{BASE}/{suffix}"
        body = {
            "clientID": CID,
            "sessionID": "abc",
            "protocolVersion": 2,
            "requestTopic": topic,
            "responseTopic": ACK,
            "request": {
                "command": command,
                "deviceType": 52,
                "macAddress": MAC,
                "additionalValue": "1234",
                **fields,
            },
        }
        await self.client.publish(topic, json.dumps(body), qos=1)

    async def next(self) -> tuple[str, bytes]:
        """Return the next message from the device (within 5 s)."""
        async with asyncio.timeout(5):
            return await self.inbox.get()


@pytest.fixture
async def listener(broker: MosquittoBroker) -> AsyncIterator[Listener]:
    async with aiomqtt.Client("127.0.0.1", broker.port, identifier=CID) as client:
        test_client = Listener(client)
        await test_client.subscribe()
        task = asyncio.create_task(test_client.pump())
        yield test_client
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_status_request_gets_a_reply(
    link: DeviceLink, listener: Listener
) -> None:
    await listener.request("st", 16777219)
    topic, payload = await listener.next()
    assert topic == ACK
    body = json.loads(payload)
    assert body["sessionID"] == "abc"
    assert body["response"]["status"]["command"] == 16777219
    # The listener can hear the reply before the link's QoS 1 publish returns.
    for _ in range(500):
        if link.published:
            break
        await asyncio.sleep(0.01)
    assert link.published == [(topic, payload)]
    assert link.heater.received[0]["request"]["command"] == 16777219
    assert link.connected


async def test_control_changes_the_heater(link: DeviceLink, listener: Listener) -> None:
    await listener.request("ctrl", 33554464, mode="dhw-temperature", param=[110])
    _, payload = await listener.next()
    assert json.loads(payload)["response"]["status"]["dhwTemperatureSetting"] == 110
    assert link.heater.status["dhwTemperatureSetting"] == 110


async def test_push_status(link: DeviceLink, listener: Listener) -> None:
    assert await link.push_status()
    topic, payload = await listener.next()
    assert topic == f"{BASE}/res"
    assert json.loads(payload)["response"]["status"]["command"] == 67108883


@pytest.mark.parametrize(
    "kind", ["truncated", "not_json", "unknown_fields", "wrong_types", "oversized"]
)
async def test_next_reply_malformed(
    link: DeviceLink, listener: Listener, kind: str
) -> None:
    link.next_reply_malformed = kind
    await listener.request("st", 16777219)
    _, payload = await listener.next()
    assert link.next_reply_malformed != kind
    if kind in {"truncated", "not_json"}:
        with pytest.raises(ValueError):  # noqa: PT011  (JSONDecodeError)
            json.loads(payload)
    else:
        body = json.loads(payload)
        status = body["response"]["status"]
        if kind == "unknown_fields":
            assert status["dhwOperationSetting"] == 42
            assert "futureStatusKey" in status
            assert "futureEnvelopeKey" in body
        elif kind == "wrong_types":
            assert status["dhwTemperatureSetting"] == "120"
            assert body["response"]["macAddress"] == MAC
        else:
            assert len(payload) > 256 * 1024
    # Only one message is broken.
    await listener.request("st", 16777219)
    _, payload = await listener.next()
    assert json.loads(payload)["response"]["status"]["dhwOperationSetting"] == 3


def test_malform_feature_and_unknown_kind() -> None:
    message = {"response": {"feature": {"dhwTemperatureSettingUse": 2}}}
    broken = json.loads(malform("unknown_fields", message))
    assert broken["response"]["feature"]["dhwTemperatureSettingUse"] == 9
    listed = {"response": {"reservationUse": 2, "reservation": [{"hour": 6}]}}
    broken = json.loads(malform("wrong_types", listed))
    assert broken["response"]["reservation"] == [{"hour": "6"}]
    with pytest.raises(ValueError, match="unknown malformation"):
        malform("garbled", message)


async def test_unknown_malformation_is_refused(link: DeviceLink) -> None:
    with pytest.raises(ValueError, match="unknown malformation"):
        link.next_reply_malformed = "garbled"


async def test_drop_replies_keeps_quiet_but_applies(
    link: DeviceLink, listener: Listener
) -> None:
    link.drop_replies = True
    await listener.request("ctrl", 33554437, mode="dhw-mode", param=[1])
    await eventually(lambda: bool(link.heater.received), 20.0, "the control handled")
    assert link.heater.status["dhwOperationSetting"] == 1
    await link.push_status()
    assert link.published == []
    # Heard in order on one connection: the first thing the listener hears is
    # the answer to a later request, so the control's answer never went out.
    link.drop_replies = False
    await listener.request("st", 16777219)
    _topic, payload = await listener.next()
    assert json.loads(payload)["response"]["status"]["command"] == 16777219


async def test_reply_delay(link: DeviceLink, listener: Listener) -> None:
    link.reply_delay = 0.4
    started = time.monotonic()
    await listener.request("st", 16777219)
    await listener.next()
    assert time.monotonic() - started >= 0.4


async def test_ignores_non_json(link: DeviceLink, listener: Listener) -> None:
    await listener.client.publish(f"{BASE}/st", b"\xff\x00", qos=1)
    await listener.client.publish(f"{BASE}/st", b"[1, 2]", qos=1)
    await listener.request("st", 16777219)
    topic, _ = await listener.next()
    assert topic == ACK
    assert len(link.heater.received) == 1


async def test_reconnects_after_a_broker_restart(
    broker: MosquittoBroker, link: DeviceLink
) -> None:
    broker.kill()
    async with asyncio.timeout(5):
        while link.connected:  # noqa: ASYNC110  (the link has no "lost" event)
            await asyncio.sleep(0.05)
    assert not await link.push_status()
    await broker.start()
    async with asyncio.timeout(10):
        await link.wait_connected()
    assert link.connect_count == 2
    async with aiomqtt.Client("127.0.0.1", broker.port, identifier=CID) as client:
        listener = Listener(client)
        await listener.subscribe()
        task = asyncio.create_task(listener.pump())
        await listener.request("st", 16777219)
        topic, _ = await listener.next()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert topic == ACK


async def test_start_times_out_without_a_broker(socket_enabled: None) -> None:
    heater = SimulatedHeater(SimDevice(mac=MAC, additional_value="1", name="Sim"))
    device = DeviceLink(heater, "127.0.0.1", free_port())
    device.connect_timeout = 0.5
    with pytest.raises(TimeoutError):
        await device.start()
    assert not device.connected


async def test_a_heater_bug_does_not_kill_the_link(
    link: DeviceLink, listener: Listener, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_handle = link.heater.handle
    calls = []

    def broken_once(topic: str, payload: Any) -> list[tuple[str, dict[str, Any]]]:
        calls.append(topic)
        if len(calls) == 1:
            raise RuntimeError("boom")
        return real_handle(topic, payload)

    monkeypatch.setattr(link.heater, "handle", broken_once)
    await listener.request("st", 16777219)
    await listener.request("st", 16777219)
    topic, _ = await listener.next()
    assert topic == ACK
    assert link.connected
