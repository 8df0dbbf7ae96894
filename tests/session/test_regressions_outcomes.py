"""Regressions of issue 15's command outcomes, found by the invariants bench under load.

Seeds 5612, 6171 and 6882 (bench ``--seed 5000``, replayed four at once on a
busy machine): a control was published, then the session's link was lost
before any answer. While the session was away the official app set the same
value (a mode that also turns the heater on, for a power-on) and its
acknowledgement, on the heater's shared topic, reached every client connected
then: not ours. The first status after the reconnection showed the value and
was taken as proof that our control arrived (``delivered``,
``status_shows_intent``); the heater never received it. The README names this
case ``unconfirmed`` ("a set-point lost with the connection while the official
app set the same value").

Seed 6201: a vacation left on a live link and applied; its ack did not come in
time, the link was lost, and while the session was away the app set the mode
from before back. Every status after the window showed the old mode, and the
session said ``not_applied``.

A status proves what happened to a control only if the session heard the heater
without a gap since the state the control was sent into: otherwise the control
ends ``unconfirmed`` (``link_gap``), unless its ack comes late.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from custom_components.navien_nwp500.navilink.codec import commands
from custom_components.navien_nwp500.navilink.session.queue import CommandOutcome
from custom_components.navien_nwp500.navilink.session.session import SessionState
from tests.session import DEVICE, MAC, eventually, fast, open_session, record_details

if TYPE_CHECKING:
    from navilink_sim.simulator import NaviLinkSimulator

CLIENT_ID = "navien-ha-outcomes"
DHW_TEMPERATURE = 33554464
AWAY = 30.0
"""Seconds the front door refuses the session (ended early by the test)."""

pytestmark = pytest.mark.simulator(profile="ideal", push_interval=None, time_scale=0)


def our_applies(sim: NaviLinkSimulator) -> int:
    """Count the applies of our controls, whatever their session IDs."""
    heater = sim.heaters[MAC]
    return sum(
        heater.applied[CLIENT_ID, m["sessionID"]]
        for m in heater.received
        if m["clientID"] == CLIENT_ID
    )


async def test_a_lost_set_point_the_app_gave_while_we_were_away_is_not_delivered(
    simulator: NaviLinkSimulator,
) -> None:
    """Ours never arrived; the app's same value, unheard, is no proof of ours."""
    app = await simulator.official_app()
    config = fast(request_timeout=2.0, first_connect_timeout=2.0, control_patience=3.0)
    async with open_session(simulator, client_id=CLIENT_ID, config=config) as h:
        details = record_details(h)
        await eventually(lambda: bool(h.recorder.statuses), 30.0, "first status")
        simulator.faults.stall()
        await h.session.send(commands.set_dhw_temperature(DEVICE, None, 52.5))
        await eventually(
            lambda: h.session.state is not SessionState.CONNECTED, 20.0, "loss"
        )
        simulator.faults.refuse_for(AWAY)  # the session stays away ...
        simulator.faults.unstall(lose_held=True)  # ... and our set-point is lost
        app_request = await app.control(MAC, DHW_TEMPERATURE, "dhw-temperature", [105])
        assert await app.wait_answer(app_request) == "ack"
        simulator.faults.stop_refusing()
        await eventually(lambda: bool(h.recorder.outcomes), 30.0, "an outcome")
        assert simulator.heaters[MAC].setpoint == 105
        assert our_applies(simulator) == 0
        assert details == [(CommandOutcome.UNCONFIRMED, "link_gap")]


async def test_a_set_point_the_app_set_back_while_we_were_away_is_not_not_applied(
    simulator: NaviLinkSimulator,
) -> None:
    """Ours applied, its ack was lost; the app's undo went unheard: not not_applied.

    Every answer is lost until the link goes (the ack, and the status replies
    that, on a link without a gap, would rightly prove ours delivered).
    """
    app = await simulator.official_app()
    async with open_session(simulator, client_id=CLIENT_ID, config=fast()) as h:
        details = record_details(h)
        await eventually(lambda: bool(h.recorder.statuses), 30.0, "first status")
        before = simulator.heaters[MAC].setpoint
        link_lost = False
        simulator.faults.lose_replies(lambda _request: not link_lost, times=10_000)
        await h.session.send(commands.set_dhw_temperature(DEVICE, None, 52.5))
        await eventually(lambda: our_applies(simulator) == 1, 10.0, "ours applied")
        await eventually(
            lambda: h.stats()["confirm_timeouts"] == 1, 10.0, "ours unconfirmed"
        )
        simulator.faults.refuse_for(AWAY)
        simulator.faults.drop_all()
        await eventually(
            lambda: h.session.state is not SessionState.CONNECTED, 20.0, "loss"
        )
        link_lost = True
        app_request = await app.control(
            MAC, DHW_TEMPERATURE, "dhw-temperature", [before]
        )
        assert await app.wait_answer(app_request) == "ack"
        simulator.faults.stop_refusing()
        await eventually(lambda: bool(h.recorder.outcomes), 30.0, "an outcome")
        assert simulator.heaters[MAC].setpoint == before
        assert our_applies(simulator) == 1
        assert details == [(CommandOutcome.UNCONFIRMED, "link_gap")]
