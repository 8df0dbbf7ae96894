"""Boost: High demand for a while, then back to exactly what was before (issue 16)."""

from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from homeassistant.components import persistent_notification
from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.components.water_heater import (
    ATTR_AWAY_MODE,
    DOMAIN as WATER_HEATER_DOMAIN,
    SERVICE_SET_AWAY_MODE,
    SERVICE_SET_OPERATION_MODE,
)
from homeassistant.const import (
    ATTR_ENTITY_ID,
    EVENT_HOMEASSISTANT_STOP,
    STATE_OFF,
    STATE_ON,
    STATE_UNKNOWN,
    Platform,
)
from homeassistant.core import callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.navien_nwp500.command_result import EVENT_COMMAND_RESULT
from custom_components.navien_nwp500.const import CONF_QUEUE_MAX_AGE, DOMAIN
from custom_components.navien_nwp500.logbook import (
    EVENT_BOOST_ENDED,
    async_describe_events,
)
from custom_components.navien_nwp500.navilink.session.session import (
    SessionConfig,
    SessionState,
)

from .conftest import DEMO_MAC
from .helpers import (
    advance,
    allowing_pending,
    get_entity_id,
    get_state,
    outcomes_known,
    push,
    wait_for,
)

if TYPE_CHECKING:
    from homeassistant.core import Event, HomeAssistant

    from navilink_sim.heater import SimulatedHeater
    from navilink_sim.simulator import NaviLinkSimulator

pytestmark = [
    pytest.mark.simulator(time_scale=0, push_interval=None),
    pytest.mark.platforms(
        Platform.BINARY_SENSOR, Platform.BUTTON, Platform.SENSOR, Platform.WATER_HEATER
    ),
]

HEAT_PUMP, ELECTRIC, ECO, HIGH_DEMAND, VACATION, POWER_OFF = 1, 2, 3, 4, 5, 6


@pytest.fixture(autouse=True)
def quick_session(monkeypatch: pytest.MonkeyPatch) -> None:
    """Space controls and reconnect quickly."""
    monkeypatch.setattr(
        "custom_components.navien_nwp500.coordinator.SessionConfig",
        partial(SessionConfig, control_spacing=0.05, backoff_min=0.05),
    )


@pytest.fixture
def events(hass: HomeAssistant) -> list[Event[dict[str, Any]]]:
    """Capture the command result events."""
    return async_capture_events(hass, EVENT_COMMAND_RESULT)


@pytest.fixture
def ended(hass: HomeAssistant) -> list[Event[dict[str, Any]]]:
    """Capture the events that say why a boost ended."""
    return async_capture_events(hass, EVENT_BOOST_ENDED)


def _reasons(ended: list[Event[dict[str, Any]]]) -> list[str]:
    return [event.data["reason"] for event in ended]


def _storage_key(entry: MockConfigEntry) -> str:
    return f"{DOMAIN}.boost.{entry.entry_id}"


async def _boost(hass: HomeAssistant, **data: Any) -> None:
    """Start a boost; return once its commands have their outcomes.

    The realistic heater can take longer than the action's wait (a slow
    set-point): the action then says "still pending", and this waits on.
    """
    await allowing_pending(
        hass.services.async_call(
            DOMAIN,
            "boost",
            {
                ATTR_ENTITY_ID: get_entity_id(
                    hass, WATER_HEATER_DOMAIN, "water_heater"
                ),
                **data,
            },
            blocking=True,
        )
    )
    await outcomes_known(hass)


def _boosted(hass: HomeAssistant) -> str:
    return get_state(hass, get_entity_id(hass, "binary_sensor", "boost")).state


def _controls(heater: SimulatedHeater) -> int:
    """Count the controls the heater received (status requests left out)."""
    return sum(m["requestTopic"].endswith("/ctrl") for m in heater.received)


def _boost_end(hass: HomeAssistant) -> str:
    return get_state(hass, get_entity_id(hass, "sensor", "boost_end")).state


def _ends_in(hass: HomeAssistant, expected: timedelta) -> bool:
    """Whether the *Boost end* sensor reads about ``expected`` from now."""
    end = dt_util.parse_datetime(_boost_end(hass))
    assert end is not None
    return abs(end - dt_util.utcnow() - expected) < timedelta(seconds=30)


async def test_boost_then_back_to_exactly_the_mode_and_setpoint_from_before(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    heater: SimulatedHeater,
    events: list[Event[dict[str, Any]]],
    ended: list[Event[dict[str, Any]]],
) -> None:
    assert (heater.mode, heater.setpoint) == (ECO, 120)
    assert _boosted(hass) == STATE_OFF
    assert _boost_end(hass) == STATE_UNKNOWN

    await _boost(hass, duration={"minutes": 30}, temperature=62)

    assert (heater.mode, heater.setpoint) == (HIGH_DEMAND, 124)
    assert _boosted(hass) == STATE_ON
    assert _ends_in(hass, timedelta(minutes=30))
    events.clear()

    await advance(hass, 30 * 60 + 1)
    await wait_for(hass, lambda: (heater.mode, heater.setpoint) == (ECO, 120))
    assert _boosted(hass) == STATE_OFF
    assert _boost_end(hass) == STATE_UNKNOWN
    await wait_for(hass, lambda: len(events) == 2)
    assert [(e.data["command"], e.data["outcome"]) for e in events] == [
        ("dhw_temperature", "delivered"),
        ("dhw_mode", "delivered"),
    ]
    assert _reasons(ended) == ["time_up"]
    described: dict[str, Any] = {}
    async_describe_events(
        hass, lambda _d, kind, describe: described.update({kind: describe})
    )
    assert described[EVENT_BOOST_ENDED](ended[0]) == {
        "name": "NWP500 Boost",
        "message": "ended: its time was up; the water heater returns to the mode"
        " and set-point from before",
        "entity_id": get_entity_id(hass, "binary_sensor", "boost"),
    }


async def test_a_boost_during_a_boost_restarts_it_and_returns_to_the_first_state(
    hass: HomeAssistant, init_integration: MockConfigEntry, heater: SimulatedHeater
) -> None:
    await hass.services.async_call(
        BUTTON_DOMAIN,
        SERVICE_PRESS,
        {ATTR_ENTITY_ID: get_entity_id(hass, BUTTON_DOMAIN, "boost")},
        blocking=True,
    )
    assert heater.mode == HIGH_DEMAND
    assert _ends_in(hass, timedelta(hours=1))

    await _boost(hass, duration={"minutes": 10}, temperature=62)
    assert heater.setpoint == 124
    assert _ends_in(hass, timedelta(minutes=10))

    await advance(hass, 10 * 60 + 1)
    await wait_for(hass, lambda: (heater.mode, heater.setpoint) == (ECO, 120))
    assert _boosted(hass) == STATE_OFF


async def test_boost_is_stored_and_goes_on_after_a_restart(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    point_at_simulator: NaviLinkSimulator,
    heater: SimulatedHeater,
    hass_storage: dict[str, Any],
) -> None:
    """What a boost stores is what a restart takes back, and its end still comes."""
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    heater.mode, heater.setpoint = HEAT_PUMP, 104
    await push(hass, point_at_simulator)
    await _boost(hass, duration={"minutes": 20}, temperature=60)
    await wait_for(hass, lambda: _storage_key(mock_config_entry) in hass_storage)
    stored = hass_storage[_storage_key(mock_config_entry)]["data"][DEMO_MAC]
    assert stored["mode"] == HEAT_PUMP
    assert stored["setpoint"] == 52.0
    assert stored["boost_setpoint"] == 60.0

    # Home Assistant stops: the boost stays stored and the heater boosted.
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
    await hass.async_block_till_done()
    await advance(hass, 1)
    assert hass_storage[_storage_key(mock_config_entry)]["data"][DEMO_MAC] == stored
    assert (heater.mode, heater.setpoint) == (HIGH_DEMAND, 120)


async def test_a_stored_boost_is_taken_back_and_ends_after_the_restart(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    heater: SimulatedHeater,
    hass_storage: dict[str, Any],
) -> None:
    end = dt_util.utcnow() + timedelta(minutes=20)
    heater.mode, heater.setpoint = HIGH_DEMAND, 120
    hass_storage[_storage_key(mock_config_entry)] = {
        "version": 1,
        "minor_version": 1,
        "key": _storage_key(mock_config_entry),
        "data": {
            DEMO_MAC: {
                "end": end.isoformat(),
                "mode": HEAT_PUMP,
                "setpoint": 52.0,
                "boost_setpoint": 60.0,
                "applied": True,
            }
        },
    }
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert _boosted(hass) == STATE_ON
    assert dt_util.parse_datetime(_boost_end(hass)) == end.replace(microsecond=0)

    await advance(hass, 20 * 60 + 1)
    await wait_for(hass, lambda: (heater.mode, heater.setpoint) == (HEAT_PUMP, 104))
    assert _boosted(hass) == STATE_OFF
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)


async def test_a_change_by_hand_ends_the_boost_and_stands(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    heater: SimulatedHeater,
    simulator: NaviLinkSimulator,
    ended: list[Event[dict[str, Any]]],
) -> None:
    await _boost(hass, duration={"minutes": 30}, temperature=62)
    await wait_for(hass, lambda: _boosted(hass) == STATE_ON)

    heater.setpoint = 100  # the owner, in the official app
    await push(hass, simulator)

    assert _boosted(hass) == STATE_OFF
    controls = _controls(heater)
    await advance(hass, 30 * 60 + 1)
    assert _controls(heater) == controls
    assert (heater.mode, heater.setpoint) == (HIGH_DEMAND, 100)
    assert _reasons(ended) == ["changed"]


async def test_a_mode_chosen_in_home_assistant_during_a_boost_ends_it(
    hass: HomeAssistant, init_integration: MockConfigEntry, heater: SimulatedHeater
) -> None:
    await _boost(hass, duration={"minutes": 30})
    await hass.services.async_call(
        WATER_HEATER_DOMAIN,
        SERVICE_SET_OPERATION_MODE,
        {
            ATTR_ENTITY_ID: get_entity_id(hass, WATER_HEATER_DOMAIN, "water_heater"),
            "operation_mode": "electric",
        },
        blocking=True,
    )
    await wait_for(hass, lambda: _boosted(hass) == STATE_OFF)

    await advance(hass, 30 * 60 + 1)
    assert heater.mode == ELECTRIC


async def test_offline_at_the_end_the_return_waits_and_reports_its_outcome(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    heater: SimulatedHeater,
    events: list[Event[dict[str, Any]]],
) -> None:
    await _boost(hass, duration={"minutes": 10})
    events.clear()
    session = init_integration.runtime_data.session
    assert session is not None
    simulator.faults.refuse_for(600)
    simulator.faults.drop_all()
    await wait_for(hass, lambda: session.state is not SessionState.CONNECTED)

    await advance(hass, 10 * 60 + 1)
    assert heater.mode == HIGH_DEMAND
    assert not events

    simulator.faults.stop_refusing()
    await wait_for(hass, lambda: bool(events), within=60)
    assert [(e.data["command"], e.data["outcome"]) for e in events] == [
        ("dhw_mode", "delivered")
    ]
    assert (heater.mode, heater.setpoint) == (ECO, 120)
    await wait_for(hass, lambda: _boosted(hass) == STATE_OFF)


async def test_a_return_that_waited_too_long_is_notified(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    heater: SimulatedHeater,
    events: list[Event[dict[str, Any]]],
) -> None:
    """Offline, commands may wait 10 ms: any reconnect takes longer than that."""
    notifications: dict[str, persistent_notification.Notification] = {}

    @callback
    def _notified(
        _kind: persistent_notification.UpdateType,
        changed: dict[str, persistent_notification.Notification],
    ) -> None:
        notifications.update(changed)

    persistent_notification.async_register_callback(hass, _notified)
    await _boost(hass, duration={"minutes": 10})
    events.clear()
    session = init_integration.runtime_data.session
    assert session is not None
    simulator.faults.refuse_for(600)
    simulator.faults.drop_all()
    await wait_for(hass, lambda: session.state is not SessionState.CONNECTED)
    hass.config_entries.async_update_entry(
        init_integration, options={CONF_QUEUE_MAX_AGE: 0.01}
    )
    await hass.async_block_till_done()

    await advance(hass, 10 * 60 + 1)
    simulator.faults.stop_refusing()
    await wait_for(hass, lambda: bool(events), within=60)

    assert [(e.data["command"], e.data["outcome"]) for e in events] == [
        ("dhw_mode", "too_old")
    ]
    assert heater.mode == HIGH_DEMAND
    [notification] = [
        n
        for key, n in notifications.items()
        if key.startswith(f"{DOMAIN}_{DEMO_MAC}_command_not_delivered")
    ]
    assert "mode" in notification["message"]


async def test_unloading_the_entry_ends_the_boost_and_returns(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    heater: SimulatedHeater,
    hass_storage: dict[str, Any],
    ended: list[Event[dict[str, Any]]],
) -> None:
    await _boost(hass, duration={"hours": 2}, temperature=62)

    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()

    assert (heater.mode, heater.setpoint) == (ECO, 120)
    assert _reasons(ended) == ["unloaded"]
    await wait_for(
        hass,
        lambda: hass_storage[_storage_key(init_integration)]["data"] == {},
    )


async def test_a_vacation_ends_the_boost_and_wins(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    heater: SimulatedHeater,
    ended: list[Event[dict[str, Any]]],
) -> None:
    await _boost(hass, duration={"minutes": 30})
    await hass.services.async_call(
        WATER_HEATER_DOMAIN,
        SERVICE_SET_AWAY_MODE,
        {
            ATTR_ENTITY_ID: get_entity_id(hass, WATER_HEATER_DOMAIN, "water_heater"),
            ATTR_AWAY_MODE: True,
        },
        blocking=True,
    )
    await wait_for(hass, lambda: _boosted(hass) == STATE_OFF)
    controls = _controls(heater)

    await advance(hass, 30 * 60 + 1)
    assert _controls(heater) == controls
    assert heater.mode == VACATION
    assert _reasons(ended) == ["vacation"]

    with pytest.raises(ServiceValidationError) as raised:
        await _boost(hass)
    assert raised.value.translation_key == "boost_during_vacation"


@pytest.mark.parametrize(
    ("data", "key", "message"),
    [
        (
            {"duration": {"minutes": 5}},
            "boost_duration_out_of_range",
            "A boost lasts from 10 to 720 minutes",
        ),
        (
            {"duration": {"hours": 13}},
            "boost_duration_out_of_range",
            "A boost lasts from 10 to 720 minutes",
        ),
        (
            {"temperature": 70},
            "boost_temperature_out_of_range",
            "The boost temperature must be between 40.5 °C and 65.5 °C",
        ),
    ],
)
@pytest.mark.usefixtures("init_integration")
async def test_out_of_range_boost_is_refused_with_a_translated_error(
    hass: HomeAssistant,
    heater: SimulatedHeater,
    data: dict[str, Any],
    key: str,
    message: str,
) -> None:
    received = len(heater.received)
    with pytest.raises(ServiceValidationError) as raised:
        await _boost(hass, **data)
    assert raised.value.translation_key == key
    assert str(raised.value) == message
    assert len(heater.received) == received
    assert _boosted(hass) == STATE_OFF


async def test_boost_temperature_is_in_the_users_unit(
    hass: HomeAssistant, init_integration: MockConfigEntry, heater: SimulatedHeater
) -> None:
    hass.config.units = US_CUSTOMARY_SYSTEM
    with pytest.raises(ServiceValidationError) as raised:
        await _boost(hass, temperature=60)
    assert str(raised.value) == (
        "The boost temperature must be between 105 °F and 150 °F"
    )

    await _boost(hass, temperature=130)
    assert (heater.mode, heater.setpoint) == (HIGH_DEMAND, 109)


async def test_a_boost_of_a_heater_that_was_off_powers_it_on_then_off_again(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    heater: SimulatedHeater,
    simulator: NaviLinkSimulator,
) -> None:
    heater.mode = POWER_OFF
    await push(hass, simulator)

    await _boost(hass, duration={"minutes": 10})
    assert heater.mode == HIGH_DEMAND
    assert _boosted(hass) == STATE_ON  # powering on showed another mode first

    await advance(hass, 10 * 60 + 1)
    await wait_for(hass, lambda: heater.mode == POWER_OFF)
    assert _boosted(hass) == STATE_OFF


async def test_removing_the_entry_forgets_its_boosts(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    await _boost(hass, duration={"minutes": 30})
    await wait_for(hass, lambda: _storage_key(init_integration) in hass_storage)

    await hass.config_entries.async_remove(init_integration.entry_id)
    await hass.async_block_till_done()

    assert _storage_key(init_integration) not in hass_storage
