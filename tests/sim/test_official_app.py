"""The simulator's second client, "the official app", and what other clients see of it."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from tests.session import MAC

if TYPE_CHECKING:
    from navilink_sim.simulator import NaviLinkSimulator
    from tests.simulator_fixture import SimMqttClientFactory

DHW_TEMPERATURE = 33554464


async def test_the_apps_answers_echo_its_ids_on_the_shared_topics(
    simulator: NaviLinkSimulator, sim_mqtt_client: SimMqttClientFactory
) -> None:
    observer = sim_mqtt_client()  # any other client of the account
    await observer.connect()
    await observer.subscribe(f"cmd/52/navilink-{MAC}/#")
    app = await simulator.official_app()
    heater = simulator.heaters[MAC]

    applied = await app.control(MAC, DHW_TEMPERATURE, "dhw-temperature", [100])
    assert await app.wait_answer(applied) == "ack"
    assert heater.setpoint == 100
    heater.refuse_clients.add(app.client_id)
    refused = await app.control(MAC, DHW_TEMPERATURE, "dhw-temperature", [110])
    assert await app.wait_answer(refused) == "refused"
    assert heater.setpoint == 100
    assert applied != refused  # a new session ID per request
    assert applied.isdigit()  # epoch milliseconds, as the app sends

    seen: dict[str, tuple[str, dict[str, object]]] = {}
    while len(seen) < 2:
        topic, raw = await observer.next_message()
        body = json.loads(raw)
        if "response" in body and body["clientID"] == app.client_id:
            seen[body["sessionID"]] = (topic, body["response"])
    ack_topic, ack = seen[applied]
    assert ack_topic == f"cmd/52/navilink-{MAC}/{app.client_id}/res"
    assert "status" in ack
    fail_topic, fail = seen[refused]
    assert fail_topic == f"cmd/52/navilink-{MAC}/res/ctrl-fail"
    assert fail["failCode"] == 2
