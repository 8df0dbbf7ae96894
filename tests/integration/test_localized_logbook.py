"""Smart heating's logbook reads in the language Home Assistant has when it is read.

A line is fired with its raw parameters; the logbook words and writes them
(language, decimal separator, unit) when it shows the line, so a line written
while Home Assistant was in French reads in English once it is in English.
"""

from typing import TYPE_CHECKING, Any

from homeassistant.const import Platform
from homeassistant.helpers.translation import async_get_translations
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.navien_nwp500.const import DOMAIN
from custom_components.navien_nwp500.logbook import (
    EVENT_BOOST_ENDED,
    EVENT_SMART_HEATING,
    async_describe_events,
)

from .helpers import wait_for
from .smart_helpers import (
    HEAT_PUMP,
    JUMPING_PROFILE,
    smart_timings,  # noqa: F401  (autouse)
    switch,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from navilink_sim.heater import SimulatedHeater

pytestmark = [
    pytest.mark.simulator(time_scale=0, push_interval=None, profile=JUMPING_PROFILE),
    pytest.mark.platforms(Platform.SWITCH, Platform.WATER_HEATER),
]


async def test_a_line_written_in_french_reads_in_english_later(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    point_at_simulator: object,
    heater: SimulatedHeater,
) -> None:
    hass.config.language = "fr"
    logged = async_capture_events(hass, EVENT_SMART_HEATING)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    described: dict[str, Any] = {}
    async_describe_events(
        hass, lambda _domain, kind, describe: described.update({kind: describe})
    )

    await switch(hass, "smart_heating", True)
    await wait_for(hass, lambda: heater.mode == HEAT_PUMP and bool(logged))

    # A full tank: the comfort floor is asked for, 41.5 °C on the demo heater.
    line = logged[-1]
    assert line.data["message"] == "smart_set_back_coast"
    setpoint = line.data["params"]["setpoint"]
    assert setpoint % 1
    french = f"{setpoint:g}".replace(".", ",")
    assert described[EVENT_SMART_HEATING](line)["message"].startswith(
        f"Réglé à {french} °C"
    )
    assert line.data["placeholders"]["setpoint"] == f"{french} °C"  # as fired

    hass.config.language = "en"
    await async_get_translations(hass, "en", "exceptions", [DOMAIN])
    assert described[EVENT_SMART_HEATING](line)["message"] == (
        f"Set to {setpoint:g} °C, the comfort floor: the tank is still above the"
        " 45 °C set-back"
    )
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)


async def test_a_line_from_before_the_raw_parameters_reads_as_it_was_said(
    hass: HomeAssistant,
) -> None:
    """Events already recorded carry only their placeholders: they still read."""
    await async_get_translations(hass, "en", "exceptions", [DOMAIN])
    described: dict[str, Any] = {}
    async_describe_events(
        hass, lambda _domain, kind, describe: described.update({kind: describe})
    )
    old = async_capture_events(hass, EVENT_SMART_HEATING)
    hass.bus.async_fire(
        EVENT_SMART_HEATING,
        {
            "entity_id": None,
            "message": "smart_set_back",
            "placeholders": {"setpoint": "113 °F"},
        },
    )
    await hass.async_block_till_done()
    assert described[EVENT_SMART_HEATING](old[-1])["message"] == (
        "Held at 113 °F: set-back"
    )


async def test_a_line_of_a_removed_entity_names_it_in_the_language(
    hass: HomeAssistant,
) -> None:
    """Without the entity's state, the line is named by its translated name."""
    hass.config.language = "fr"
    await async_get_translations(hass, "fr", "entity", [DOMAIN])
    await async_get_translations(hass, "fr", "exceptions", [DOMAIN])
    described: dict[str, Any] = {}
    async_describe_events(
        hass, lambda _domain, kind, describe: described.update({kind: describe})
    )
    smart = async_capture_events(hass, EVENT_SMART_HEATING)
    boost = async_capture_events(hass, EVENT_BOOST_ENDED)
    hass.bus.async_fire(
        EVENT_SMART_HEATING,
        {"entity_id": None, "message": "smart_changed_by_hand", "params": {}},
    )
    hass.bus.async_fire(EVENT_BOOST_ENDED, {"entity_id": None, "reason": "time_up"})
    await hass.async_block_till_done()

    assert described[EVENT_SMART_HEATING](smart[-1])["name"] == "Chauffage intelligent"
    assert described[EVENT_BOOST_ENDED](boost[-1])["name"] == "Marche forcée"
