"""The heater's device names its tank in the owner's volume unit."""

from typing import TYPE_CHECKING

from homeassistant.const import Platform
from homeassistant.helpers import device_registry as dr
from homeassistant.util.unit_system import (
    METRIC_SYSTEM,
    US_CUSTOMARY_SYSTEM,
    UnitSystem,
)
import pytest

from custom_components.navien_nwp500.const import DOMAIN

from .conftest import DEMO_MAC

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from navilink_sim.heater import SimulatedHeater

pytestmark = [
    pytest.mark.simulator(time_scale=0, push_interval=None),
    pytest.mark.platforms(Platform.WATER_HEATER),
]


@pytest.mark.parametrize(
    "case",
    [(METRIC_SYSTEM, "NWP500 246 L"), (US_CUSTOMARY_SYSTEM, "NWP500 65 gal")],
    ids=["metric", "us_customary"],
)
async def test_the_model_gives_the_tank_in_the_owner_unit(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    point_at_simulator: object,
    heater: SimulatedHeater,
    case: tuple[UnitSystem, str],
) -> None:
    """The demo heater reports a 65-gallon tank (volume code 2): 246 L in metric."""
    hass.config.units, model = case
    assert heater.device.volume_code == 2
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()

    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, DEMO_MAC), mock_config_entry.entry_id
    )
    assert device is not None
    assert device.model == model
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)
