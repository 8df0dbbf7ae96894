"""The realistic heater over MQTT: late controls, late, lost and doubled replies, the app."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from navilink_sim.profile import IDEAL
from tests.session import eventually
from tests.sim.peer import (
    ANTI_LEG_ON,
    BASE,
    CID,
    DHW_MODE,
    DHW_TEMPERATURE,
    MAC,
    STATUS,
    peer_on,
)

if TYPE_CHECKING:
    from navilink_sim.simulator import NaviLinkSimulator
    from tests.simulator_fixture import SimulatorFactory

QUIET = {"time_scale": 0, "push_interval": None, "draw_interval": None}


async def realistic(
    factory: SimulatorFactory, delay_scale: float, **knobs: object
) -> NaviLinkSimulator:
    """Start a simulator whose heater is ideal but for `knobs`."""
    profile = replace(IDEAL, **knobs)  # type: ignore[arg-type]
    return await factory(profile=profile, seed=7, delay_scale=delay_scale, **QUIET)


async def test_a_set_point_shows_in_status_only_after_its_delay(
    simulator_factory: SimulatorFactory,
) -> None:
    sim = await realistic(
        simulator_factory, 0.15, slow_setpoint_chance=1.0, slow_setpoint_delay=(20, 20)
    )
    lag = sim.device_links[MAC].lag
    assert lag is not None
    async with peer_on(sim) as peer:
        await peer.request("ctrl", DHW_TEMPERATURE, "set", [100])
        await eventually(lambda: lag.stats.delayed_controls == 1, what="the control")
        await peer.request("st", STATUS, "asked")
        await peer.wait_for(lambda: bool(peer.replies("asked")), what="the status")
        assert peer.replies("asked")[0]["status"]["dhwTemperatureSetting"] == 120
        assert not peer.replies("set")  # no ack before the control applied

        await peer.wait_for(lambda: bool(peer.replies("set")), what="the ack")
        assert peer.replies("set")[0]["status"]["dhwTemperatureSetting"] == 100
        assert sim.heaters[MAC].setpoint == 100


async def test_the_link_is_idle_only_once_its_late_control_and_reply_are_out(
    simulator_factory: SimulatorFactory,
) -> None:
    sim = await realistic(
        simulator_factory, 0.05, apply_delay=(6, 6), reply_delay=(6, 6)
    )
    link = sim.device_links[MAC]
    assert link.idle
    async with peer_on(sim) as peer:
        await peer.request("ctrl", DHW_MODE, "mode", [1])
        await eventually(lambda: not link.idle, what="the control waiting")
        await peer.wait_for(lambda: bool(peer.replies("mode")), what="the ack")
        await eventually(lambda: link.idle, what="nothing left in flight")
        assert sim.heaters[MAC].mode == 1


async def test_a_status_pushed_before_the_control_applies_shows_the_old_values(
    simulator_factory: SimulatorFactory,
) -> None:
    sim = await realistic(simulator_factory, 0.5, apply_delay=(6, 6))
    lag = sim.device_links[MAC].lag
    assert lag is not None
    async with peer_on(sim) as peer:
        await peer.request("ctrl", DHW_MODE, "mode", [1])
        await eventually(lambda: lag.stats.delayed_controls == 1, what="the control")
        await sim.push_status()
        await peer.wait_for(
            lambda: any(topic == f"{BASE}/res" for topic, _ in peer.messages),
            what="the push",
        )
        pushed = [
            body["response"]["status"]
            for t, body in peer.messages
            if t == f"{BASE}/res"
        ]
        assert pushed[0]["dhwOperationSetting"] == 3  # still Energy Saver
        await peer.wait_for(lambda: bool(peer.replies("mode")), what="the ack")
        assert peer.replies("mode")[0]["status"]["dhwOperationSetting"] == 1


async def test_acks_are_lost_and_doubled_at_the_configured_rates(
    simulator_factory: SimulatorFactory,
) -> None:
    sim = await realistic(
        simulator_factory, 0.01, reply_delay=(0, 5), reply_loss=0.2, reply_duplicate=0.2
    )
    lag = sim.device_links[MAC].lag
    assert lag is not None
    sessions = [f"s{n}" for n in range(100)]
    async with peer_on(sim) as peer:
        for n, session in enumerate(sessions):
            await peer.request("ctrl", DHW_TEMPERATURE, session, [100 + n % 20])
        await eventually(
            lambda: lag.stats.replies == len(sessions), timeout=20, what="100 acks"
        )
        copies = len(sessions) - lag.stats.lost + lag.stats.duplicated
        await peer.wait_for(
            lambda: sum(len(peer.replies(s)) for s in sessions) == copies,
            within=20,
            what=f"{copies} copies",
        )
        counts = [len(peer.replies(s)) for s in sessions]

    assert counts.count(0) == lag.stats.lost
    assert counts.count(2) == lag.stats.duplicated
    # 100 draws at 20 %: 20 expected, 3 sigma is 12.
    assert 8 <= lag.stats.lost <= 32
    assert 8 <= lag.stats.duplicated <= 32
    # A lost ack is not a lost control: every one applied, once.
    heater = sim.heaters[MAC]
    assert [heater.applied[CID, s] for s in sessions] == [1] * len(sessions)


async def test_applies_are_counted_per_client_and_session(
    simulator_factory: SimulatorFactory,
) -> None:
    sim = await simulator_factory(
        profile="realistic", seed=3, delay_scale=0.01, **QUIET
    )
    heater = sim.heaters[MAC]
    async with peer_on(sim) as peer:
        await peer.request("ctrl", ANTI_LEG_ON, "retried", [7])
        await peer.request("ctrl", ANTI_LEG_ON, "retried", [7])  # a resend
        await peer.request("ctrl", ANTI_LEG_ON, "once", [14])
        await peer.request("ctrl", ANTI_LEG_ON, "bad", [99])  # out of range
        await eventually(
            lambda: heater.applied[CID, "once"] == 1, timeout=10, what="the third"
        )
    assert heater.applied[CID, "retried"] == 2
    assert heater.applied[CID, "bad"] == 0
    assert heater.anti_legionella_period == 14


async def test_the_official_app_interleaves_its_controls_refusals_and_acks(
    simulator_factory: SimulatorFactory,
) -> None:
    profile = replace(IDEAL, app_control_interval=(10, 10), control_interval=1000.0)
    sim = await simulator_factory(profile=profile, seed=1, delay_scale=0.05, **QUIET)
    app = sim.chatty_app
    assert app is not None
    async with peer_on(sim) as peer:

        def answers() -> list[str]:
            return [
                "refused" if "failCode" in body["response"] else "ack"
                for _, body in peer.messages
                if body.get("clientID") == app.client_id
                and "response" in body
                and body["requestTopic"].endswith("/ctrl")
            ]

        await peer.wait_for(lambda: len(answers()) >= 2, what="two app controls")
    assert answers()[:2] == ["ack", "refused"]
    heater = sim.heaters[MAC]
    assert (heater.mode, heater.setpoint) == (3, 120)  # the app re-sends what it sees


async def test_late_controls_still_apply_in_the_order_sent(
    simulator_factory: SimulatorFactory,
) -> None:
    sim = await realistic(simulator_factory, 0.02, apply_delay=(0, 5))
    heater = sim.heaters[MAC]
    sent = [f"c{n}" for n in range(20)]
    async with peer_on(sim) as peer:
        for n, session in enumerate(sent):
            await peer.request("ctrl", DHW_MODE, session, [1 + n % 4])
        await eventually(
            lambda: len(heater.received) == len(sent), timeout=15, what="20 controls"
        )
    assert [request["sessionID"] for request in heater.received] == sent
    assert heater.mode == 4
