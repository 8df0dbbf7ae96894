"""What the smart heating tests share: quick timings, switches, logbook events, time."""

from dataclasses import replace
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    Platform,
)
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.navien_nwp500 import coordinator as coordinator_module
from custom_components.navien_nwp500.const import DOMAIN
from navilink_sim.official_app import APP_CLIENT_PREFIX
from tests.simulator_fixture import TEST_PROFILE

from .conftest import DEMO_MAC
from .helpers import (
    allowing_pending,
    get_entity_id,
    get_state,
    outcomes_known,
    wait_for,
)

if TYPE_CHECKING:
    from datetime import datetime

    from homeassistant.core import Event, HomeAssistant

    from navilink_sim.heater import SimulatedHeater

JUMPING_PROFILE = replace(TEST_PROFILE, app_control_interval=None)
"""The realistic heater, its household app quiet: firing hours of Home Assistant's
time at once also fires the app's next control (on the loop's timers), a change by
hand that ends smart heating (that change is tested on its own)."""

HEAT_PUMP, ELECTRIC, ECO, HIGH_DEMAND, VACATION = 1, 2, 3, 4, 5
SIM_MODES = {"heat_pump": HEAT_PUMP, "eco": ECO, "high_demand": HIGH_DEMAND}
STEP = timedelta(minutes=5)


def smart_marks(**simulator: Any) -> list[pytest.MarkDecorator]:
    """Mark a smart heating module: a still simulator, its app quiet, the smart platforms.

    ``simulator`` adds options of the simulator's mark (``draw_interval=None``...).
    """
    return [
        pytest.mark.simulator(
            time_scale=0, push_interval=None, profile=JUMPING_PROFILE, **simulator
        ),
        pytest.mark.platforms(
            Platform.CALENDAR,
            Platform.NUMBER,
            Platform.SENSOR,
            Platform.SWITCH,
            Platform.TIME,
            Platform.WATER_HEATER,
        ),
    ]


@pytest.fixture(autouse=True)
def smart_timings(compressed_timeouts: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """On top of the compressed waits, reconnect quickly; keep the safety poll out.

    Fired hours ahead, the safety poll's status requests time out before the
    heater can answer, and the heater would read unavailable (that is tested
    elsewhere).
    """
    compressed = coordinator_module.SessionConfig
    monkeypatch.setattr(
        coordinator_module, "SessionConfig", partial(compressed, backoff_min=0.05)
    )
    monkeypatch.setattr(
        "custom_components.navien_nwp500.coordinator.SAFETY_POLL_INTERVAL",
        timedelta(days=30),
    )


def planned(hass: HomeAssistant) -> tuple[int, int]:
    """Return the heater's (mode, raw set-point) the plan's first segment asks for.

    The plan starts when it was last made: its first segment is the one in force.
    """
    smart = hass.config_entries.async_entries(DOMAIN)[0].runtime_data.smart
    plan = smart.get(DEMO_MAC).plan
    assert plan is not None
    assert plan.segments
    first = plan.segments[0]
    return SIM_MODES[first.mode], round(first.setpoint_c * 2)


def shows_plan(hass: HomeAssistant, heater: SimulatedHeater) -> bool:
    """Whether the heater shows the mode and set-point the plan asks for now."""
    return (heater.mode, heater.setpoint) == planned(hass)


def messages(logged: list[Event[dict[str, Any]]]) -> list[str]:
    """Return the logbook messages smart heating wrote, oldest first."""
    return [event.data["message"] for event in logged]


def state(hass: HomeAssistant, domain: str, key: str) -> str:
    """Return the state of the demo heater's ``domain`` entity ``key``."""
    return get_state(hass, get_entity_id(hass, domain, key)).state


def controls(heater: SimulatedHeater) -> int:
    """Count our controls the heater received (status requests and the app's left out)."""
    return sum(
        m["requestTopic"].endswith("/ctrl")
        and not str(m.get("clientID")).startswith(APP_CLIENT_PREFIX)
        for m in heater.received
    )


async def switch(hass: HomeAssistant, key: str, on: bool) -> None:
    """Turn the demo heater's switch ``key`` on or off (its controls may stay pending)."""
    await allowing_pending(
        hass.services.async_call(
            SWITCH_DOMAIN,
            SERVICE_TURN_ON if on else SERVICE_TURN_OFF,
            {ATTR_ENTITY_ID: get_entity_id(hass, SWITCH_DOMAIN, key)},
            blocking=True,
        )
    )


async def _fire(hass: HomeAssistant, moment: datetime) -> None:
    """Fire the timers due by ``moment``; wait for the heater to report again.

    Firing hours at once also times out requests in flight (a reconnect);
    the heater is back once its status after the reconnect arrives.
    """
    await hass.async_block_till_done(wait_background_tasks=True)
    # Firing time runs every timer due by then at once, the heater's as well as
    # the session's: a control the (realistic, slow) heater has yet to apply or
    # answer would be judged before its answer could come.
    await outcomes_known(hass)
    async_fire_time_changed(hass, moment)
    await reported(hass)


async def reported(hass: HomeAssistant) -> None:
    """Wait until the session is connected and the heater reports (after a reconnect)."""
    coordinator = hass.config_entries.async_entries(DOMAIN)[0].runtime_data
    await wait_for(
        hass,
        lambda: (
            coordinator.connected
            and coordinator.last_update_success
            and coordinator.heater_available(DEMO_MAC)
        ),
    )


async def run_until(hass: HomeAssistant, start: datetime, when: datetime) -> None:
    """Fire the timers due from ``start`` to ``when`` in 5-minute steps, in order.

    Each timer of smart heating sets the next one when it runs, so time moves
    in steps; the last ones are fired again to run a chain due by ``when``.
    """
    moment = start
    while moment < when:
        moment = min(when, moment + STEP)
        await _fire(hass, moment)
    for _ in range(3):
        await _fire(hass, when)
    await hass.async_block_till_done(wait_background_tasks=True)
