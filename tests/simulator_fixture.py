"""
Pytest plugin: a running NaviLink simulator per test.

``simulator`` starts one with the options of the test's
``@pytest.mark.simulator(...)`` marker (keyword arguments of
``NaviLinkSimulator``), e.g. ``@pytest.mark.simulator(aws_lifetime=5)``.
Unless told otherwise, the heater is the realistic one (`TEST_PROFILE`, seed 0)
with its delays compressed by `TEST_DELAY_SCALE`; a test that needs the ideal
heater says why next to ``profile="ideal"``.
``simulator_factory`` starts more, each with its own options; every simulator
is stopped when the test ends. Both use random free ports on 127.0.0.1 and
enable Python sockets for the test (pytest-socket).

``sim_mqtt_client`` builds raw awscrt WebSocket connections (SigV4, like the
real client) to the ``simulator``; their SDK-thread callbacks are moved onto
the test's event loop, and they are disconnected when the test ends.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
import contextlib
from dataclasses import dataclass, field
import os
from typing import TYPE_CHECKING, Any
import uuid

from awscrt import auth, mqtt
from awsiot import mqtt_connection_builder
import pytest_asyncio

from navilink_sim import broker
from navilink_sim.profile import REALISTIC, app_at_real_pace
from navilink_sim.simulator import NaviLinkSimulator

if TYPE_CHECKING:
    import pytest

type SimulatorFactory = Callable[..., Awaitable[NaviLinkSimulator]]

TEST_DELAY_SCALE = 0.05
"""How much tests compress the realistic heater's delays (a 1-5 s apply takes 50-250 ms)."""

TEST_PROFILE = app_at_real_pace(REALISTIC, TEST_DELAY_SCALE)
"""The realistic heater, its household app kept at its real pace (a control every
1-5 minutes). Its acks and refusals are tested in tests/sim/test_realism_mqtt.py."""


WORKER_PORTS = 2000
"""Ports each pytest-xdist worker's brokers take, below the system's ephemeral range."""


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``simulator`` marker; give this xdist worker its own broker ports."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if worker.startswith("gw"):
        first = 20000 + int(worker.removeprefix("gw")) * WORKER_PORTS
        broker.PORTS = range(first, first + WORKER_PORTS)
    config.addinivalue_line(
        "markers",
        "simulator(**options): keyword options for the `simulator` fixture "
        "(see NaviLinkSimulator)",
    )


@pytest_asyncio.fixture
async def simulator_factory(
    socket_enabled: None,
) -> AsyncIterator[SimulatorFactory]:
    """Start simulators on demand, each with its own options; stop them all at the end."""
    started: list[NaviLinkSimulator] = []

    async def factory(**options: Any) -> NaviLinkSimulator:
        options.setdefault("profile", TEST_PROFILE)
        options.setdefault("delay_scale", TEST_DELAY_SCALE)
        sim = NaviLinkSimulator(**options)
        started.append(sim)
        await sim.start()
        return sim

    try:
        yield factory
    finally:
        for sim in reversed(started):
            await sim.stop()


@pytest_asyncio.fixture
async def simulator(
    request: pytest.FixtureRequest, simulator_factory: SimulatorFactory
) -> NaviLinkSimulator:
    """Start a simulator configured by the test's ``simulator`` marker."""
    options: dict[str, Any] = {}
    for marker in reversed(list(request.node.iter_markers("simulator"))):
        options.update(marker.kwargs)
    return await simulator_factory(**options)


@dataclass
class SimMqttClient:
    """An awscrt connection whose SDK-thread callbacks land on the test's loop."""

    conn: mqtt.Connection
    client_id: str
    loop: asyncio.AbstractEventLoop
    interrupted: asyncio.Event = field(default_factory=asyncio.Event)
    resumed: asyncio.Event = field(default_factory=asyncio.Event)
    messages: asyncio.Queue[tuple[str, bytes]] = field(default_factory=asyncio.Queue)
    errors: list[str] = field(default_factory=list)

    async def connect(self, within: float = 10.0) -> dict[str, Any]:
        """Connect (never blocking the loop); raise the SDK's error on failure."""
        result: dict[str, Any] = await asyncio.wait_for(
            asyncio.wrap_future(self.conn.connect()), within
        )
        return result

    async def subscribe(self, topic: str) -> None:
        """Subscribe with QoS 1; messages go to ``messages``."""

        def on_message(topic: str, payload: bytes, **_: Any) -> None:
            self.loop.call_soon_threadsafe(self.messages.put_nowait, (topic, payload))

        future, _ = self.conn.subscribe(topic, mqtt.QoS.AT_LEAST_ONCE, on_message)
        await asyncio.wait_for(asyncio.wrap_future(future), 5)

    async def publish(
        self, topic: str, payload: bytes, qos: mqtt.QoS = mqtt.QoS.AT_LEAST_ONCE
    ) -> None:
        """Publish and wait for the SDK to complete it."""
        future, _ = self.conn.publish(topic, payload, qos)
        await asyncio.wait_for(asyncio.wrap_future(future), 5)

    async def next_message(self, within: float = 5.0) -> tuple[str, bytes]:
        """Return the next message received, as (topic, payload)."""
        return await asyncio.wait_for(self.messages.get(), within)


type SimMqttClientFactory = Callable[..., SimMqttClient]


@pytest_asyncio.fixture
async def sim_mqtt_client(
    simulator: NaviLinkSimulator,
) -> AsyncIterator[SimMqttClientFactory]:
    """
    Build awscrt clients: ``sim_mqtt_client(key_id, secret, token, client_id=...)``.

    Without keys, fresh ones are issued for the first account. The SDK's own
    reconnect is set to 1..2 s so that tests stay short.
    """
    loop = asyncio.get_running_loop()
    clients: list[SimMqttClient] = []

    def make(
        access_key_id: str | None = None,
        secret_key: str | None = None,
        session_token: str | None = None,
        *,
        client_id: str | None = None,
        keep_alive_secs: int = 30,
    ) -> SimMqttClient:
        if access_key_id is None:
            issued = simulator.issue_aws()
            access_key_id = issued.access_key_id
            secret_key = issued.secret_key
            session_token = issued.session_token
        cid = client_id or f"test-{uuid.uuid4().hex[:8]}"
        holder: list[SimMqttClient] = []

        def on_interrupted(connection: Any, error: Exception, **_: Any) -> None:
            holder[0].errors.append(str(error))
            loop.call_soon_threadsafe(holder[0].interrupted.set)

        def on_resumed(
            connection: Any, return_code: Any, session_present: Any, **_: Any
        ) -> None:
            loop.call_soon_threadsafe(holder[0].resumed.set)

        conn = mqtt_connection_builder.websockets_with_default_aws_signing(
            region="us-east-1",
            credentials_provider=auth.AwsCredentialsProvider.new_static(
                access_key_id, secret_key or "", session_token
            ),
            endpoint="127.0.0.1",
            port=simulator.iot_port,
            ca_filepath=simulator.ca_file,
            client_id=cid,
            clean_session=True,
            keep_alive_secs=keep_alive_secs,
            reconnect_min_timeout_secs=1,
            reconnect_max_timeout_secs=2,
            on_connection_interrupted=on_interrupted,
            on_connection_resumed=on_resumed,
        )
        client = SimMqttClient(conn, cid, loop)
        holder.append(client)
        clients.append(client)
        return client

    yield make

    for client in clients:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(asyncio.wrap_future(client.conn.disconnect()), 5)
