"""Every command's outcome reaches the user: error, event, notification (issue 9 §6)."""

import asyncio
from functools import partial
from typing import TYPE_CHECKING, Any, cast
from unittest.mock import patch

from homeassistant.components import persistent_notification
from homeassistant.components.water_heater.const import (
    ATTR_OPERATION_MODE,
    DOMAIN as WATER_HEATER_DOMAIN,
    SERVICE_SET_OPERATION_MODE,
    SERVICE_SET_TEMPERATURE,
)
from homeassistant.const import ATTR_ENTITY_ID, ATTR_TEMPERATURE, Platform
from homeassistant.core import callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.translation import async_get_translations
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.navien_nwp500.command_result import (
    EVENT_COMMAND_RESULT,
    CommandResults,
)
from custom_components.navien_nwp500.const import CONF_QUEUE_MAX_AGE, DOMAIN
from custom_components.navien_nwp500.navilink.codec import commands
from custom_components.navien_nwp500.navilink.codec.models import Device
from custom_components.navien_nwp500.navilink.session.queue import CommandOutcome
from custom_components.navien_nwp500.navilink.session.session import (
    SessionConfig,
    SessionState,
)
from custom_components.navien_nwp500.texts import exception_text
from tests.simulator_fixture import TEST_DELAY_SCALE

from .conftest import DEMO_MAC
from .helpers import get_entity_id, wait_for

if TYPE_CHECKING:
    from homeassistant.core import Event, HomeAssistant

    from navilink_sim.heater import SimulatedHeater
    from navilink_sim.simulator import NaviLinkSimulator

pytestmark = [
    pytest.mark.simulator(time_scale=0, push_interval=None),
    pytest.mark.platforms(Platform.WATER_HEATER),
]


@pytest.fixture(autouse=True)
def quick_session(monkeypatch: pytest.MonkeyPatch) -> None:
    """Resend refused controls quickly within the compressed budget, reconnect quickly.

    The budget is compressed like the action's wait: a refusal answered after it
    is final, so it reaches the caller in time.
    """
    monkeypatch.setattr(
        "custom_components.navien_nwp500.coordinator.SessionConfig",
        partial(
            SessionConfig,
            control_spacing=0.05,
            control_refusal_limit=2,
            control_refusal_budget=SessionConfig().control_refusal_budget
            * TEST_DELAY_SCALE,
            backoff_min=0.05,
        ),
    )


@pytest.fixture
def events(hass: HomeAssistant) -> list[Event[dict[str, Any]]]:
    """Capture the command result events."""
    return async_capture_events(hass, EVENT_COMMAND_RESULT)


@pytest.fixture
def notifications(
    hass: HomeAssistant,
) -> dict[str, persistent_notification.Notification]:
    """Follow the persistent notifications (ID -> notification)."""
    current: dict[str, persistent_notification.Notification] = {}

    @callback
    def _update(
        _kind: persistent_notification.UpdateType,
        changed: dict[str, persistent_notification.Notification],
    ) -> None:
        current.update(changed)

    persistent_notification.async_register_callback(hass, _update)
    return current


async def _set_temperature(hass: HomeAssistant, temperature: float) -> None:
    await hass.services.async_call(
        WATER_HEATER_DOMAIN,
        SERVICE_SET_TEMPERATURE,
        {
            ATTR_ENTITY_ID: get_entity_id(hass, WATER_HEATER_DOMAIN, "water_heater"),
            ATTR_TEMPERATURE: temperature,
        },
        blocking=True,
    )


def _device_id(hass: HomeAssistant) -> str:
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, DEMO_MAC), entry.entry_id
    )
    assert device is not None
    return device.id


async def _load_with_short_queue(
    hass: HomeAssistant, like: MockConfigEntry
) -> MockConfigEntry:
    """Load an entry whose queued commands may wait 10 ms (any reconnect is longer)."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=like.title,
        unique_id=like.unique_id,
        data=dict(like.data),
        options={CONF_QUEUE_MAX_AGE: 0.01},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def _go_offline(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: NaviLinkSimulator
) -> None:
    session = entry.runtime_data.session
    assert session is not None
    simulator.faults.refuse_for(60)
    simulator.faults.drop_all()
    await wait_for(hass, lambda: session.state is not SessionState.CONNECTED)


async def test_delivered_command_returns_and_fires_its_event(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    heater: SimulatedHeater,
    events: list[Event[dict[str, Any]]],
) -> None:
    await _set_temperature(hass, 52)

    assert heater.setpoint == 104
    assert [event.data for event in events] == [
        {
            "device_id": _device_id(hass),
            "command": "dhw_temperature",
            "outcome": "delivered",
            "reason": "acknowledged",
        }
    ]


async def test_refused_command_raises_a_translated_error(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    heater: SimulatedHeater,
    events: list[Event[dict[str, Any]]],
    notifications: dict[str, persistent_notification.Notification],
) -> None:
    heater.min_control_interval = 1e9  # simulated time stands still: refuse the rest
    await _set_temperature(hass, 52)

    with pytest.raises(HomeAssistantError) as raised:
        await _set_temperature(hass, 55)

    assert raised.value.translation_domain == DOMAIN
    assert raised.value.translation_key == "command_refused"
    assert raised.value.translation_placeholders == {
        "heater": "NWP500",
        "command": "set-point",
        "outcome": "refused",
    }
    assert str(raised.value) == (
        "The water heater NWP500 refused the set-point command"
    )
    assert heater.setpoint == 104
    set_points = [
        m["request"]["param"]
        for m in heater.received
        if m["request"].get("mode") == "dhw-temperature"
    ]
    assert set_points == [[104], [110]]  # refused after the budget: not resent
    assert [event.data["outcome"] for event in events] == ["delivered", "refused"]
    assert not notifications  # the caller saw the error


async def test_offline_command_returns_at_once_and_is_reported_delivered_later(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    events: list[Event[dict[str, Any]]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    await _go_offline(hass, init_integration, simulator)

    await _set_temperature(hass, 53)

    assert "queued: sent when the connection is back, unless" in caplog.text
    assert not events
    simulator.faults.stop_refusing()
    await wait_for(hass, lambda: bool(events), within=60)
    assert events[0].data == {
        "device_id": _device_id(hass),
        "command": "dhw_temperature",
        "outcome": "delivered",
        "reason": "acknowledged",
    }
    assert simulator.heaters[DEMO_MAC].setpoint == 106


async def test_too_old_command_fires_its_event_and_notifies(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    point_at_simulator: NaviLinkSimulator,
    events: list[Event[dict[str, Any]]],
    notifications: dict[str, persistent_notification.Notification],
) -> None:
    """Queued commands may wait 10 ms; they expire while the cloud stays away."""
    entry = await _load_with_short_queue(hass, mock_config_entry)
    simulator = point_at_simulator
    await _go_offline(hass, entry, simulator)

    await _set_temperature(hass, 53)
    await wait_for(hass, lambda: bool(events), within=60)  # still refused: offline

    session = entry.runtime_data.session
    assert session is not None
    assert session.state is not SessionState.CONNECTED
    assert events[0].data["outcome"] == "too_old"
    assert events[0].data["reason"] == "queued_too_long"
    assert events[0].data["command"] == "dhw_temperature"
    assert simulator.heaters[DEMO_MAC].setpoint == 120
    (notification,) = notifications.values()
    assert notification["title"] == "Navien NWP500: a command was not delivered"
    assert notification["message"] == (
        "The set-point command for NWP500 was dropped: the NaviLink cloud"
        " stayed unreachable for longer than commands may wait."
    )
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_each_dropped_command_has_its_own_notification_in_the_users_language(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    point_at_simulator: NaviLinkSimulator,
    events: list[Event[dict[str, Any]]],
    notifications: dict[str, persistent_notification.Notification],
) -> None:
    hass.config.language = "fr"
    entry = await _load_with_short_queue(hass, mock_config_entry)
    simulator = point_at_simulator
    await _go_offline(hass, entry, simulator)

    await _set_temperature(hass, 53)
    await hass.services.async_call(
        WATER_HEATER_DOMAIN,
        SERVICE_SET_OPERATION_MODE,
        {
            ATTR_ENTITY_ID: get_entity_id(hass, WATER_HEATER_DOMAIN, "water_heater"),
            ATTR_OPERATION_MODE: "heat_pump",
        },
        blocking=True,
    )
    simulator.faults.stop_refusing()
    await wait_for(hass, lambda: len(events) == 2, within=60)

    assert [event.data["outcome"] for event in events] == ["too_old", "too_old"]
    messages = sorted(n["message"] for n in notifications.values())
    assert len(notifications) == 2
    assert [message.split(" destinée")[0] for message in messages] == [
        "La commande « consigne »",
        "La commande « mode »",
    ]
    assert {n["title"] for n in notifications.values()} == {
        "Navien NWP500\u00a0: une commande n'a pas été transmise"
    }
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_refusal_after_the_wait_ran_out_becomes_a_notification(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    heater: SimulatedHeater,
    events: list[Event[dict[str, Any]]],
    notifications: dict[str, persistent_notification.Notification],
) -> None:
    heater.min_control_interval = 1e9  # simulated time stands still: refuse the rest
    await _set_temperature(hass, 52)
    with (
        patch(
            "custom_components.navien_nwp500.command_result.COMMAND_OUTCOME_TIMEOUT",
            0,
        ),
        pytest.raises(HomeAssistantError) as raised,
    ):
        await _set_temperature(hass, 55)  # nobody waits for the refusal
    assert raised.value.translation_key == "command_pending"

    await wait_for(hass, lambda: len(events) == 2, within=60)
    assert [event.data["outcome"] for event in events] == ["delivered", "refused"]
    (notification,) = notifications.values()
    assert notification["message"] == (
        "The water heater NWP500 refused the set-point command."
    )


async def test_unknown_outcome_is_a_failure_with_a_generic_message(
    hass: HomeAssistant,
) -> None:
    results = CommandResults(hass, "no entry")
    device = Device(mac=DEMO_MAC, additional_value="", device_type=52, name="x")
    command = commands.set_dhw_temperature(device, None, 50)
    pending = results.track(command)

    results.handle_outcome(command, cast("CommandOutcome", "lost_in_space"))

    with pytest.raises(HomeAssistantError) as raised:
        await results.async_wait([pending])
    assert raised.value.translation_key == "command_not_delivered"
    assert raised.value.translation_placeholders == {
        "heater": DEMO_MAC,
        "command": "set-point",
        "outcome": "lost_in_space",
    }


async def test_superseded_command_is_reported_but_not_a_failure(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    events: list[Event[dict[str, Any]]],
    notifications: dict[str, persistent_notification.Notification],
) -> None:
    await _go_offline(hass, init_integration, simulator)
    await _set_temperature(hass, 53)
    await _set_temperature(hass, 54)  # replaces 53 in the queue

    simulator.faults.stop_refusing()
    await wait_for(hass, lambda: len(events) == 2, within=60)
    assert [event.data["outcome"] for event in events] == ["superseded", "delivered"]
    assert events[0].data["reason"] == "newer_command"
    assert simulator.heaters[DEMO_MAC].setpoint == 108
    assert not notifications


@pytest.mark.parametrize(
    "outcome",
    [
        outcome
        for outcome in CommandOutcome
        if outcome not in (CommandOutcome.DELIVERED, CommandOutcome.SUPERSEDED)
    ],
)
async def test_every_failure_outcome_has_its_own_translated_error(
    hass: HomeAssistant, outcome: CommandOutcome
) -> None:
    results = CommandResults(hass, "no entry")
    device = Device(mac=DEMO_MAC, additional_value="", device_type=52, name="x")
    command = commands.set_dhw_temperature(device, None, 50)
    pending = results.track(command)

    results.handle_outcome(command, outcome)

    with pytest.raises(HomeAssistantError) as raised:
        await results.async_wait([pending])
    assert raised.value.translation_key == f"command_{outcome.value}"


CLOSED_TEXT = (
    "Home Assistant closed the NaviLink connection (reload, unload or stop)"
    " before NWP500 confirmed: set-point, mode. A command not yet sent was"
    " dropped; one already sent may still apply: check the heater."
)


async def test_commands_still_queued_at_unload_are_reported_closed_once(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    events: list[Event[dict[str, Any]]],
    notifications: dict[str, persistent_notification.Notification],
) -> None:
    await _go_offline(hass, init_integration, simulator)
    await _set_temperature(hass, 53)
    await hass.services.async_call(
        WATER_HEATER_DOMAIN,
        SERVICE_SET_OPERATION_MODE,
        {
            ATTR_ENTITY_ID: get_entity_id(hass, WATER_HEATER_DOMAIN, "water_heater"),
            ATTR_OPERATION_MODE: "heat_pump",
        },
        blocking=True,
    )
    assert not events

    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()

    assert [event.data["outcome"] for event in events] == ["closed", "closed"]
    assert [n["message"] for n in notifications.values()] == [CLOSED_TEXT]


PENDING_TEXTS = {
    "en": (
        "The set-point command for NWP500 is still pending; its result will"
        " follow as the navien_nwp500_command_result event (and a notification if"
        " it fails)."
    ),
    "fr": (
        "La commande « consigne » pour NWP500 est toujours en attente ; son"
        " résultat suivra sous la forme de l'événement navien_nwp500_command_result"
        " (et d'une notification en cas d'échec)."
    ),
}
"""The pending message as the frontend shows it (its template and placeholders)."""


@pytest.mark.parametrize("language", sorted(PENDING_TEXTS))
async def test_an_action_cut_by_a_stalled_link_ends_in_time_and_says_it_is_pending(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    events: list[Event[dict[str, Any]]],
    language: str,
) -> None:
    """The publish hangs while the session still reads connected (issue 15 §3.4).

    The message names the command as the user reads it, never by its code name.
    """
    hass.config.language = language
    await async_get_translations(hass, language, "exceptions", [DOMAIN])
    session = init_integration.runtime_data.session
    assert session is not None
    simulator.faults.stall()
    with (
        patch(
            "custom_components.navien_nwp500.command_result.COMMAND_OUTCOME_TIMEOUT",
            0.5,
        ),
        pytest.raises(HomeAssistantError) as raised,
    ):
        await _set_temperature(hass, 53)

    assert session.state is SessionState.CONNECTED
    assert raised.value.translation_key == "command_pending"
    placeholders = raised.value.translation_placeholders or {}
    assert (
        exception_text(hass, "command_pending", placeholders, "")
        == (PENDING_TEXTS[language])
    )
    assert not events
    simulator.faults.unstall()
    await wait_for(hass, lambda: bool(events), within=60)  # the event follows
    assert events[0].data["outcome"] == "delivered"
    assert simulator.heaters[DEMO_MAC].setpoint == 106


async def test_every_failure_of_a_multi_command_action_is_named_in_one_error(
    hass: HomeAssistant,
) -> None:
    results = CommandResults(hass, "no entry")
    device = Device(mac=DEMO_MAC, additional_value="", device_type=52, name="x")
    first = commands.set_dhw_temperature(device, None, 50)
    second = commands.power(device, None, False)
    pending = [results.track(first), results.track(second)]

    results.handle_outcome(first, CommandOutcome.REFUSED, "ctrl_fail")
    results.handle_outcome(second, CommandOutcome.NOT_APPLIED, "status_without_intent")

    with pytest.raises(HomeAssistantError) as raised:
        await results.async_wait(pending)
    assert raised.value.translation_key == "commands_not_delivered"
    placeholders = raised.value.translation_placeholders
    assert placeholders is not None
    assert placeholders["count"] == "2"
    assert "refused the set-point command" in placeholders["failures"]
    assert "power command" in placeholders["failures"]


class _StuckSession:
    """A session whose send() never returns (the publish hangs)."""

    state = SessionState.CONNECTED

    async def send(self, command: object) -> None:
        await asyncio.Event().wait()


class _RefusingSession:
    """A session that does not serve the command's heater."""

    state = SessionState.CONNECTED

    async def send(self, command: object) -> None:
        raise ValueError("not a device of this session")


async def test_an_action_refused_or_cancelled_leaves_no_outcome_waiting(
    hass: HomeAssistant,
    notifications: dict[str, persistent_notification.Notification],
) -> None:
    results = CommandResults(hass, "no entry")
    device = Device(mac=DEMO_MAC, additional_value="", device_type=52, name="x")
    refused = commands.set_dhw_temperature(device, None, 50)
    with pytest.raises(HomeAssistantError) as raised:
        await results.async_send_all(cast("Any", _RefusingSession()), [refused])
    assert raised.value.translation_key == "command_failed"
    assert results._pending == {}

    cancelled = commands.set_dhw_temperature(device, None, 51)
    action = hass.async_create_task(
        results.async_send_all(cast("Any", _StuckSession()), [cancelled])
    )
    await asyncio.sleep(0)  # (blocking till done would fast-forward the test clock)
    assert results._pending
    action.cancel()
    with pytest.raises(asyncio.CancelledError):
        await action
    results.handle_outcome(cancelled, CommandOutcome.TOO_OLD)  # it was queued
    assert results._pending == {}
    assert any(
        key.startswith(f"{DOMAIN}_{DEMO_MAC}_command_not_delivered")
        for key in notifications
    )
