"""Connects a SimulatedHeater to an MQTT broker, as the heater's Wi-Fi module would."""

from __future__ import annotations

import asyncio
from collections import deque
import contextlib
import copy
from dataclasses import dataclass
import json
import logging
from typing import TYPE_CHECKING, Any

import aiomqtt

from navilink_sim.mqtt_client import connected_client

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine, Mapping

    from navilink_sim.heater import SimulatedHeater
    from navilink_sim.lag import Lag

_LOGGER = logging.getLogger(__name__)

RETRY_DELAY = 0.2
MALFORMATIONS = frozenset(
    {"truncated", "not_json", "unknown_fields", "wrong_types", "oversized"}
)
OVERSIZE_BYTES = 300 * 1024


def _stringify_ints(value: Any) -> Any:
    """Turn every integer inside `value` into a string (the "wrong_types" fault)."""
    if isinstance(value, dict):
        return {key: _stringify_ints(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_stringify_ints(item) for item in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def malform(kind: str, message: dict[str, Any]) -> bytes:
    """Encode `message` broken in the way `kind` names (see `MALFORMATIONS`)."""
    body = copy.deepcopy(message)
    response = body.get("response", {})
    match kind:
        case "truncated":
            text = json.dumps(body).encode()
            return text[: len(text) // 2]
        case "not_json":
            return b"<html><body>502 Bad Gateway</body></html>"
        case "unknown_fields":
            body["futureEnvelopeKey"] = {"nested": [1, 2]}
            response["futureResponseKey"] = "x"
            if isinstance(status := response.get("status"), dict):
                status.update(
                    dhwOperationSetting=42,
                    operationMode=7,
                    currentHeatUse=9,
                    futureStatusKey=1,
                )
            if isinstance(feature := response.get("feature"), dict):
                feature.update(dhwTemperatureSettingUse=9, futureFeatureKey=1)
        case "wrong_types":
            body["response"] = {
                key: value if key == "macAddress" else _stringify_ints(value)
                for key, value in response.items()
            }
        case "oversized":
            body["padding"] = "x" * OVERSIZE_BYTES
        case _:
            raise ValueError(f"unknown malformation {kind!r}")
    return json.dumps(body).encode()


@dataclass(slots=True)
class _Loss:
    """Requests whose replies are lost, and how many more to lose."""

    match: Callable[[Mapping[str, Any]], bool]
    left: int


class DeviceLink:
    """
    The device side of the MQTT connection for one heater.

    It connects as client `navilink-{mac}`, subscribes `cmd/{dt}/navilink-{mac}/#`,
    hands each message to the heater and publishes the replies with QoS 1. When the
    broker goes away it retries every 0.2 s. Fault knobs, applied to every message
    the device publishes (replies and pushes): `reply_delay` seconds before
    answering, `drop_replies` to stay silent, and `next_reply_malformed` to break
    the next message once (one of `MALFORMATIONS`); `lose_replies` loses the replies
    to the next requests a test names. `silent` is a heater off its
    Wi-Fi while the broker is up: it receives nothing and publishes nothing.
    With a `lag` (the heater's profile, `navilink_sim.lag`), controls wait before
    they reach the heater, and each reply leaves late, twice or not at all.
    """

    def __init__(
        self, heater: SimulatedHeater, host: str, port: int, lag: Lag | None = None
    ) -> None:
        """Prepare (not start) the link to the broker at `host`:`port`."""
        self.heater = heater
        self.lag = lag
        self._later: set[asyncio.Task[None]] = set()
        self._waiting: deque[tuple[str, dict[str, Any]]] = deque()
        """Controls received but not applied yet, in arrival order."""
        self.host = host
        self.port = port
        self.reply_delay = 0.0
        self.drop_replies = False
        self.silent = False
        self._next_malformed: str | None = None
        self._losses: list[_Loss] = []
        self.published: list[tuple[str, bytes]] = []
        self.connect_count = 0
        self.connect_timeout = 10.0
        device = heater.device
        self.client_id = f"navilink-{device.mac}"
        self.subscription = f"cmd/{device.device_type}/navilink-{device.mac}/#"
        self._client: aiomqtt.Client | None = None
        self._connected = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def next_reply_malformed(self) -> str | None:
        """How to break the next published message, or None."""
        return self._next_malformed

    @next_reply_malformed.setter
    def next_reply_malformed(self, kind: str | None) -> None:
        if kind is not None and kind not in MALFORMATIONS:
            raise ValueError(f"unknown malformation {kind!r}")
        self._next_malformed = kind

    def lose_replies(
        self, match: Callable[[Mapping[str, Any]], bool], times: int
    ) -> None:
        """Lose the replies to the next ``times`` requests ``match`` accepts.

        The heater still receives and handles each one; its answer never leaves.
        """
        self._losses.append(_Loss(match, times))

    def _loses_reply_to(self, payload: Mapping[str, Any]) -> bool:
        request = payload.get("request")
        if not isinstance(request, dict):
            return False
        for loss in self._losses:
            if loss.left > 0 and loss.match(request):
                loss.left -= 1
                return True
        return False

    @property
    def idle(self) -> bool:
        """Whether no control waits to apply and no late reply waits to leave."""
        return not self._waiting and not self._later

    @property
    def connected(self) -> bool:
        """Whether the link is connected and subscribed."""
        return self._connected.is_set()

    async def start(self) -> None:
        """Start the link; wait up to `connect_timeout` s until it is subscribed."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=self.client_id)
        try:
            async with asyncio.timeout(self.connect_timeout):
                await self.wait_connected()
        except TimeoutError:
            await self.stop()
            raise

    async def wait_connected(self) -> None:
        """Wait until the link is (again) connected and subscribed."""
        await self._connected.wait()

    async def stop(self) -> None:
        """Disconnect and stop reconnecting; safe to call twice."""
        task, self._task = self._task, None
        for pending in [task, *self._later]:
            if pending is not None:
                pending.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await pending
        self._later.clear()

    def _soon(self, work: Coroutine[Any, Any, None]) -> None:
        """Run `work` beside the message loop (a control or reply that waits)."""
        task = asyncio.create_task(work)
        self._later.add(task)
        task.add_done_callback(self._later.discard)

    async def push_status(self) -> bool:
        """Publish an unsolicited status snapshot; False when not connected."""
        topic, message = self.heater.status_push()
        try:
            await self._publish(topic, message)
        except aiomqtt.MqttError as err:
            _LOGGER.debug("status push not sent: %s", err)
            return False
        return True

    async def _run(self) -> None:
        while True:
            try:
                async with connected_client(
                    self.host, self.port, self.client_id
                ) as client:
                    await client.subscribe(self.subscription, qos=1)
                    self._client = client
                    self.connect_count += 1
                    self._connected.set()
                    async for message in client.messages:
                        await self._on_message(message)
            except aiomqtt.MqttError as err:
                _LOGGER.debug("%s: broker connection lost: %s", self.client_id, err)
            finally:
                self._client = None
                self._connected.clear()
            await asyncio.sleep(RETRY_DELAY)

    async def _on_message(self, message: aiomqtt.Message) -> None:
        if self.silent:
            return
        payload: Any = None
        if isinstance(message.payload, (bytes, bytearray, str)):
            with contextlib.suppress(ValueError):
                payload = json.loads(message.payload)
        if not isinstance(payload, dict):
            _LOGGER.debug("ignored a non-JSON-object message on %s", message.topic)
            return
        topic = message.topic.value
        request = payload.get("request")
        if (
            self.lag is not None
            and self.lag.profile.apply_delays()
            and (topic.endswith("/ctrl") or "/ctrl/" in topic)
            and isinstance(request, dict)
            and isinstance(command := request.get("command"), int)
        ):
            loop = asyncio.get_running_loop()
            due = self.lag.apply_at(command, loop.time())
            if due > loop.time():
                waiting = (topic, payload)
                self._waiting.append(waiting)
                self._soon(self._handle_at(due, waiting))
                return
        await self._handle(topic, payload)

    async def _handle_at(self, due: float, waiting: tuple[str, dict[str, Any]]) -> None:
        """At `due`, apply `waiting` and every control that came before it, in order.

        Timers can fire out of order (a test that compresses time fires every
        timer due within its window at once); controls still apply in order.
        """
        await asyncio.sleep(due - asyncio.get_running_loop().time())
        while any(item is waiting for item in self._waiting):
            await self._handle(*self._waiting.popleft())

    async def _handle(self, topic: str, payload: dict[str, Any]) -> None:
        try:
            replies = self.heater.handle(topic, payload)
        except Exception:
            _LOGGER.exception("heater failed on %s: %s", topic, payload)
            return
        if self._loses_reply_to(payload):
            _LOGGER.debug("%s: reply to %s lost", self.client_id, payload["request"])
            return
        if replies and self.reply_delay > 0:
            await asyncio.sleep(self.reply_delay)
        for reply_topic, reply in replies:
            if self.lag is not None and self.lag.profile.lags_replies():
                for delay in self.lag.reply_delays():
                    self._soon(self._publish_later(delay, reply_topic, reply))
            else:
                await self._publish(reply_topic, reply)

    async def _publish_later(
        self, delay: float, topic: str, message: dict[str, Any]
    ) -> None:
        await asyncio.sleep(delay)
        try:
            await self._publish(topic, message)
        except aiomqtt.MqttError as err:
            _LOGGER.debug("%s: late reply not sent: %s", self.client_id, err)

    async def _publish(self, topic: str, message: dict[str, Any]) -> None:
        if self.drop_replies or self.silent:
            return
        client = self._client
        if client is None:
            raise aiomqtt.MqttError("not connected")
        kind, self._next_malformed = self._next_malformed, None
        data = json.dumps(message).encode() if kind is None else malform(kind, message)
        try:
            await client.publish(topic, data, qos=1)
        except aiomqtt.MqttCodeError:
            raise
        except aiomqtt.MqttError as err:
            # Only a PUBACK wait that timed out: the message is already queued
            # to the broker. A broken connection ends the message loop anyway;
            # a test that compresses time (Home Assistant fires due timers
            # early) must not cut the heater's link in the middle of a reply.
            _LOGGER.debug("%s: no PUBACK in time: %s", self.client_id, err)
        self.published.append((topic, data))
