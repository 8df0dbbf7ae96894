"""NaviLinkSimulator: composition, options, fault delegation and clean shutdown."""

from __future__ import annotations

import asyncio
from dataclasses import replace
import json
import os
from pathlib import Path
import signal
import socket
import sys
from typing import TYPE_CHECKING, Any

import aiohttp
from awscrt import mqtt
import pytest

from navilink_sim.accounts import SimAccount, SimDevice, demo_account
from navilink_sim.profile import IDEAL, REALISTIC
from navilink_sim.simulator import NaviLinkSimulator
from tests.session import eventually
from tests.simulator_fixture import TEST_DELAY_SCALE

if TYPE_CHECKING:
    from tests.simulator_fixture import SimMqttClientFactory, SimulatorFactory

REPO = Path(__file__).resolve().parents[2]


async def _sign_in(
    sim: NaviLinkSimulator, email: str, password: str
) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{sim.api_base_url}/user/sign-in",
            json={"userId": email, "password": password},
        ) as resp,
    ):
        return resp.status, await resp.json()


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_endpoints_kwargs_fit_the_client(simulator: NaviLinkSimulator) -> None:
    from custom_components.navien_nwp500.navilink.cloud.endpoints import Endpoints

    kwargs = simulator.endpoints_kwargs
    assert kwargs == {
        "api_base_url": f"http://127.0.0.1:{simulator.rest_port}/api/v2.1",
        "iot_host": "127.0.0.1",
        "iot_port": simulator.iot_port,
        "ca_file": simulator.ca_file,
    }
    endpoints = Endpoints(**kwargs)
    assert endpoints.region == "us-east-1"
    pem = await asyncio.to_thread(Path(kwargs["ca_file"]).read_text)
    assert pem.startswith("-----BEGIN CERTIFICATE-----")
    assert set(simulator.heaters) == {"aabbccddeeff"}
    assert simulator.device_links["aabbccddeeff"].connected


async def test_rest_sign_in_keys_open_the_front_door(
    simulator: NaviLinkSimulator, sim_mqtt_client: SimMqttClientFactory
) -> None:
    """The keys the REST API hands out are the ones the IoT gateway accepts."""
    account = demo_account()
    status, body = await _sign_in(simulator, account.email, account.password)
    assert status == 200
    token = body["data"]["token"]
    client = sim_mqtt_client(
        token["accessKeyId"], token["secretKey"], token["sessionToken"]
    )
    await client.connect()
    assert simulator.front_door.stats.accepted == 1
    assert simulator.accounts.sign_in_count == 1


async def test_rest_faults_delegate(simulator: NaviLinkSimulator) -> None:
    account = demo_account()
    simulator.faults.rest_fail(503, count=1, retry_after=7)
    status, body = await _sign_in(simulator, account.email, account.password)
    assert (status, body["code"]) == (503, 503)

    simulator.faults.reject_passwords = True
    assert simulator.rest_faults.reject_passwords
    status, _ = await _sign_in(simulator, account.email, account.password)
    assert status == 401

    simulator.faults.reject_passwords = False
    status, _ = await _sign_in(simulator, account.email, account.password)
    assert status == 200


@pytest.mark.simulator(aws_lifetime=5, jwt_lifetime=7, push_interval=None)
async def test_marker_options_reach_the_simulator(simulator: NaviLinkSimulator) -> None:
    assert simulator.accounts.aws_lifetime == 5
    assert simulator.accounts.jwt_lifetime == 7
    assert simulator.push_interval is None


async def test_tests_get_the_realistic_heater_with_compressed_delays(
    simulator: NaviLinkSimulator,
) -> None:
    assert simulator.profile == replace(
        REALISTIC, app_control_interval=simulator.profile.app_control_interval
    )
    assert simulator.delay_scale == TEST_DELAY_SCALE < 1
    assert simulator.chatty_app is not None
    # The household app keeps its real pace: one control every 1-5 minutes.
    low, high = simulator.profile.app_control_interval or (0, 0)
    assert (low * TEST_DELAY_SCALE, high * TEST_DELAY_SCALE) == (60.0, 300.0)


@pytest.mark.simulator(profile="ideal", delay_scale=1.0)
async def test_a_marker_can_choose_the_ideal_heater(
    simulator: NaviLinkSimulator,
) -> None:
    assert simulator.profile is IDEAL
    assert simulator.delay_scale == 1.0
    assert simulator.chatty_app is None


async def test_factory_runs_independent_simulators(
    simulator_factory: SimulatorFactory,
) -> None:
    other = SimAccount(
        email="other@example.com",
        password="pw",
        user_seq=2,
        devices=[SimDevice(mac="001122334455", additional_value="9", name="Garage")],
    )
    one = await simulator_factory()
    two = await simulator_factory(accounts=[demo_account(), other])
    assert one.rest_port != two.rest_port
    assert one.iot_port != two.iot_port
    assert one.broker.port != two.broker.port
    assert set(two.heaters) == {"aabbccddeeff", "001122334455"}
    assert all(link.connected for link in two.device_links.values())


async def test_stop_leaves_no_process_socket_or_file(
    simulator_factory: SimulatorFactory,
) -> None:
    sim = await simulator_factory(push_interval=0.05, physics_tick=0.01)
    link = sim.device_links["aabbccddeeff"]
    await eventually(lambda: bool(link.published), 20.0, "a status push")
    pid = sim.broker.pid
    assert pid is not None
    ports = [sim.rest_port, sim.iot_port, sim.broker.port]
    cert_dir = Path(sim.ca_file).parent
    tasks_before = asyncio.all_tasks()

    await sim.stop()

    assert not _process_alive(pid)
    assert not any(_port_open(port) for port in ports)
    assert not cert_dir.exists()
    assert asyncio.all_tasks() <= tasks_before
    await sim.stop()  # idempotent (the fixture stops it again)


async def test_context_manager(socket_enabled: None) -> None:
    async with NaviLinkSimulator(push_interval=None) as sim:
        port = sim.iot_port
        assert _port_open(port)
    assert not _port_open(port)


def test_faults_need_a_running_simulator() -> None:
    sim = NaviLinkSimulator()
    with pytest.raises(RuntimeError, match="start"):
        _ = sim.faults


async def test_physics_follow_time_scale(simulator_factory: SimulatorFactory) -> None:
    sim = await simulator_factory(
        time_scale=1000, physics_tick=0.02, push_interval=None
    )
    loop = asyncio.get_running_loop()
    start = sim.simulated_seconds
    await eventually(lambda: sim.simulated_seconds > start, 20.0, "a physics tick")
    began, before = loop.time(), sim.simulated_seconds  # just after a tick
    await eventually(lambda: sim.simulated_seconds - before >= 500, 60.0, "500 s")
    real = loop.time() - began
    # Never faster than 1000x: 500 simulated seconds took at least 0.5 s real,
    # less the moments between the tick and noticing it (bounded generously).
    assert sim.simulated_seconds - before <= 1000 * (real + 0.25)


async def test_status_is_pushed_every_push_interval(
    simulator_factory: SimulatorFactory,
) -> None:
    sim = await simulator_factory(push_interval=0.1, physics_tick=0.02)
    link = sim.device_links["aabbccddeeff"]
    loop = asyncio.get_running_loop()

    def pushes() -> int:
        return sum(t.endswith("/navilink-aabbccddeeff/res") for t, _ in link.published)

    await eventually(lambda: pushes() >= 1, 20.0, "a first push")
    first = loop.time()
    await eventually(lambda: pushes() >= 4, 20.0, "three more pushes")
    # Three intervals at least passed (pushes never come faster than that).
    assert loop.time() - first >= 3 * 0.1 * 0.9


async def test_device_faults_delegate_to_links(simulator: NaviLinkSimulator) -> None:
    link = simulator.device_links["aabbccddeeff"]
    simulator.faults.reply_delay(0.25)
    simulator.faults.drop_replies(True, mac="AABBCCDDEEFF")
    simulator.faults.malform_next_reply("truncated")
    assert link.reply_delay == 0.25
    assert link.drop_replies is True
    assert link.next_reply_malformed == "truncated"
    assert simulator.faults.device("aabbccddeeff") is link
    with pytest.raises(ValueError, match="unknown malformation"):
        simulator.faults.malform_next_reply("garbled")
    with pytest.raises(KeyError):
        simulator.faults.reply_delay(1, mac="000000000000")


async def test_malformed_reply_reaches_the_client(
    simulator: NaviLinkSimulator, sim_mqtt_client: SimMqttClientFactory
) -> None:
    """A device fault is visible end to end, through broker and front door."""
    heater = simulator.heaters["aabbccddeeff"]
    base = "cmd/52/navilink-aabbccddeeff"
    client = sim_mqtt_client()
    await client.connect()
    await client.subscribe(f"{base}/{client.client_id}/res")
    simulator.faults.malform_next_reply("not_json")
    request = {
        "clientID": client.client_id,
        "sessionID": "1",
        "protocolVersion": 2,
        "requestTopic": f"{base}/st",
        "responseTopic": f"{base}/{client.client_id}/res",
        "request": {
            "command": 16777219,
            "deviceType": 52,
            "macAddress": "aabbccddeeff",
            "additionalValue": heater.device.additional_value,
        },
    }
    await client.publish(
        f"{base}/st", json.dumps(request).encode(), mqtt.QoS.AT_LEAST_ONCE
    )
    _, payload = await client.next_message()
    with pytest.raises(json.JSONDecodeError):
        json.loads(payload)
    # The fault is one-shot: the next reply is JSON again.
    await client.publish(
        f"{base}/st", json.dumps(request).encode(), mqtt.QoS.AT_LEAST_ONCE
    )
    _, payload = await client.next_message()
    assert json.loads(payload)["response"]["macAddress"] == "aabbccddeeff"


async def test_broker_kill_is_survived_by_device_links(
    simulator: NaviLinkSimulator,
) -> None:
    link = simulator.device_links["aabbccddeeff"]
    connects = link.connect_count
    simulator.faults.kill_broker()
    await simulator.faults.start_broker()
    await asyncio.wait_for(link.wait_connected(), 5)
    async with asyncio.timeout(5):
        while link.connect_count == connects or not link.connected:  # noqa: ASYNC110 - no event to wait on
            await asyncio.sleep(0.05)
    assert simulator.broker.kill_count == 1


async def test_main_prints_endpoints_and_stops_on_ctrl_c(socket_enabled: None) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "navilink_sim",
        "--time-scale",
        "60",
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    assert proc.stdout is not None
    lines: list[str] = []
    try:
        async with asyncio.timeout(20):
            while not lines or "Ctrl-C" not in lines[-1]:
                raw = await proc.stdout.readline()
                assert raw, "".join(lines)
                lines.append(raw.decode())
        text = "".join(lines)
        assert "http://127.0.0.1:" in text
        assert "/api/v2.1" in text
        assert "wss://127.0.0.1:" in text
        assert "demo@example.com / demo-password" in text
        assert "ca.pem" in text
        proc.send_signal(signal.SIGINT)
        async with asyncio.timeout(15):
            rest = (await proc.stdout.read()).decode()
            assert await proc.wait() == 0
        assert "stopped" in rest
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
