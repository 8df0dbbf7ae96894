"""Regressions found by the invariants bench (issue 15 §2): the session's side.

Seed 205 of ``tests/integration/test_invariants.py`` (bench ``--seed 200``): a
mode control published just before the link was lost reached the heater, which
applies controls seconds late (protocol.md §17.8: a set-point more than 16 s).
The first status after the reconnection did not show it yet, so the session sent
it again under a new session ID, and the heater applied the one command twice
(had the official app changed the mode in between, the resend would have undone
that). It is open: a control lost with the link is judged by the first status
after the reconnection, without the patience window (issue 15 §3, a choice of
the session); telling a control that never left from a slow one needs that wait.

Seed 1028 (bench ``--seed 1000``): a power-on given with a vacation, lost with
the link, was reported ``delivered`` (``status_shows_intent``) though the heater
never received it: the first status after the reconnection showed the heater on
(an earlier control had turned it on). A status showing the intent now proves
delivery only if the last status before the publish did not show it already;
otherwise, with no ack, the control ends ``unconfirmed`` (``already_shown``).

Seed 2011 (bench ``--seed 2000``): a mode control whose ack was lost was applied,
then the official app set another mode; the statuses after the patience window
showed the app's mode, and the session reported ours ``not_applied``. Now another
client's ack of a control of the same setting after our publish, or a status
showing a value that is neither ours nor the one before, makes it ``superseded``
(``another_control``).

Seed 4014 (bench ``--seed 4014``, under load): a set-point (and in a rerun a
vacation) was published and waited for its ack when Home Assistant reloaded the
entry, past the command's maximum age. Closing the session cancelled the
delivery lane, which put the published command back in the waiting line as if
it had never left; the expiry timer fired before the close dropped the line,
and the command ended ``too_old`` (``queued_too_long``) though the heater applied
it. A lane cancelled after its publish began now leaves the command unconfirmed,
like a link lost after the publish: its deadline ends it ``unconfirmed``. By the
same rule a sent command is never ``too_old`` when the heater's answer decided it
first: a control lost with the link that a status after the window lacks ends
``not_applied`` past its age (a status on a busy loop can come before the expiry
timer), and one waiting to be sent again ends by that answer
(test_queue_unit.py).

Seeds 6003 and 6171 (bench ``--seed 6000``): a control lost with the link was
reported ``delivered`` (``status_shows_intent``): the official app had set the
same value after our publish, and its status was taken as proof. After another
client's control of the same setting, a status showing our value proves nothing:
with no ack the control ends ``unconfirmed`` (``another_control``).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest

from custom_components.navien_nwp500.navilink.codec import commands
from custom_components.navien_nwp500.navilink.session import expiry
from custom_components.navien_nwp500.navilink.session.patience import Unconfirmed
from custom_components.navien_nwp500.navilink.session.queue import (
    CommandOutcome,
    QueueEntry,
)
from custom_components.navien_nwp500.navilink.session.session import SessionState
from navilink_sim.profile import HeaterProfile
from tests.session import DEVICE, MAC, eventually, fast, open_session, record_details

if TYPE_CHECKING:
    from navilink_sim.simulator import NaviLinkSimulator

CLIENT_ID = "navien-ha-invariants"
DHW_TEMPERATURE = 33554464
POWER_ON = 33554434
APPLY_DELAY = 3.0  # the heater applies every control this late

pytestmark = pytest.mark.simulator(
    profile=HeaterProfile(apply_delay=(APPLY_DELAY, APPLY_DELAY)),
    delay_scale=1.0,  # APPLY_DELAY is in real seconds, not compressed
    push_interval=None,
    time_scale=0,
)


def our_set_point_applies(sim: NaviLinkSimulator) -> int:
    """Count the applies of our set-point controls, whatever their session IDs."""
    heater = sim.heaters[MAC]
    return sum(
        heater.applied[CLIENT_ID, m["sessionID"]]
        for m in heater.received
        if m["clientID"] == CLIENT_ID and m["request"]["command"] == DHW_TEMPERATURE
    )


async def test_a_set_point_held_by_a_stall_is_applied_once(
    simulator: NaviLinkSimulator,
) -> None:
    """The held set-point arrives after the link is lost: applied once, not twice.

    The window is wider than the stall and the reconnect, as 60 s is in real life.
    """
    config = fast(request_timeout=2.0, first_connect_timeout=2.0, control_patience=8.0)
    async with open_session(simulator, client_id=CLIENT_ID, config=config) as h:
        await eventually(lambda: bool(h.recorder.statuses), 30.0, "first status")
        simulator.faults.stall()
        await h.session.send(commands.set_dhw_temperature(DEVICE, None, 52.5))
        await eventually(
            lambda: h.session.state is not SessionState.CONNECTED, 20.0, "loss"
        )
        simulator.faults.unstall()  # the held set-point reaches the heater now
        await eventually(lambda: bool(h.recorder.outcomes), 30.0, "an outcome")
        link = simulator.device_links[MAC]
        await eventually(lambda: link.idle, 10.0, "every control applied")
        assert simulator.heaters[MAC].setpoint == 105
        assert our_set_point_applies(simulator) == 1


@pytest.mark.simulator(profile="ideal")
async def test_a_lost_power_on_to_a_heater_already_on_is_not_delivered(
    simulator: NaviLinkSimulator,
) -> None:
    """The power-on never reached the heater: it is not reported delivered."""
    config = fast(request_timeout=2.0, first_connect_timeout=2.0)
    async with open_session(simulator, client_id=CLIENT_ID, config=config) as h:
        details = record_details(h)
        await eventually(lambda: bool(h.recorder.statuses), 30.0, "first status")
        simulator.faults.stall()
        await h.session.send(commands.power(DEVICE, None, True))
        await eventually(
            lambda: h.session.state is not SessionState.CONNECTED, 20.0, "loss"
        )
        simulator.faults.unstall(lose_held=True)  # the power-on is lost
        await eventually(lambda: bool(h.recorder.outcomes), 30.0, "an outcome")
        heater = simulator.heaters[MAC]
        assert not any(m["request"]["command"] == POWER_ON for m in heater.received)
        assert h.recorder.outcomes[0][1] is not CommandOutcome.DELIVERED
        assert details == [(CommandOutcome.UNCONFIRMED, "already_shown")]


@pytest.mark.simulator(profile="ideal")
async def test_a_set_point_the_app_overrode_is_not_reported_not_applied(
    simulator: NaviLinkSimulator,
) -> None:
    """Applied, then replaced by the app's set-point: anything but not_applied."""
    app = await simulator.official_app()
    async with open_session(simulator, client_id=CLIENT_ID, config=fast()) as h:
        details = record_details(h)
        await eventually(lambda: bool(h.recorder.statuses), 30.0, "first status")
        simulator.faults.drop_replies()  # our ack and the statuses are lost
        await h.session.send(commands.set_dhw_temperature(DEVICE, None, 52.5))
        await eventually(
            lambda: our_set_point_applies(simulator) == 1, 10.0, "ours applied"
        )
        await app.control(MAC, DHW_TEMPERATURE, "dhw-temperature", [110])
        await eventually(
            lambda: simulator.heaters[MAC].setpoint == 110, 10.0, "the app's applied"
        )
        simulator.faults.drop_replies(enabled=False)
        await eventually(lambda: bool(h.recorder.outcomes), 30.0, "an outcome")
        assert our_set_point_applies(simulator) == 1
        assert h.recorder.outcomes[0][1] is not CommandOutcome.NOT_APPLIED
        # The status shows 55 °C: neither ours (52.5 °C) nor the one before.
        assert details == [(CommandOutcome.SUPERSEDED, "another_control")]


@pytest.mark.simulator(profile="ideal")
async def test_a_set_point_the_app_set_back_is_superseded_by_its_ack(
    simulator: NaviLinkSimulator,
) -> None:
    """Ours applied, the app set the old value back: only the app's ack tells.

    Every status after it shows the set-point from before ours, as if ours never
    arrived; the app's acknowledgement (its client ID, our command's code) on
    the heater's shared topic shows a newer control changed that setting.
    """
    app = await simulator.official_app()
    async with open_session(simulator, client_id=CLIENT_ID, config=fast()) as h:
        details = record_details(h)
        await eventually(lambda: bool(h.recorder.statuses), 30.0, "first status")
        before = simulator.heaters[MAC].setpoint
        simulator.faults.malform_next_reply("truncated")  # our ack is lost
        await h.session.send(commands.set_dhw_temperature(DEVICE, None, 52.5))
        await eventually(
            lambda: our_set_point_applies(simulator) == 1, 10.0, "ours applied"
        )
        app_request = await app.control(
            MAC, DHW_TEMPERATURE, "dhw-temperature", [before]
        )
        assert await app.wait_answer(app_request) == "ack"
        await eventually(lambda: bool(h.recorder.outcomes), 30.0, "an outcome")
        assert simulator.heaters[MAC].setpoint == before
        assert our_set_point_applies(simulator) == 1
        assert details == [(CommandOutcome.SUPERSEDED, "another_control")]


async def test_a_set_point_in_flight_when_the_session_closes_is_not_too_old(
    simulator: NaviLinkSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Published, its ack not yet come, closed past its deadline: not too_old.

    The expiry timer fires without its margin, as on a loaded machine where the
    close takes longer than it: a command back in the waiting line would expire
    before the close drops the line.
    """
    monkeypatch.setattr(expiry, "_MARGIN", 0.0)
    max_age = 0.5
    config = fast(queue_max_age=max_age, control_confirm_timeout=2 * APPLY_DELAY)
    async with open_session(simulator, client_id=CLIENT_ID, config=config) as h:
        details = record_details(h)
        await eventually(lambda: bool(h.recorder.statuses), 30.0, "first status")
        await h.session.send(commands.set_dhw_temperature(DEVICE, None, 52.5))
        link = simulator.device_links[MAC]
        await eventually(lambda: not link.idle, 10.0, "the heater holds it")
        await asyncio.sleep(max_age)  # past its deadline, its ack still to come
        await h.session.close()
        await eventually(
            lambda: our_set_point_applies(simulator) == 1, 10.0, "ours applied"
        )
        assert simulator.heaters[MAC].setpoint == 105
        assert details == [(CommandOutcome.UNCONFIRMED, "unconfirmed_too_long")]


async def test_a_lost_control_not_shown_past_its_age_is_not_too_old() -> None:
    """Sent, the link lost, a status after the window lacks it, too old: not_applied."""
    command = commands.set_dhw_temperature(DEVICE, None, 52.5)
    record = Unconfirmed(
        QueueEntry(command, seq=1, enqueued_at=0.0, sent_at=0.0),
        session_id="lost-with-the-link",
        published_at=0.0,
        patience_ends=0.0,
        link_lost=True,
        settled=asyncio.get_running_loop().create_future(),
        shown_before=False,
        setting_before=(100,),
    )
    fate = record.fate_when_not_shown(newer=False, too_old=True, resend_limit=1)
    assert fate == (CommandOutcome.NOT_APPLIED, "status_without_intent")


@pytest.mark.simulator(profile="ideal")
async def test_a_lost_set_point_the_app_then_gave_is_not_delivered(
    simulator: NaviLinkSimulator,
) -> None:
    """Ours was lost with the link; the app set the same value: ours proves nothing.

    Seeds 6003 and 6171 (bench ``--seed 6000``): the status showing the app's
    control was taken as proof that ours arrived.
    """
    app = await simulator.official_app()
    config = fast(request_timeout=2.0, first_connect_timeout=2.0, control_patience=8.0)
    async with open_session(simulator, client_id=CLIENT_ID, config=config) as h:
        details = record_details(h)
        await eventually(lambda: bool(h.recorder.statuses), 30.0, "first status")
        simulator.faults.stall()
        await h.session.send(commands.set_dhw_temperature(DEVICE, None, 52.5))
        await eventually(
            lambda: h.session.state is not SessionState.CONNECTED, 20.0, "loss"
        )
        simulator.faults.unstall(lose_held=True)  # our set-point is lost
        await eventually(
            lambda: h.session.state is SessionState.CONNECTED, 20.0, "link back"
        )
        app_request = await app.control(MAC, DHW_TEMPERATURE, "dhw-temperature", [105])
        assert await app.wait_answer(app_request) == "ack"
        await eventually(lambda: bool(h.recorder.outcomes), 30.0, "an outcome")
        assert simulator.heaters[MAC].setpoint == 105
        assert our_set_point_applies(simulator) == 0
        assert details == [(CommandOutcome.UNCONFIRMED, "another_control")]
