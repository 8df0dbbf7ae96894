"""Actions take the automation editor's targets, and older automations' data."""

from typing import TYPE_CHECKING, Any

from homeassistant.components.water_heater import DOMAIN as WATER_HEATER_DOMAIN
from homeassistant.const import Platform
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import area_registry as ar, device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.navien_nwp500 import services
from custom_components.navien_nwp500.const import DOMAIN
from custom_components.navien_nwp500.navilink.codec.enums import DhwOperationSetting

from .conftest import DEMO_MAC
from .helpers import get_entity_id, wait_for

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from navilink_sim.heater import SimulatedHeater

pytestmark = [
    pytest.mark.simulator(time_scale=0, push_interval=None),
    pytest.mark.platforms(Platform.WATER_HEATER),
]


@pytest.fixture
def device_id(hass: HomeAssistant, init_integration: MockConfigEntry) -> str:
    """Return the demo heater's device."""
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, DEMO_MAC), init_integration.entry_id
    )
    assert device is not None
    return device.id


async def _call(
    hass: HomeAssistant,
    service: str,
    data: dict[str, Any],
    target: dict[str, Any] | None = None,
) -> Any:
    response = service in {
        services.SERVICE_GET_RESERVATIONS,
        services.SERVICE_SET_RESERVATIONS,
    }
    return await hass.services.async_call(
        DOMAIN,
        service,
        data,
        target=target,
        blocking=True,
        return_response=response,
    )


async def test_vacation_targets_the_heater_by_device(
    hass: HomeAssistant, device_id: str, heater: SimulatedHeater
) -> None:
    await _call(
        hass, services.SERVICE_SET_VACATION, {"days": 4}, {"device_id": [device_id]}
    )
    await wait_for(
        hass,
        lambda: (
            (heater.mode, heater.vacation_days) == (DhwOperationSetting.VACATION, 4)
        ),
    )


async def test_vacation_targets_the_heater_by_its_water_heater_entity(
    hass: HomeAssistant, init_integration: MockConfigEntry, heater: SimulatedHeater
) -> None:
    water_heater = get_entity_id(hass, WATER_HEATER_DOMAIN, "water_heater")
    await _call(
        hass, services.SERVICE_SET_VACATION, {"days": 6}, {"entity_id": water_heater}
    )
    await wait_for(
        hass,
        lambda: (
            (heater.mode, heater.vacation_days) == (DhwOperationSetting.VACATION, 6)
        ),
    )


async def test_a_target_without_a_heater_is_refused(
    hass: HomeAssistant, init_integration: MockConfigEntry, heater: SimulatedHeater
) -> None:
    sent = len(heater.received)
    with pytest.raises(ServiceValidationError) as err:
        await _call(
            hass, services.SERVICE_SET_VACATION, {"days": 4}, {"entity_id": "sun.sun"}
        )
    assert err.value.translation_key == "no_heater_targeted"
    assert len(heater.received) == sent


async def test_old_reservation_mode_names_still_work_and_read_back_new(
    hass: HomeAssistant, device_id: str, heater: SimulatedHeater
) -> None:
    old = [
        {
            "days": ["monday"],
            "time": "06:00",
            "mode": "energy_saver",
            "temperature": 50,
        },
        {"days": ["sunday"], "time": "23:00", "mode": "power_off"},
    ]
    response = await _call(
        hass,
        services.SERVICE_SET_RESERVATIONS,
        {"device_id": device_id, "enabled": True, "reservations": old},
    )
    assert [entry["mode"] for entry in heater.reservations] == [3, 5]
    assert [entry["mode"] for entry in response["reservations"]] == ["eco", "off"]


async def test_an_area_targets_its_heaters_and_leaves_other_devices_out(
    hass: HomeAssistant,
    device_id: str,
    init_integration: MockConfigEntry,
    heater: SimulatedHeater,
) -> None:
    area = ar.async_get(hass).async_create("Basement")
    devices = dr.async_get(hass)
    devices.async_update_device(device_id, area_id=area.id)
    other_entry = MockConfigEntry(domain="other")
    other_entry.add_to_hass(hass)
    other = devices.async_get_or_create(
        config_entry_id=other_entry.entry_id, identifiers={("other", "lamp")}
    )
    devices.async_update_device(other.id, area_id=area.id)

    await _call(hass, services.SERVICE_SET_VACATION, {"days": 2}, {"area_id": area.id})
    await wait_for(
        hass,
        lambda: (
            (heater.mode, heater.vacation_days) == (DhwOperationSetting.VACATION, 2)
        ),
    )


async def test_actions_that_answer_take_one_heater_only(
    hass: HomeAssistant, device_id: str, init_integration: MockConfigEntry
) -> None:
    second = dr.async_get(hass).async_get_or_create(
        config_entry_id=init_integration.entry_id,
        identifiers={(DOMAIN, "001122334455")},
    )
    with pytest.raises(ServiceValidationError) as err:
        await _call(
            hass,
            services.SERVICE_GET_RESERVATIONS,
            {},
            {"device_id": [device_id, second.id]},
        )
    assert err.value.translation_key == "one_heater_only"

    with pytest.raises(ServiceValidationError) as err:
        await _call(
            hass, services.SERVICE_SET_VACATION, {"days": 3}, {"device_id": second.id}
        )
    assert err.value.translation_key == "device_not_found"
