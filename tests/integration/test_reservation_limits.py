"""A schedule write is checked entry by entry against the heater's own limits (§17.7).

The simulated heater reports 40.5-65.5 °C (raw 81..131 half-degrees), narrower
than the static 35-65.5 °C range, so an entry at 38 °C proves the heater's
limits are the ones applied. Nothing reaches the heater when an entry is refused.
"""

from typing import TYPE_CHECKING, Any
from unittest.mock import patch

from homeassistant.const import Platform
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM
import pytest

from custom_components.navien_nwp500 import services
from custom_components.navien_nwp500.const import DOMAIN
from custom_components.navien_nwp500.navilink.codec.enums import CommandCode
from navilink_sim import heater_wire
from navilink_sim.heater import SimulatedHeater

from .conftest import DEMO_MAC
from .helpers import commands

if TYPE_CHECKING:
    from collections.abc import Iterator

    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

pytestmark = [
    pytest.mark.simulator(time_scale=0, push_interval=None),
    pytest.mark.platforms(Platform.WATER_HEATER),
]


def _entry(temperature: float) -> dict[str, Any]:
    return {
        "days": ["monday"],
        "time": "06:30",
        "mode": "heat_pump",
        "temperature": temperature,
    }


def _device_id(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, DEMO_MAC), entry.entry_id
    )
    assert device is not None
    return device.id


async def _write(
    hass: HomeAssistant, entry: MockConfigEntry, reservations: list[dict[str, Any]]
) -> ServiceValidationError:
    """Call set_reservations, which must be refused; return the refusal."""
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            services.SERVICE_SET_RESERVATIONS,
            {"device_id": _device_id(hass, entry), "reservations": reservations},
            blocking=True,
            return_response=True,
        )
    return err.value


@pytest.fixture
def fahrenheit(hass: HomeAssistant) -> None:
    """Configure Home Assistant for US customary units before the entry loads."""
    hass.config.units = US_CUSTOMARY_SYSTEM


@pytest.fixture
def no_limits() -> Iterator[None]:
    """Make the simulated heater's feature message leave out its set-point range."""
    feature = heater_wire.feature

    def without_limits(heater: SimulatedHeater) -> dict[str, Any]:
        wire = dict(feature(heater.device))
        del wire["dhwTemperatureMin"], wire["dhwTemperatureMax"]
        return wire

    with patch.object(SimulatedHeater, "feature", property(without_limits)):
        yield


async def test_entry_outside_the_heater_limits_is_named(
    hass: HomeAssistant, init_integration: MockConfigEntry, heater: SimulatedHeater
) -> None:
    refusal = await _write(hass, init_integration, [_entry(50.0), _entry(38.0)])
    assert refusal.translation_key == "reservation_temperature_out_of_range"
    assert refusal.translation_placeholders == {
        "index": "2",
        "temperature": "38 °C",
        "min": "40.5 °C",
        "max": "65.5 °C",
    }
    assert "Schedule entry 2: 38 °C is outside" in str(refusal)
    assert CommandCode.RESERVATION_WRITE not in commands(heater)
    assert heater.reservations == []


@pytest.mark.usefixtures("fahrenheit")
async def test_entry_is_named_in_the_user_unit(
    hass: HomeAssistant, init_integration: MockConfigEntry, heater: SimulatedHeater
) -> None:
    refusal = await _write(hass, init_integration, [_entry(100.0)])
    assert refusal.translation_placeholders == {
        "index": "1",
        "temperature": "100 °F",
        "min": "105 °F",
        "max": "150 °F",
    }
    assert CommandCode.RESERVATION_WRITE not in commands(heater)


@pytest.mark.usefixtures("no_limits")
async def test_write_is_refused_until_the_heater_gave_its_limits(
    hass: HomeAssistant, init_integration: MockConfigEntry, heater: SimulatedHeater
) -> None:
    refusal = await _write(hass, init_integration, [_entry(50.0)])
    assert refusal.translation_key == "reservation_limits_unknown"
    assert CommandCode.RESERVATION_WRITE not in commands(heater)
    assert heater.reservations == []
