"""Which devices the simulator runs over MQTT, and a heater that drops off its Wi-Fi."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import aiohttp
from awscrt import mqtt
import pytest

from navilink_sim.accounts import demo_account, demo_account_with, tankless_device

if TYPE_CHECKING:
    from navilink_sim.simulator import NaviLinkSimulator
    from tests.simulator_fixture import SimMqttClient, SimMqttClientFactory

DEMO = demo_account()
MAC = DEMO.devices[0].mac
BASE = f"cmd/52/navilink-{MAC}"


async def _listed(sim: NaviLinkSimulator) -> dict[str, dict[str, Any]]:
    """Sign in and return ``/device/list``'s ``deviceInfo`` objects by MAC."""
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{sim.api_base_url}/user/sign-in",
            json={"userId": DEMO.email, "password": DEMO.password},
        ) as resp:
            token = (await resp.json())["data"]["token"]["accessToken"]
        async with http.post(
            f"{sim.api_base_url}/device/list",
            json={"offset": 0, "count": 20, "userId": DEMO.email},
            headers={"authorization": token},
        ) as resp:
            entries = (await resp.json())["data"]
    return {e["deviceInfo"]["macAddress"]: e["deviceInfo"] for e in entries}


async def _request_status(client: SimMqttClient, session_id: str) -> None:
    request = {
        "clientID": client.client_id,
        "sessionID": session_id,
        "protocolVersion": 2,
        "requestTopic": f"{BASE}/st",
        "responseTopic": f"{BASE}/{client.client_id}/res",
        "request": {
            "command": 16777219,
            "deviceType": 52,
            "macAddress": MAC,
            "additionalValue": DEMO.devices[0].additional_value,
        },
    }
    await client.publish(
        f"{BASE}/st", json.dumps(request).encode(), mqtt.QoS.AT_LEAST_ONCE
    )


@pytest.mark.simulator(accounts=[demo_account_with(tankless_device())])
async def test_only_nwp500s_are_simulated_but_every_device_is_listed(
    simulator: NaviLinkSimulator,
) -> None:
    tankless = tankless_device()
    assert set(simulator.heaters) == {MAC}
    assert set(simulator.device_links) == {MAC}
    listed = await _listed(simulator)
    assert listed[tankless.mac]["deviceType"] == 1
    assert listed[MAC]["deviceType"] == 52


@pytest.mark.simulator(push_interval=None)
async def test_silenced_heater_hears_nothing_and_is_listed_disconnected(
    simulator: NaviLinkSimulator, sim_mqtt_client: SimMqttClientFactory
) -> None:
    heater = simulator.heaters[MAC]
    client = sim_mqtt_client()
    await client.connect()
    await client.subscribe(f"{BASE}/{client.client_id}/res")

    simulator.faults.silence_device(MAC)
    assert (await _listed(simulator))[MAC]["connected"] == 1
    await _request_status(client, "while-silent")

    simulator.faults.unsilence_device(MAC)
    assert (await _listed(simulator))[MAC]["connected"] == 2
    await _request_status(client, "after")
    _, payload = await client.next_message()
    # The broker keeps one publisher's order: the first request reached the
    # link before the second, and the silent heater never took it.
    assert json.loads(payload)["sessionID"] == "after"
    assert [r["sessionID"] for r in heater.received] == ["after"]
