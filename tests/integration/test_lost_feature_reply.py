"""A heater whose feature reply was lost still gets its entities (invariants seed 3010).

The invariant bench's seed 3010 lost the realistic heater's very first reply,
the feature message answering the greeting (protocol.md §17.8: replies can be
lost). Nothing asked again, so the heater got no entity at all until the next
reconnect. The session now asks a heater without a feature again, paced.
"""

from typing import TYPE_CHECKING
from unittest.mock import patch

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import Platform
import pytest

from .conftest import DEMO_MAC
from .helpers import find_entity_id, wait_for

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from navilink_sim.simulator import NaviLinkSimulator

pytestmark = pytest.mark.platforms(Platform.WATER_HEATER)


async def test_heater_whose_feature_reply_was_lost_gets_its_entities(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    point_at_simulator: NaviLinkSimulator,
) -> None:
    faults = point_at_simulator.faults
    faults.drop_replies(mac=DEMO_MAC)  # the greeting's replies are lost
    mock_config_entry.add_to_hass(hass)
    with patch("custom_components.navien_nwp500.coordinator.FIRST_DATA_TIMEOUT", 0.2):
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert find_entity_id(hass, "water_heater", "water_heater") is None
    session = mock_config_entry.runtime_data.session
    assert session is not None
    connections = session.statistics()["connects"]

    faults.drop_replies(False, mac=DEMO_MAC)  # the heater answers again

    # No one asks by hand and the link stays up: the session asks again itself.
    await wait_for(
        hass, lambda: find_entity_id(hass, "water_heater", "water_heater") is not None
    )
    assert session.statistics()["connects"] == connections
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)
