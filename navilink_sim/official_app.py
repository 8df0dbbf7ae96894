"""A second client on the account: "the official app", controlling the same heaters.

It connects straight to mosquitto with its own client ID, subscribes to the
heaters' topics (``cmd/{dt}/navilink-{mac}/#``, like any client) and publishes
controls in the app's own style (protocol.md §5.1: ``sessionID`` is the epoch
in milliseconds, new per request). The heaters answer it on the shared topics,
echoing its client and session IDs, so every other client sees its acks and
``ctrl-fail`` refusals.

With `chatter`, the app keeps sending controls of its own now and then, as a
household's phone does: it re-sends the mode or set-point it last saw in any
status on the heater's topics (asking for a status first when it has seen none),
so the heater's state stays put while other clients see foreign acks, and
refusals whenever the heater paces controls (§17.4 ``ctrl-fail``).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import random
import secrets
import time
from typing import TYPE_CHECKING, Any

import aiomqtt

from navilink_sim.device_link import RETRY_DELAY
from navilink_sim.heater_codes import DHW_MODE, DHW_TEMPERATURE, STATUS
from navilink_sim.mqtt_client import connected_client
from navilink_sim.tank import HIGH_DEMAND

if TYPE_CHECKING:
    from navilink_sim.accounts import SimDevice
    from navilink_sim.profile import Range

_LOGGER = logging.getLogger(__name__)

APP_CLIENT_PREFIX = "navien-app-"
"""How the app's client IDs begin."""


def _settings_in(status: Any) -> bool:
    """Whether `status` is a snapshot whose mode and set-point the app can re-send."""
    return isinstance(status, dict) and all(
        type(status.get(key)) is int
        for key in ("dhwOperationSetting", "dhwTemperatureSetting")
    )


class OfficialApp:
    """The vendor app's MQTT client, as far as the heaters and other clients see it."""

    def __init__(self, devices: list[SimDevice], host: str, port: int) -> None:
        """Prepare (not start) an app client for ``devices`` on the broker."""
        self.client_id = f"{APP_CLIENT_PREFIX}{secrets.token_hex(4)}"
        self.answers: dict[str, list[str]] = {}
        """Session ID of each request -> what answered it ("ack" or "refused")."""
        self._devices = {device.mac.lower(): device for device in devices}
        self._host = host
        self._port = port
        self._client: aiomqtt.Client | None = None
        self._ready = asyncio.Event()
        self._answered = asyncio.Condition()
        self._task: asyncio.Task[None] | None = None
        self._chatter: asyncio.Task[None] | None = None
        self._ids = itertools.count()
        self.seen: dict[str, dict[str, Any]] = {}
        """The last status seen on each heater's topics, by MAC address."""

    async def start(self, within: float = 10.0) -> None:
        """Connect and subscribe; wait up to ``within`` seconds."""
        self._task = asyncio.create_task(self._run(), name=self.client_id)
        async with asyncio.timeout(within):
            await self._ready.wait()

    async def stop(self) -> None:
        """Disconnect; safe to call twice."""
        for task in (self._chatter, self._task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._chatter = self._task = None

    def chatter(self, every: Range, seed: str, scale: float = 1.0) -> None:
        """Send a control of the app's own to each heater every `every` seconds (times `scale`)."""
        self._chatter = asyncio.create_task(
            self._chat(every, random.Random(seed), scale)
        )

    async def _chat(self, every: Range, rng: random.Random, scale: float) -> None:
        while True:
            await asyncio.sleep(rng.uniform(*every) * scale)
            for mac in self._devices:
                try:
                    await self._chat_once(mac, rng)
                except aiomqtt.MqttError as err:
                    _LOGGER.debug("%s: control not sent: %s", self.client_id, err)

    async def _chat_once(self, mac: str, rng: random.Random) -> None:
        status = self.seen.get(mac)
        if status is None:
            await self.control(mac, STATUS, "", [], suffix="st")
        elif (
            rng.random() < 0.5 or not 1 <= status["dhwOperationSetting"] <= HIGH_DEMAND
        ):
            setpoint = status["dhwTemperatureSetting"]
            await self.control(mac, DHW_TEMPERATURE, "dhw-temperature", [setpoint])
        else:
            mode = status["dhwOperationSetting"]
            await self.control(mac, DHW_MODE, "dhw-mode", [mode])

    async def control(
        self, mac: str, command: int, mode: str, param: list[int], suffix: str = "ctrl"
    ) -> str:
        """Publish one request (on ``ctrl`` unless told) as the app does; return its session ID."""
        client = self._client
        if client is None:
            raise aiomqtt.MqttError("the app is not connected")
        device = self._devices[mac.lower()]
        base = f"cmd/{device.device_type}/navilink-{device.mac}"
        # Epoch milliseconds, kept unique when two requests share a millisecond.
        session_id = str(time.time_ns() // 1_000_000 * 1000 + next(self._ids) % 1000)
        message = {
            "clientID": self.client_id,
            "sessionID": session_id,
            "protocolVersion": 2,
            "requestTopic": f"{base}/{suffix}",
            "responseTopic": f"{base}/{self.client_id}/res",
            "request": {
                "command": command,
                "deviceType": device.device_type,
                "macAddress": device.mac,
                "additionalValue": device.additional_value,
                "mode": mode,
                "param": param,
                "paramStr": "",
            },
        }
        self.answers[session_id] = []
        await client.publish(f"{base}/{suffix}", json.dumps(message).encode(), qos=1)
        return session_id

    async def wait_answer(self, session_id: str, within: float = 10.0) -> str:
        """Wait for the first answer to the request with ``session_id``."""
        async with asyncio.timeout(within), self._answered:
            await self._answered.wait_for(lambda: bool(self.answers.get(session_id)))
        return self.answers[session_id][0]

    async def _run(self) -> None:
        """Stay connected: like the phone, come back after the broker went away."""
        while True:
            try:
                await self._connected_session()
            except aiomqtt.MqttError as err:
                _LOGGER.debug("%s: broker connection lost: %s", self.client_id, err)
            await asyncio.sleep(RETRY_DELAY)

    async def _connected_session(self) -> None:
        async with connected_client(self._host, self._port, self.client_id) as client:
            for device in self._devices.values():
                topic = f"cmd/{device.device_type}/navilink-{device.mac}/#"
                await client.subscribe(topic, qos=1)
            self._client = client
            self._ready.set()
            try:
                async for message in client.messages:
                    await self._on_message(message.payload)
            finally:
                self._client = None

    async def _on_message(self, raw: Any) -> None:
        try:
            body = json.loads(raw) if isinstance(raw, bytes | str) else None
        except ValueError:
            return
        if not isinstance(body, dict):
            return
        response = body.get("response")
        if isinstance(response, dict) and _settings_in(response.get("status")):
            self.seen[str(response.get("macAddress")).lower()] = response["status"]
        if body.get("clientID") != self.client_id:
            return
        answers = self.answers.get(str(body.get("sessionID")))
        if answers is None or not isinstance(response, dict):
            return  # our own request echoed back, or not an answer
        answers.append("refused" if "failCode" in response else "ack")
        async with self._answered:
            self._answered.notify_all()
