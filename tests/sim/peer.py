"""A plain MQTT client on the simulator's broker, for the realism tests.

It sends requests in the client's envelope and keeps every message on the demo
heater's topics, so a test can wait for the one that proves its point.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import TYPE_CHECKING, Any

import aiomqtt

from navilink_sim.accounts import demo_account

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    from navilink_sim.simulator import NaviLinkSimulator

DEVICE = demo_account().devices[0]
MAC = DEVICE.mac
BASE = f"cmd/52/navilink-{MAC}"
CID = "realism-test"
STATUS = 16777219
DHW_MODE = 33554437
DHW_TEMPERATURE = 33554464
ANTI_LEG_ON = 33554472


class Peer:
    """A test client: publishes requests, records what arrives, in order."""

    def __init__(self, client: aiomqtt.Client) -> None:
        """Wrap a connected, subscribed client."""
        self.client = client
        self.messages: list[tuple[str, dict[str, Any]]] = []
        self._arrived = asyncio.Condition()

    async def request(
        self, suffix: str, command: int, session: str, param: list[int] | None = None
    ) -> None:
        """Publish one request on `BASE/suffix` with `session` as its session ID."""
        body = {
            "clientID": CID,
            "sessionID": session,
            "protocolVersion": 2,
            "requestTopic": f"{BASE}/{suffix}",
            "responseTopic": f"{BASE}/{CID}/res",
            "request": {
                "command": command,
                "deviceType": 52,
                "macAddress": MAC,
                "additionalValue": DEVICE.additional_value,
                "mode": "",
                "param": param or [],
                "paramStr": "",
            },
        }
        await self.client.publish(f"{BASE}/{suffix}", json.dumps(body), qos=1)

    def replies(self, session: str) -> list[dict[str, Any]]:
        """Return the `response` of every message answering our `session`, in order."""
        return [
            body["response"]
            for _, body in self.messages
            if body.get("clientID") == CID
            and body.get("sessionID") == session
            and "response" in body
        ]

    async def wait_for(
        self, found: Callable[[], bool], within: float = 10.0, what: str = "it"
    ) -> None:
        """Wait until `found()` holds, re-checking as each message arrives."""
        try:
            async with asyncio.timeout(within), self._arrived:
                await self._arrived.wait_for(found)
        except TimeoutError:
            raise AssertionError(f"timed out waiting for {what}") from None

    async def pump(self) -> None:
        """Record every message until cancelled."""
        async for message in self.client.messages:
            assert isinstance(message.payload, bytes)
            body = json.loads(message.payload)
            async with self._arrived:
                self.messages.append((message.topic.value, body))
                self._arrived.notify_all()


@contextlib.asynccontextmanager
async def peer_on(sim: NaviLinkSimulator) -> AsyncIterator[Peer]:
    """Connect a `Peer` to `sim`'s broker, subscribed to the demo heater's topics."""
    async with aiomqtt.Client(
        sim.broker.host, sim.broker.port, identifier=CID
    ) as client:
        await client.subscribe(f"{BASE}/#", qos=1)
        peer = Peer(client)
        pump = asyncio.create_task(peer.pump())
        try:
            yield peer
        finally:
            pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pump
