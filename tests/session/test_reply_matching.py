"""A device reply counts only for the request it answers (issue 9 point 4).

The heater's topics are shared with the official app (a second MQTT client on
the same account): its acks and ``ctrl-fail`` refusals reach our subscription
too. Only a reply echoing our client ID *and* the request's own session ID
settles one of our controls.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import TYPE_CHECKING

import pytest

from custom_components.navien_nwp500.navilink.codec import commands
from custom_components.navien_nwp500.navilink.codec.enums import DhwOperationSetting
from custom_components.navien_nwp500.navilink.codec.inbound import InboundDecoder
from custom_components.navien_nwp500.navilink.session.queue import CommandOutcome
from custom_components.navien_nwp500.navilink.session.replies import ReplyRouter
from tests.session import DEVICE, MAC, eventually, fast, open_session

if TYPE_CHECKING:
    from navilink_sim.official_app import OfficialApp
    from navilink_sim.simulator import NaviLinkSimulator

DHW_MODE = 33554437
DHW_TEMPERATURE = 33554464
CLIENT_ID = "navien-ha-replytest"
TOPIC = f"cmd/52/navilink-{MAC}/{CLIENT_ID}/res"


def ours(sim: NaviLinkSimulator, code: int) -> list[list[int]]:
    """Return the params of our requests with ``code`` the heater received."""
    return [
        m["request"]["param"]
        for m in sim.heaters[MAC].received
        if m["clientID"] == CLIENT_ID and m["request"]["command"] == code
    ]


async def app_set_points(app: OfficialApp, count: int) -> list[str]:
    """Have the app send ``count`` set-points (45-50 °C); return their session IDs."""
    return [
        await app.control(MAC, DHW_TEMPERATURE, "dhw-temperature", [90 + 2 * i])
        for i in range(count)
    ]


@pytest.mark.simulator(profile="ideal")  # counts six refusals: one lost or repeated
async def test_the_apps_refusals_never_count_against_our_control(
    simulator: NaviLinkSimulator,
) -> None:
    heater = simulator.heaters[MAC]
    app = await simulator.official_app()
    heater.refuse_clients.add(app.client_id)
    config = fast(control_confirm_timeout=15.0)
    async with open_session(simulator, config=config, client_id=CLIENT_ID) as h:
        await eventually(lambda: bool(h.recorder.statuses), 30.0, "first status")
        # Each answer leaves the heater 0.2 s late, so the app's six refusals
        # reach the session while our control waits for its own answer.
        simulator.faults.reply_delay(0.2)
        app_requests = await app_set_points(app, 6)
        ours_cmd = commands.set_dhw_temperature(DEVICE, None, 55.0)
        await h.session.send(ours_cmd)
        await eventually(lambda: bool(h.recorder.outcomes), 20.0, "our outcome")
        assert h.recorder.outcomes == [(ours_cmd, CommandOutcome.DELIVERED)]
        assert [await app.wait_answer(s) for s in app_requests] == ["refused"] * 6
        assert h.stats()["messages"]["ctrl_fail"] == 6  # the session saw them all
        assert h.recorder.ctrl_fails == []  # none of them was ours
        assert ours(simulator, DHW_TEMPERATURE) == [[110]]
        assert heater.setpoint == 110


async def test_the_apps_acks_never_confirm_our_refused_control(
    simulator: NaviLinkSimulator,
) -> None:
    heater = simulator.heaters[MAC]
    heater.refuse_clients.add(CLIENT_ID)
    app = await simulator.official_app()
    config = fast(control_spacing=0.2, control_refusal_limit=3)
    async with open_session(simulator, config=config, client_id=CLIENT_ID) as h:
        await eventually(lambda: bool(h.recorder.statuses), 30.0, "first status")
        ours_cmd = commands.set_dhw_temperature(DEVICE, None, 55.0)

        async def app_keeps_setting() -> None:
            while True:  # an ack with our command code every 50 ms
                (session_id,) = await app_set_points(app, 1)
                await app.wait_answer(session_id)
                await asyncio.sleep(0.05)

        chatter = asyncio.create_task(app_keeps_setting())
        try:
            await h.session.send(ours_cmd)
            await eventually(lambda: bool(h.recorder.outcomes), 30.0, "our outcome")
        finally:
            chatter.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await chatter
        assert h.recorder.outcomes == [(ours_cmd, CommandOutcome.REFUSED)]
        assert h.recorder.ctrl_fails == [2, 2, 2]
        assert ours(simulator, DHW_TEMPERATURE) == [[110]] * 3
        assert heater.setpoint == 90  # only the app's set-points were applied


@pytest.mark.simulator(profile="ideal")  # counts confirm timeouts: a lost ack adds one
async def test_our_controls_are_matched_while_the_app_interleaves(
    simulator: NaviLinkSimulator,
) -> None:
    app = await simulator.official_app()
    async with open_session(simulator, client_id=CLIENT_ID) as h:
        await eventually(lambda: bool(h.recorder.statuses), 30.0, "first status")
        modes = [
            DhwOperationSetting.HEAT_PUMP,
            DhwOperationSetting.ELECTRIC,
            DhwOperationSetting.HIGH_DEMAND,
            DhwOperationSetting.ENERGY_SAVER,
        ] * 2
        sent = [commands.set_dhw_mode(DEVICE, None, m) for m in modes]
        app_requests: list[str] = []
        for command in sent:
            await h.session.send(command)
            app_requests += await app_set_points(app, 1)
        await eventually(lambda: len(h.recorder.outcomes) == 8, 30.0, "8 outcomes")
        assert h.recorder.outcomes == [(c, CommandOutcome.DELIVERED) for c in sent]
        assert ours(simulator, DHW_MODE) == [[int(m)] for m in modes]
        assert [await app.wait_answer(s) for s in app_requests] == ["ack"] * 8
        assert h.stats()["confirm_timeouts"] == 0


def _reply(client_id: str, session_id: str, response: dict[str, object]) -> bytes:
    return json.dumps(
        {"clientID": client_id, "sessionID": session_id, "response": response}
    ).encode()


async def test_only_our_client_and_session_id_settle_a_control() -> None:
    router = ReplyRouter(CLIENT_ID)
    decoder = InboundDecoder()
    session_id = router.new_session_id(MAC, control=True)
    confirmation = router.expect_confirmation(session_id)
    status = {"macAddress": MAC, "status": {"command": DHW_TEMPERATURE}}
    refusal = {"macAddress": MAC, "failCode": 2}
    not_answers = [
        _reply("navien-app-1", session_id, refusal),  # another client
        _reply(CLIENT_ID, "1758919563666", refusal),  # another request
        _reply(f"navilink-{MAC}", "3", status | {"status": {"command": 0}}),  # push
        _reply(
            f"navilink-{MAC}", "4", {"macAddress": MAC, "status": {"command": 67108883}}
        ),
    ]
    for raw in not_answers:
        inbound = decoder.decode(TOPIC, raw)
        assert inbound is not None
        router.route(inbound)
        assert not router.answers_us(inbound)
    assert not confirmation.done()
    inbound = decoder.decode(TOPIC, _reply(CLIENT_ID, session_id, status))
    assert inbound is not None
    router.route(inbound)
    assert confirmation.result() is False  # acknowledged, not refused
    router.confirmation_done(session_id)
    late = decoder.decode(TOPIC, _reply(CLIENT_ID, session_id, refusal))
    assert late is not None
    router.route(late)  # ended: ignored (logged at debug)
    assert router.answers_us(late)
