"""What smart heating shows an owner: the next heating to come, times on their clock."""

from datetime import timedelta
from typing import TYPE_CHECKING

from homeassistant.components.number import (
    ATTR_VALUE,
    DOMAIN as NUMBER_DOMAIN,
    SERVICE_SET_VALUE,
)
from homeassistant.components.time import (
    ATTR_TIME,
    DOMAIN as TIME_DOMAIN,
    SERVICE_SET_VALUE as SERVICE_SET_TIME,
)
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.helpers.translation import async_get_translations
from homeassistant.util import dt as dt_util
import pytest

from custom_components.navien_nwp500.const import CONF_SETBACK_TEMPERATURE, DOMAIN
from custom_components.navien_nwp500.smart_state import HOLD_CODES

from .conftest import DEMO_MAC
from .helpers import get_entity_id, push, wait_for
from .smart_helpers import (
    shows_plan,
    smart_marks,
    smart_timings,  # noqa: F401  (autouse)
    state,
    switch,
)

if TYPE_CHECKING:
    from datetime import datetime

    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.navien_nwp500.smart_state import HeaterSmart
    from navilink_sim.heater import SimulatedHeater
    from navilink_sim.simulator import NaviLinkSimulator

pytestmark = smart_marks(draw_interval=None)


async def _ready_by(hass: HomeAssistant, at: datetime, showers: float) -> None:
    """Ask for ``showers`` ready by ``at`` every day, and turn ready-by on."""
    local = dt_util.as_local(at).time().replace(second=0, microsecond=0)
    for key in ("ready_by_weekdays", "ready_by_weekends"):
        await hass.services.async_call(
            TIME_DOMAIN,
            SERVICE_SET_TIME,
            {ATTR_ENTITY_ID: get_entity_id(hass, TIME_DOMAIN, key), ATTR_TIME: local},
            blocking=True,
        )
    await hass.services.async_call(
        NUMBER_DOMAIN,
        SERVICE_SET_VALUE,
        {
            ATTR_ENTITY_ID: get_entity_id(hass, NUMBER_DOMAIN, "ready_by_showers"),
            ATTR_VALUE: showers,
        },
        blocking=True,
    )
    await switch(hass, "ready_by", True)


async def _heating_now(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: NaviLinkSimulator,
    heater: SimulatedHeater,
) -> tuple[HeaterSmart, datetime]:
    """Promise 4 showers in 90 minutes from a cold tank: heating starts at once.

    Return the heater's smart heating and the promise's time.
    """
    hass.config_entries.async_update_entry(
        entry, options={CONF_SETBACK_TEMPERATURE: 42.0}
    )
    heater.tank.upper, heater.tank.lower = 44.0, 40.0
    await push(hass, simulator)
    now = dt_util.utcnow().replace(second=0, microsecond=0)
    promise = now.replace(minute=now.minute // 15 * 15) + timedelta(minutes=90)
    await _ready_by(hass, promise, 4)
    await switch(hass, "smart_heating", True)
    await wait_for(hass, lambda: shows_plan(hass, heater))
    smart: HeaterSmart = entry.runtime_data.smart.get(DEMO_MAC)
    return smart, promise


async def test_next_heating_is_a_time_to_come_while_the_heater_heats(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    heater: SimulatedHeater,
) -> None:
    """While a heating window runs, the sensor shows the next one, not a past start."""
    smart, _promise = await _heating_now(hass, init_integration, simulator, heater)
    assert smart.plan is not None
    now = dt_util.utcnow()
    running = smart.plan.segment_at(now)
    assert running is not None
    assert running.reason.code not in HOLD_CODES  # heating now
    assert running.start <= now

    shown = state(hass, "sensor", "next_heating")
    later = [
        s.start
        for s in smart.plan.segments
        if s.reason.code not in HOLD_CODES and s.start > now
    ]
    assert shown != running.start.isoformat(timespec="seconds")
    if shown == "unknown":
        assert not later
    else:
        shown_at = dt_util.parse_datetime(shown)
        assert shown_at is not None
        assert shown_at > now
        assert shown_at in later
        before = smart.plan.segment_at(shown_at - timedelta(seconds=1))
        assert before is None or before.reason.code in HOLD_CODES  # after a pause


@pytest.mark.parametrize(
    "case",
    [
        ("en", "%-I:%M %p"),  # American English: 9:00 PM
        ("en-GB", "%H:%M"),
        ("fr", "%H:%M"),  # 21:00, 09:00
        ("es", "%-H:%M"),  # 21:00, 9:00
    ],
)
async def test_plan_texts_write_times_as_the_owner_language_does(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    heater: SimulatedHeater,
    case: tuple[str, str],
) -> None:
    """The Plan calendar's texts follow the language's clock, not a fixed 24 hours."""
    language, clock = case
    hass.config.language = language
    await async_get_translations(hass, language, "exceptions", [DOMAIN])
    _smart, promise = await _heating_now(hass, init_integration, simulator, heater)
    calendar = get_entity_id(hass, "calendar", "plan")
    events = await hass.services.async_call(
        "calendar",
        "get_events",
        {
            ATTR_ENTITY_ID: calendar,
            "start_date_time": dt_util.utcnow(),
            "duration": {"hours": 3},
        },
        blocking=True,
        return_response=True,
    )
    described = [e["description"] for e in events[calendar]["events"]]  # type: ignore[index]
    wanted = dt_util.as_local(promise).strftime(clock)
    assert any(text.endswith(f" {wanted}") for text in described), described
