"""The integration's actions against the simulated heater."""

import calendar
from typing import TYPE_CHECKING, Any
from unittest.mock import patch

from homeassistant.const import Platform
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util
import pytest

from custom_components.navien_nwp500 import reservations, services
from custom_components.navien_nwp500.const import DOMAIN
from custom_components.navien_nwp500.navilink.codec.enums import CommandCode
from tests.simulator_fixture import TEST_PROFILE

from .conftest import DEMO_MAC
from .helpers import commands, wait_for

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from navilink_sim.heater import SimulatedHeater
    from navilink_sim.simulator import NaviLinkSimulator

pytestmark = [
    pytest.mark.simulator(time_scale=0, push_interval=None),
    pytest.mark.platforms(Platform.WATER_HEATER),
]

SCHEDULE = [
    {
        "enabled": True,
        "days": ["monday", "tuesday", "wednesday", "thursday", "friday"],
        "time": "06:30",
        "mode": "high_demand",
        "temperature": 55.5,
    },
    {
        "enabled": False,
        "days": ["saturday", "sunday"],
        "time": "22:00",
        "mode": "off",
    },
]


@pytest.fixture
def device_id(hass: HomeAssistant, init_integration: MockConfigEntry) -> str:
    """Return the demo heater's device."""
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, DEMO_MAC), init_integration.entry_id
    )
    assert device is not None
    return device.id


async def _call(hass: HomeAssistant, service: str, device_id: str, **data: Any) -> Any:
    """Call one of our actions; return its response as untyped JSON for asserts."""
    response = service in {
        services.SERVICE_GET_RESERVATIONS,
        services.SERVICE_SET_RESERVATIONS,
        services.SERVICE_GET_ENERGY_USAGE,
    }
    return await hass.services.async_call(
        DOMAIN,
        service,
        {"device_id": device_id, **data},
        blocking=True,
        return_response=response,
    )


async def test_set_vacation(
    hass: HomeAssistant, device_id: str, heater: SimulatedHeater
) -> None:
    await _call(hass, services.SERVICE_SET_VACATION, device_id, days=10)
    await wait_for(hass, lambda: (heater.mode, heater.vacation_days) == (5, 10))


async def test_set_vacation_too_long(hass: HomeAssistant, device_id: str) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, services.SERVICE_SET_VACATION, device_id, days=40)
    assert err.value.translation_key == "invalid_days"
    assert err.value.translation_placeholders == {"min": "1", "max": "30"}


async def test_anti_legionella(
    hass: HomeAssistant, device_id: str, heater: SimulatedHeater
) -> None:
    await _call(hass, services.SERVICE_DISABLE_ANTI_LEGIONELLA, device_id)
    await wait_for(hass, lambda: heater.anti_legionella is False)
    await _call(
        hass, services.SERVICE_ENABLE_ANTI_LEGIONELLA, device_id, period_days=14
    )
    await wait_for(
        hass,
        lambda: (heater.anti_legionella, heater.anti_legionella_period) == (True, 14),
    )
    with pytest.raises(ServiceValidationError) as err:
        await _call(
            hass, services.SERVICE_ENABLE_ANTI_LEGIONELLA, device_id, period_days=0
        )
    assert err.value.translation_key == "invalid_days"


async def test_get_empty_schedule(hass: HomeAssistant, device_id: str) -> None:
    response = await _call(hass, services.SERVICE_GET_RESERVATIONS, device_id)
    assert response == {"enabled": False, "reservations": []}


async def test_set_reservations_reads_writes_and_confirms(
    hass: HomeAssistant, device_id: str, heater: SimulatedHeater
) -> None:
    received = len(heater.received)
    response = await _call(
        hass,
        services.SERVICE_SET_RESERVATIONS,
        device_id,
        enabled=True,
        reservations=SCHEDULE,
    )
    expected = {
        "enabled": True,
        "reservations": [
            {**SCHEDULE[0]},
            {**SCHEDULE[1], "temperature": 0.0},
        ],
    }
    assert response == expected
    assert commands(heater)[received:] == [
        CommandCode.RESERVATION_READ,
        CommandCode.RESERVATION_WRITE,
    ]
    assert heater.reservation_use == 2
    assert heater.reservations[0] == {
        "enable": 2,
        "week": 64 + 32 + 16 + 8 + 4,
        "hour": 6,
        "min": 30,
        "mode": 4,
        "param": 111,
    }
    # Reading back gives the same shape the action takes.
    assert await _call(hass, services.SERVICE_GET_RESERVATIONS, device_id) == expected


async def test_set_reservations_keeps_entries_when_only_enabling(
    hass: HomeAssistant, device_id: str, heater: SimulatedHeater
) -> None:
    await _call(
        hass, services.SERVICE_SET_RESERVATIONS, device_id, reservations=SCHEDULE
    )
    stored = list(heater.reservations)
    response = await _call(
        hass, services.SERVICE_SET_RESERVATIONS, device_id, enabled=False
    )
    assert response is not None
    assert response["enabled"] is False
    assert len(response["reservations"]) == 2
    assert heater.reservations == stored
    assert heater.reservation_use == 1


async def test_failed_read_aborts_the_write(
    hass: HomeAssistant,
    device_id: str,
    heater: SimulatedHeater,
    point_at_simulator: NaviLinkSimulator,
) -> None:
    point_at_simulator.faults.drop_replies(True)
    with (
        patch.object(reservations, "REPLY_TIMEOUT", 0.5),
        pytest.raises(HomeAssistantError) as err,
    ):
        await _call(hass, services.SERVICE_SET_RESERVATIONS, device_id, reservations=[])
    assert err.value.translation_key == "reservation_read_failed"
    assert CommandCode.RESERVATION_WRITE not in commands(heater)


async def test_unconfirmed_write_is_an_error(
    hass: HomeAssistant, device_id: str, heater: SimulatedHeater
) -> None:
    with (
        patch.object(heater, "_write_reservations"),
        patch.object(reservations, "CONFIRM_TIMEOUT", 1.0),
        patch.object(reservations, "CONFIRM_RETRY_DELAY", 0.1),
        pytest.raises(HomeAssistantError) as err,
    ):
        await _call(
            hass, services.SERVICE_SET_RESERVATIONS, device_id, reservations=SCHEDULE
        )
    assert err.value.translation_key == "reservation_not_confirmed"
    # The write was re-checked by reading the schedule again.
    assert commands(heater).count(CommandCode.RESERVATION_READ) >= 2


@pytest.mark.parametrize(
    ("entry", "key"),
    [
        ({"temperature": 80}, "reservation_temperature_out_of_range"),
        ({"temperature": None}, "invalid_reservation"),
        ({"days": []}, "invalid_reservation"),
    ],
)
async def test_invalid_reservation(
    hass: HomeAssistant,
    device_id: str,
    heater: SimulatedHeater,
    entry: dict[str, Any],
    key: str,
) -> None:
    reservation = {**SCHEDULE[0], **entry}
    if reservation["temperature"] is None:
        del reservation["temperature"]
    with pytest.raises(ServiceValidationError) as err:
        await _call(
            hass,
            services.SERVICE_SET_RESERVATIONS,
            device_id,
            reservations=[reservation],
        )
    assert err.value.translation_key == key
    assert CommandCode.RESERVATION_WRITE not in commands(heater)


async def test_energy_usage(
    hass: HomeAssistant, device_id: str, heater: SimulatedHeater
) -> None:
    # The heater's own day (UTC-8) begins this long after its clock's start.
    heater.advance(-TEST_PROFILE.clock_offset_hours * 3600)
    heater.start_draw(12.0, 1200)
    heater.advance(6 * 3600)
    response = await _call(
        hass, services.SERVICE_GET_ENERGY_USAGE, device_id, year=2026, month=11
    )
    assert response is not None
    days = response["days"]
    assert len(days) == 30
    assert days[0]["day"] == 1
    assert days[0]["total_wh"] > 0
    assert days[1]["total_wh"] == 0
    total = response["total"]
    assert total["heat_pump_wh"] == sum(day["heat_pump_wh"] for day in days)
    assert total["element_wh"] == sum(day["element_wh"] for day in days)
    assert total["total_wh"] == total["heat_pump_wh"] + total["element_wh"]


async def test_energy_usage_bad_month(hass: HomeAssistant, device_id: str) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await _call(
            hass, services.SERVICE_GET_ENERGY_USAGE, device_id, year=2026, month=13
        )
    assert err.value.translation_key == "invalid_months"


async def test_energy_usage_of_a_month_to_come_is_refused(
    hass: HomeAssistant, device_id: str, heater: SimulatedHeater
) -> None:
    """A month that has not begun is an error, not a month of zeros; none is asked."""
    today = dt_util.now().date()
    year, month = (
        (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    )
    with pytest.raises(ServiceValidationError) as err:
        await _call(
            hass, services.SERVICE_GET_ENERGY_USAGE, device_id, year=year, month=month
        )
    assert err.value.translation_key == "future_month"
    assert err.value.translation_placeholders == {
        "year": str(year),
        "month": f"{month:02d}",
    }
    assert CommandCode.ENERGY_USAGE_QUERY not in commands(heater)
    this_month = await _call(
        hass,
        services.SERVICE_GET_ENERGY_USAGE,
        device_id,
        year=today.year,
        month=today.month,
    )
    assert this_month is not None
    assert len(this_month["days"]) == calendar.monthrange(today.year, today.month)[1]


async def test_unknown_device(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, services.SERVICE_SET_VACATION, "nope", days=3)
    assert err.value.translation_key == "device_not_found"


async def test_entry_not_loaded(
    hass: HomeAssistant, device_id: str, init_integration: MockConfigEntry
) -> None:
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, services.SERVICE_SET_VACATION, device_id, days=3)
    assert err.value.translation_key == "entry_not_loaded"
