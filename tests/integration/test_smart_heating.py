"""Smart heating on the simulator: the switch, hand changes, unload, vacation, apply_plan."""

from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from unittest.mock import patch

from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.components.water_heater import (
    DOMAIN as WATER_HEATER_DOMAIN,
)
from homeassistant.const import (
    ATTR_ENTITY_ID,
    STATE_OFF,
    STATE_ON,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.navien_nwp500.const import DOMAIN
from custom_components.navien_nwp500.logbook import (
    EVENT_SMART_HEATING,
    async_describe_events,
)
from custom_components.navien_nwp500.planner import ReasonCode

from .conftest import DEMO_MAC
from .helpers import allowing_pending, get_entity_id, push, wait_for
from .smart_helpers import (
    ECO,
    HEAT_PUMP,
    HIGH_DEMAND,
    JUMPING_PROFILE,
    VACATION,
    controls,
    messages,
    run_until,
    shows_plan,
    smart_marks,
    smart_timings,  # noqa: F401  (autouse)
    state,
    switch,
)

if TYPE_CHECKING:
    from datetime import datetime

    from homeassistant.core import Event, HomeAssistant

    from navilink_sim.heater import SimulatedHeater
    from navilink_sim.simulator import NaviLinkSimulator

pytestmark = smart_marks()


@pytest.fixture
def logged(hass: HomeAssistant) -> list[Event[dict[str, Any]]]:
    """Capture what smart heating writes to the logbook."""
    return async_capture_events(hass, EVENT_SMART_HEATING)


async def _apply_plan(hass: HomeAssistant, *segments: dict[str, Any]) -> None:
    await allowing_pending(
        hass.services.async_call(
            DOMAIN,
            "apply_plan",
            {
                ATTR_ENTITY_ID: get_entity_id(
                    hass, WATER_HEATER_DOMAIN, "water_heater"
                ),
                "segments": list(segments),
            },
            blocking=True,
        )
    )


def _segment(
    start: datetime, end: datetime, mode: str, temperature: float
) -> dict[str, Any]:
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "mode": mode,
        "temperature": temperature,
    }


async def test_smart_heating_holds_the_set_back_and_off_gives_the_owner_setting_back(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    heater: SimulatedHeater,
    logged: list[Event[dict[str, Any]]],
) -> None:
    assert (heater.mode, heater.setpoint) == (ECO, 120)
    smart = init_integration.runtime_data.smart

    await switch(hass, "smart_heating", True)

    plan = smart.get(DEMO_MAC).plan
    assert plan is not None
    segment = plan.segment_at(dt_util.utcnow())
    assert segment is not None
    # A full tank and no promise: while it coasts above the default set-back,
    # 45 °C, only the comfort floor is asked for, on the heat pump.
    assert segment.reason.code is ReasonCode.SET_BACK_COAST
    assert segment.reason.params == {"setpoint": segment.setpoint_c, "set_back": 45.0}
    assert segment.mode == "heat_pump"
    assert segment.setpoint_c < 45.0
    await wait_for(
        hass,
        lambda: (heater.mode, heater.setpoint) == (HEAT_PUMP, segment.setpoint_c * 2),
    )
    assert state(hass, SWITCH_DOMAIN, "smart_heating") == STATE_ON
    assert messages(logged) == ["smart_set_back_coast"]
    described: dict[str, Any] = {}
    async_describe_events(
        hass, lambda _d, kind, describe: described.update({kind: describe})
    )
    # The logbook names the set-point the heater was sent.
    sent = f"{heater.setpoint / 2:g} °C"
    assert described[EVENT_SMART_HEATING](logged[-1])["message"] == (
        f"Set to {sent}, the comfort floor: the tank is still above the 45 °C set-back"
    )

    await switch(hass, "smart_heating", False)

    await wait_for(hass, lambda: (heater.mode, heater.setpoint) == (ECO, 120))
    assert smart.get(DEMO_MAC).control is None
    assert messages(logged)[-1] == "smart_returned_turned_off"
    assert described[EVENT_SMART_HEATING](logged[-1]) == {
        "name": "NWP500 Smart heating",
        "message": "Smart heating turned off: back to your setting, Eco at 60 °C",
        "entity_id": get_entity_id(hass, SWITCH_DOMAIN, "smart_heating"),
    }


async def test_a_change_by_hand_ends_smart_heating_and_stands(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    heater: SimulatedHeater,
    simulator: NaviLinkSimulator,
    logged: list[Event[dict[str, Any]]],
) -> None:
    smart = init_integration.runtime_data.smart
    await switch(hass, "smart_heating", True)
    await wait_for(hass, lambda: shows_plan(hass, heater))
    await push(hass, simulator)
    control = smart.get(DEMO_MAC).control
    assert control is not None
    assert control.applied

    heater.setpoint = 110  # the owner, in the official app
    await push(hass, simulator)

    assert state(hass, SWITCH_DOMAIN, "smart_heating") == STATE_OFF
    assert messages(logged)[-1] == "smart_changed_by_hand"
    sent = controls(heater)
    now = dt_util.utcnow()
    await run_until(hass, now, now + timedelta(hours=1))
    assert controls(heater) == sent
    assert (heater.mode, heater.setpoint) == (HEAT_PUMP, 110)


async def test_unloading_gives_the_owner_setting_back(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    heater: SimulatedHeater,
    logged: list[Event[dict[str, Any]]],
) -> None:
    await switch(hass, "smart_heating", True)
    await wait_for(hass, lambda: shows_plan(hass, heater))

    assert await hass.config_entries.async_unload(init_integration.entry_id)

    assert (heater.mode, heater.setpoint) == (ECO, 120)
    assert messages(logged)[-1] == "smart_returned_unloaded"


async def test_vacation_wins_over_smart_heating(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    heater: SimulatedHeater,
) -> None:
    smart = init_integration.runtime_data.smart
    await switch(hass, "smart_heating", True)
    await wait_for(hass, lambda: shows_plan(hass, heater))

    await hass.services.async_call(
        DOMAIN,
        "set_vacation",
        {
            ATTR_ENTITY_ID: get_entity_id(hass, WATER_HEATER_DOMAIN, "water_heater"),
            "days": 3,
        },
        blocking=True,
    )
    assert heater.mode == VACATION
    sent = controls(heater)
    now = dt_util.utcnow()
    await run_until(hass, now, now + timedelta(minutes=40))

    plan = smart.get(DEMO_MAC).plan
    assert plan is not None
    assert plan.skipped == "vacation"
    await switch(hass, "smart_heating", False)
    assert controls(heater) == sent
    assert heater.mode == VACATION


async def test_apply_plan_runs_its_segments_then_returns_to_the_owner_setting(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    heater: SimulatedHeater,
    logged: list[Event[dict[str, Any]]],
) -> None:
    now = dt_util.utcnow()
    half_hour = now + timedelta(minutes=30)
    hour = now + timedelta(hours=1)

    await _apply_plan(
        hass,
        _segment(now - timedelta(minutes=1), half_hour, "high_demand", 62),
        _segment(half_hour, hour, "heat_pump", 50),
    )

    await wait_for(hass, lambda: (heater.mode, heater.setpoint) == (HIGH_DEMAND, 124))
    assert state(hass, SWITCH_DOMAIN, "smart_heating") == STATE_ON
    await run_until(hass, now, half_hour + timedelta(seconds=1))
    await wait_for(hass, lambda: (heater.mode, heater.setpoint) == (HEAT_PUMP, 100))
    await run_until(hass, half_hour, hour + timedelta(seconds=1))
    await wait_for(hass, lambda: (heater.mode, heater.setpoint) == (ECO, 120))
    assert state(hass, SWITCH_DOMAIN, "smart_heating") == STATE_OFF
    assert messages(logged) == [
        "smart_external",
        "smart_external",
        "smart_returned_plan_ended",
    ]


@pytest.mark.parametrize(
    ("temperature", "key"),
    [(70, "plan_setpoint_out_of_range"), (38, "plan_setpoint_out_of_range")],
)
async def test_apply_plan_refuses_a_set_point_outside_the_heater_range(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    heater: SimulatedHeater,
    temperature: float,
    key: str,
) -> None:
    now = dt_util.utcnow()
    with pytest.raises(ServiceValidationError) as raised:
        await _apply_plan(
            hass, _segment(now, now + timedelta(hours=1), "heat_pump", temperature)
        )
    assert raised.value.translation_key == key
    assert raised.value.translation_placeholders["minimum"] == "40.5 °C"
    assert controls(heater) == 0


async def test_apply_plan_refuses_to_go_below_the_comfort_floor(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    heater: SimulatedHeater,
) -> None:
    hass.config_entries.async_update_entry(
        init_integration, options={"comfort_floor_showers": 4}
    )
    now = dt_util.utcnow()
    with pytest.raises(ServiceValidationError) as raised:
        await _apply_plan(hass, _segment(now, now + timedelta(hours=1), "eco", 41))
    assert raised.value.translation_key == "plan_below_comfort_floor"
    assert controls(heater) == 0


async def test_an_offline_heater_is_not_planned_for_until_it_reports_again(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    heater: SimulatedHeater,
    simulator: NaviLinkSimulator,
) -> None:
    coordinator = init_integration.runtime_data
    heater_available = coordinator.heater_available
    with patch.object(
        coordinator,
        "heater_available",
        lambda mac: False if mac == DEMO_MAC else heater_available(mac),
    ):
        now = dt_util.utcnow()
        with pytest.raises(ServiceValidationError) as raised:
            await _apply_plan(
                hass, _segment(now, now + timedelta(hours=1), "heat_pump", 50)
            )
        assert raised.value.translation_key == "plan_heater_offline"

        await switch(hass, "smart_heating", True)
        plan = coordinator.smart.get(DEMO_MAC).plan
        assert plan is not None
        assert plan.skipped == "offline"
    assert controls(heater) == 0

    # Back in service: planned for at its first status, not a quarter hour later.
    await push(hass, simulator)
    await wait_for(hass, lambda: shows_plan(hass, heater))


async def test_a_boost_wins_and_returns_to_the_plan(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    heater: SimulatedHeater,
    logged: list[Event[dict[str, Any]]],
) -> None:
    smart = init_integration.runtime_data.smart
    await switch(hass, "smart_heating", True)
    await wait_for(hass, lambda: shows_plan(hass, heater))
    await push(hass, simulator)  # the boost returns to what Home Assistant saw

    await hass.services.async_call(
        DOMAIN,
        "boost",
        {
            ATTR_ENTITY_ID: get_entity_id(hass, WATER_HEATER_DOMAIN, "water_heater"),
            "duration": {"minutes": 30},
            "temperature": 62,
        },
        blocking=True,
    )
    await wait_for(hass, lambda: (heater.mode, heater.setpoint) == (HIGH_DEMAND, 124))
    now = dt_util.utcnow()
    await run_until(hass, now, now + timedelta(minutes=20))
    assert (heater.mode, heater.setpoint) == (HIGH_DEMAND, 124)  # not planned over
    assert state(hass, SWITCH_DOMAIN, "smart_heating") == STATE_ON

    await run_until(hass, now + timedelta(minutes=20), now + timedelta(minutes=31))
    await wait_for(hass, lambda: shows_plan(hass, heater))
    assert state(hass, SWITCH_DOMAIN, "smart_heating") == STATE_ON
    assert "smart_changed_by_hand" not in messages(logged)
    control = smart.get(DEMO_MAC).control
    assert control is not None
    assert (control.owner.mode, control.owner.setpoint) == (ECO, 60.0)


async def test_a_restart_keeps_smart_heating_and_what_to_give_back(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: NaviLinkSimulator,
    heater: SimulatedHeater,
    hass_storage: dict[str, Any],
) -> None:
    key = f"{DOMAIN}.smart.{mock_config_entry.entry_id}"
    heater.mode, heater.setpoint = HEAT_PUMP, 90  # as smart heating left it
    hass_storage[key] = {
        "version": 1,
        "minor_version": 1,
        "key": key,
        "data": {
            DEMO_MAC: {
                "settings": {"enabled": True, "ready_by": False},
                "control": {"owner": [ECO, 58.0], "sent": [HEAT_PUMP, 45.0]},
                "external": [],
            }
        },
    }
    hass_storage[key]["data"][DEMO_MAC]["control"]["applied"] = True
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert state(hass, SWITCH_DOMAIN, "smart_heating") == STATE_ON
    assert controls(heater) == 0  # the plan in force is what the heater shows

    await switch(hass, "smart_heating", False)

    await wait_for(hass, lambda: (heater.mode, heater.setpoint) == (ECO, 116))
    await wait_for(
        hass,
        lambda: not hass_storage[key]["data"][DEMO_MAC]["settings"]["enabled"],
    )
    assert hass_storage[key]["data"][DEMO_MAC]["control"] is None
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)


@pytest.mark.simulator(profile=replace(JUMPING_PROFILE, slow_setpoint_chance=1.0))
async def test_a_reload_keeps_smart_heating_on(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    heater: SimulatedHeater,
    logged: list[Event[dict[str, Any]]],
) -> None:
    await switch(hass, "smart_heating", True)
    await wait_for(hass, lambda: shows_plan(hass, heater))

    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    await wait_for(hass, lambda: shows_plan(hass, heater))
    for _ in range(5):
        await push(hass, simulator)

    assert state(hass, SWITCH_DOMAIN, "smart_heating") == STATE_ON
    assert "smart_changed_by_hand" not in messages(logged)
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    assert (heater.mode, heater.setpoint) == (ECO, 120)


@pytest.fixture
def whole_give_back_patience(monkeypatch: pytest.MonkeyPatch) -> None:
    """Give the give-back its whole window, not the compressed one.

    A loaded machine must not end it while a test looks at what happens inside it.
    """
    monkeypatch.setattr(
        "custom_components.navien_nwp500.smart_heating.GIVE_BACK_PATIENCE", 180.0
    )


@pytest.mark.usefixtures("whole_give_back_patience")
async def test_a_give_back_the_heater_missed_at_an_unload_is_kept_and_never_read_as_a_change_by_hand(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    heater: SimulatedHeater,
    logged: list[Event[dict[str, Any]]],
) -> None:
    """Off its Wi-Fi as the entry unloads, the heater misses the owner's setting.

    After the load smart heating goes on with the owner's setting kept; the
    owner's setting showing late (the give-back applied after all) is not a
    change by hand, the plan's setting is sent again, and turning smart
    heating off gives the owner's setting back.
    """
    await switch(hass, "smart_heating", True)
    await wait_for(hass, lambda: shows_plan(hass, heater))
    planned_setting = (heater.mode, heater.setpoint)
    assert planned_setting != (ECO, 120)

    simulator.faults.silence_device(DEMO_MAC)
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    simulator.faults.unsilence_device(DEMO_MAC)
    assert (heater.mode, heater.setpoint) == planned_setting
    assert await hass.config_entries.async_setup(init_integration.entry_id)
    await hass.async_block_till_done()
    await wait_for(hass, lambda: shows_plan(hass, heater))

    heater.mode, heater.setpoint = ECO, 120
    await push(hass, simulator)
    await wait_for(hass, lambda: shows_plan(hass, heater))
    assert state(hass, SWITCH_DOMAIN, "smart_heating") == STATE_ON
    assert "smart_changed_by_hand" not in messages(logged)

    await switch(hass, "smart_heating", False)
    await wait_for(hass, lambda: (heater.mode, heater.setpoint) == (ECO, 120))
