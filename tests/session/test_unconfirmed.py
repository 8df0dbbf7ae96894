"""A command that may have arrived is not reported failed; the heater's state decides.

Issue 9 point 5: a control published on a stalled path, or whose answer never
came, is *unconfirmed*. Issue 15 §3: a late ack proves receipt; a status
without the intent decides only after the patience window; only a control
lost with the link is sent again. Exactly one outcome, and the heater applies
it once, whether the held bytes arrive late or are lost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from custom_components.navien_nwp500.navilink.codec import (
    commands,
    has_intent,
    intent_met,
)
from custom_components.navien_nwp500.navilink.codec.enums import DhwOperationSetting
from custom_components.navien_nwp500.navilink.codec.models import (
    DeviceFeature,
    parse_status,
)
from custom_components.navien_nwp500.navilink.session.queue import CommandOutcome
from custom_components.navien_nwp500.navilink.session.session import SessionState
from tests.session import (
    DEVICE,
    MAC,
    eventually,
    fast,
    open_session,
    record_details,
)

if TYPE_CHECKING:
    from navilink_sim.simulator import NaviLinkSimulator
    from tests.session import Harness

DHW_TEMPERATURE = 33554464
# These tests play a forgetful or slow heater by hand (lost acks, a set-point put
# back): the realistic heater's own late applies would race with them.
pytestmark = pytest.mark.simulator(profile="ideal")

CLIENT_ID = "navien-ha-unconfirmed"
SET_POINT = 52.5  # half-degrees 105; the heater starts at 60 °C


def set_point_requests(sim: NaviLinkSimulator) -> int:
    """Count our 52.5 °C set-points the heater received."""
    return sum(
        1
        for m in sim.heaters[MAC].received
        if m["clientID"] == CLIENT_ID
        and m["request"]["command"] == DHW_TEMPERATURE
        and m["request"]["param"] == [105]
    )


async def ready(h: Harness) -> None:
    """Wait until the session got its first status and feature."""
    await eventually(
        lambda: bool(h.recorder.statuses and h.recorder.features), 30.0, "first data"
    )


@pytest.mark.parametrize(
    ("lose_held", "outcome"),
    [(False, CommandOutcome.UNCONFIRMED), (True, CommandOutcome.DELIVERED)],
    ids=["held_arrive", "held_lost"],
)
async def test_set_point_given_during_a_stall_is_applied_once(
    simulator: NaviLinkSimulator, lose_held: bool, outcome: CommandOutcome
) -> None:
    """Held then delivered, or lost and sent again: applied once, never failed.

    Held: it applies while the session is away and its ack is lost with the
    link; the status after the reconnection cannot tell it from another
    client's same change made meanwhile (test_regressions_outcomes.py), so it
    ends unconfirmed. Lost: the status lacks it, it is sent again and acked.
    """
    config = fast(request_timeout=2.0, first_connect_timeout=2.0)
    async with open_session(simulator, config=config, client_id=CLIENT_ID) as h:
        await ready(h)
        simulator.faults.stall()
        command = commands.set_dhw_temperature(DEVICE, None, SET_POINT)
        await h.session.send(command)
        await eventually(
            lambda: h.session.state is not SessionState.CONNECTED, 20.0, "loss"
        )
        assert h.recorder.outcomes == []  # not failed: it may have arrived
        assert h.stats()["queue"]["unconfirmed"] == 1
        simulator.faults.unstall(lose_held=lose_held)
        await eventually(lambda: bool(h.recorder.outcomes), 20.0, "an outcome")
        assert h.recorder.outcomes == [(command, outcome)]
        assert simulator.heaters[MAC].setpoint == 105
        assert set_point_requests(simulator) == 1
        # A later status (after any resend would have been answered) changes nothing.
        statuses = len(h.recorder.statuses)
        await simulator.push_status()
        await eventually(lambda: len(h.recorder.statuses) > statuses, 30.0, "push")
    assert h.recorder.outcomes == [(command, outcome)]  # close: no more
    assert set_point_requests(simulator) == 1


async def test_a_silent_heater_is_not_assumed_to_have_applied_a_control(
    simulator: NaviLinkSimulator,
) -> None:
    config = fast(control_confirm_timeout=0.5)
    async with open_session(simulator, config=config, client_id=CLIENT_ID) as h:
        await ready(h)
        simulator.faults.drop_replies(True)  # it applies controls but says nothing
        command = commands.set_dhw_temperature(DEVICE, None, SET_POINT)
        await h.session.send(command)
        await eventually(lambda: h.stats()["confirm_timeouts"] == 1, 30.0, "timeout")
        assert h.recorder.outcomes == []
        assert h.stats()["queue"]["unconfirmed"] == 1
        simulator.faults.drop_replies(False)
        await simulator.push_status()  # shows the set-point: it did arrive
        await eventually(lambda: bool(h.recorder.outcomes), 30.0, "an outcome")
        assert h.recorder.outcomes == [(command, CommandOutcome.DELIVERED)]
        assert set_point_requests(simulator) == 1


async def test_a_late_ack_proves_receipt_and_the_control_is_not_sent_again(
    simulator: NaviLinkSimulator,
) -> None:
    """A slow heater acks after the confirm timeout and shows the change later."""
    heater = simulator.heaters[MAC]
    config = fast(control_confirm_timeout=0.5)
    async with open_session(simulator, config=config, client_id=CLIENT_ID) as h:
        await ready(h)
        details = record_details(h)
        simulator.faults.reply_delay(1.5)  # every answer leaves after the timeout
        command = commands.set_dhw_temperature(DEVICE, None, SET_POINT)
        await h.session.send(command)
        await eventually(lambda: heater.setpoint == 105, 10.0, "the control")
        heater.setpoint = 120  # it has not applied it yet: statuses lack it
        await eventually(lambda: bool(h.recorder.outcomes), 10.0, "an outcome")
        assert h.recorder.outcomes == [(command, CommandOutcome.DELIVERED)]
        assert details == [(CommandOutcome.DELIVERED, "late_ack")]
        assert h.stats()["confirm_timeouts"] == 1
        assert h.stats()["resent"] == 0
        assert set_point_requests(simulator) == 1


async def test_a_heater_slow_to_show_a_control_is_given_the_patience_window(
    simulator: NaviLinkSimulator,
) -> None:
    """No ack, and the first statuses after the control do not show it yet."""
    heater = simulator.heaters[MAC]
    config = fast(control_confirm_timeout=0.5, control_patience=30.0)
    async with open_session(simulator, config=config, client_id=CLIENT_ID) as h:
        await ready(h)
        details = record_details(h)
        simulator.faults.drop_replies(True)  # the ack is lost
        command = commands.set_dhw_temperature(DEVICE, None, SET_POINT)
        await h.session.send(command)
        await eventually(lambda: heater.setpoint == 105, 10.0, "the control")
        heater.setpoint = 120  # not applied yet
        simulator.faults.drop_replies(False)
        seen = len(h.recorder.statuses)
        # The session keeps asking; statuses without the set-point decide nothing.
        await eventually(lambda: len(h.recorder.statuses) >= seen + 3, 20.0, "polls")
        assert h.recorder.outcomes == []
        heater.setpoint = 105  # applied, seconds later
        await eventually(lambda: bool(h.recorder.outcomes), 10.0, "an outcome")
        assert h.recorder.outcomes == [(command, CommandOutcome.DELIVERED)]
        assert details == [(CommandOutcome.DELIVERED, "status_shows_intent")]
        assert set_point_requests(simulator) == 1


async def test_a_control_sent_on_a_live_link_is_never_resent_and_ends_not_applied(
    simulator: NaviLinkSimulator,
) -> None:
    """Lost status replies block nothing: the session asks again until it knows."""
    heater = simulator.heaters[MAC]
    config = fast(control_confirm_timeout=0.5, queue_max_age=120.0)
    async with open_session(simulator, config=config, client_id=CLIENT_ID) as h:
        await ready(h)
        details = record_details(h)
        simulator.faults.drop_replies(True)  # the ack and the first polls are lost
        command = commands.set_dhw_temperature(DEVICE, None, SET_POINT)
        await h.session.send(command)
        await eventually(lambda: h.stats()["confirm_timeouts"] == 1, 30.0, "timeout")
        heater.setpoint = 120  # as if it never took it
        asked = len(heater.received)
        await eventually(lambda: len(heater.received) > asked + 1, 10.0, "2 polls")
        simulator.faults.drop_replies(False)
        await eventually(lambda: bool(h.recorder.outcomes), 10.0, "an outcome")
        assert h.recorder.outcomes == [(command, CommandOutcome.NOT_APPLIED)]
        assert details == [(CommandOutcome.NOT_APPLIED, "status_without_intent")]
        assert h.stats()["resent"] == 0
        assert set_point_requests(simulator) == 1
        after = commands.set_dhw_temperature(DEVICE, None, 50.0)  # the lane is free
        await h.session.send(after)
        await eventually(lambda: len(h.recorder.outcomes) == 2, 10.0, "2nd outcome")
        assert h.recorder.outcomes[1] == (after, CommandOutcome.DELIVERED)
        assert heater.setpoint == 100


async def test_an_unconfirmed_control_a_newer_one_replaced_is_not_resent(
    simulator: NaviLinkSimulator,
) -> None:
    heater = simulator.heaters[MAC]
    config = fast(control_confirm_timeout=0.5)
    async with open_session(simulator, config=config, client_id=CLIENT_ID) as h:
        await ready(h)
        simulator.faults.drop_replies(True)
        first = commands.set_dhw_temperature(DEVICE, None, SET_POINT)
        await h.session.send(first)
        await eventually(lambda: h.stats()["confirm_timeouts"] == 1, 30.0, "timeout")
        newer = commands.set_dhw_temperature(DEVICE, None, 50.0)
        await h.session.send(newer)  # waits behind the unconfirmed one
        heater.setpoint = 120  # the first one did not take
        simulator.faults.drop_replies(False)
        await simulator.push_status()
        await eventually(lambda: len(h.recorder.outcomes) == 2, 30.0, "2 outcomes")
        assert h.recorder.outcomes == [
            (first, CommandOutcome.SUPERSEDED),
            (newer, CommandOutcome.DELIVERED),
        ]
        assert set_point_requests(simulator) == 1
        assert heater.setpoint == 100


async def test_a_control_still_missing_after_the_resend_limit_is_not_applied(
    simulator: NaviLinkSimulator,
) -> None:
    config = fast(control_confirm_timeout=0.5, control_resend_limit=0)
    async with open_session(simulator, config=config, client_id=CLIENT_ID) as h:
        await ready(h)
        simulator.faults.drop_replies(True)
        command = commands.set_dhw_temperature(DEVICE, None, SET_POINT)
        await h.session.send(command)
        await eventually(lambda: h.stats()["confirm_timeouts"] == 1, 30.0, "timeout")
        simulator.heaters[MAC].setpoint = 120
        simulator.faults.drop_replies(False)
        await simulator.push_status()
        await eventually(lambda: bool(h.recorder.outcomes), 30.0, "an outcome")
        assert h.recorder.outcomes == [(command, CommandOutcome.NOT_APPLIED)]
        assert set_point_requests(simulator) == 1


async def test_without_any_status_the_outcome_is_unconfirmed(
    simulator: NaviLinkSimulator,
) -> None:
    config = fast(control_confirm_timeout=0.5, control_patience=1.0, queue_max_age=5.0)
    async with open_session(simulator, config=config, client_id=CLIENT_ID) as h:
        await ready(h)
        details = record_details(h)
        simulator.faults.drop_replies(True)  # silent for good
        uncheckable = commands.air_filter_reset(DEVICE)
        set_point = commands.set_dhw_temperature(DEVICE, None, SET_POINT)
        await h.session.send(uncheckable)
        await h.session.send(set_point)
        await eventually(lambda: len(h.recorder.outcomes) == 2, 30.0, "2 outcomes")
        assert h.recorder.outcomes == [
            (uncheckable, CommandOutcome.UNCONFIRMED),  # no status could show it
            (set_point, CommandOutcome.UNCONFIRMED),  # no status came in time
        ]
        assert details == [
            (CommandOutcome.UNCONFIRMED, "not_checkable"),
            (CommandOutcome.UNCONFIRMED, "no_status"),
        ]
        assert simulator.heaters[MAC].setpoint == 105  # it did arrive, silently


def test_intents_read_from_status() -> None:
    def status(**fields: object) -> object:
        return parse_status({"command": 67108883, **fields})

    set_point = commands.set_dhw_temperature(DEVICE, None, 52.5)
    assert intent_met(set_point, status(dhwTemperatureSetting=105)) is True
    assert intent_met(set_point, status(dhwTemperatureSetting=120)) is False
    assert intent_met(set_point, status()) is None  # cannot tell
    mode = commands.set_dhw_mode(DEVICE, None, DhwOperationSetting.ELECTRIC)
    assert intent_met(mode, status(dhwOperationSetting=2)) is True
    assert intent_met(mode, status(dhwOperationSetting=3)) is False
    vacation = commands.set_vacation(DEVICE, None, 7)
    on_vacation = status(dhwOperationSetting=5, vacationDaySetting=7)
    assert intent_met(vacation, on_vacation) is True
    assert intent_met(vacation, status(dhwOperationSetting=5)) is False
    off, on = commands.power(DEVICE, None, False), commands.power(DEVICE, None, True)
    assert intent_met(off, status(dhwOperationSetting=6)) is True
    assert intent_met(on, status(dhwOperationSetting=6)) is False
    assert intent_met(on, status(dhwOperationSetting=3)) is True
    legionella = commands.anti_legionella(DEVICE, None, True, 14)
    met = status(antiLegionellaUse=2, antiLegionellaPeriod=14)
    assert intent_met(legionella, met) is True
    assert intent_met(legionella, status(antiLegionellaUse=1)) is False
    no_legionella = commands.anti_legionella(DEVICE, None, False)
    assert intent_met(no_legionella, status(antiLegionellaUse=1)) is True
    tou = commands.tou(DEVICE, None, True)
    assert intent_met(tou, status(touStatus=1)) is True
    assert intent_met(tou, status(touStatus=0)) is False
    unknowable = [
        commands.demand_response(DEVICE, None, True),
        commands.air_filter_reset(DEVICE),
        commands.reservation_write(
            DEVICE,
            DeviceFeature(dhw_temperature_min=40.5, dhw_temperature_max=65.5),
            [],
            True,
        ),
    ]
    for command in unknowable:
        assert not has_intent(command)
        assert intent_met(command, met) is None
