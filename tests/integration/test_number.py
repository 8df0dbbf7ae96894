"""Numbers against the simulated heater: a period sent, a vacation length kept."""

from typing import TYPE_CHECKING

from homeassistant.components.number import (
    ATTR_VALUE,
    DOMAIN as NUMBER_DOMAIN,
    SERVICE_SET_VALUE,
)
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE, Platform
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)

from custom_components.navien_nwp500.const import DOMAIN
from custom_components.navien_nwp500.navilink.codec.enums import (
    CommandCode,
    DhwOperationSetting,
)

from .conftest import DEMO_MAC
from .helpers import get_entity_id, wait_for

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers import entity_registry as er
    from syrupy.assertion import SnapshotAssertion

    from navilink_sim.simulator import NaviLinkSimulator

pytestmark = [
    pytest.mark.simulator(time_scale=0, push_interval=None),
    pytest.mark.platforms(Platform.NUMBER),
]


def entity_id(hass: HomeAssistant, key: str) -> str:
    """Return the entity ID of the demo heater's number ``key``."""
    return get_entity_id(hass, NUMBER_DOMAIN, key)


async def set_value(hass: HomeAssistant, key: str, value: float) -> None:
    """Set the demo heater's number ``key``."""
    await hass.services.async_call(
        NUMBER_DOMAIN,
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: entity_id(hass, key), ATTR_VALUE: value},
        blocking=True,
    )


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_snapshot(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)


async def test_anti_legionella_period(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: NaviLinkSimulator
) -> None:
    heater = simulator.heaters[DEMO_MAC]
    period = entity_id(hass, "anti_legionella_period")
    assert hass.states.get(period).state == "7"

    await set_value(hass, "anti_legionella_period", 14)
    await wait_for(hass, lambda: hass.states.get(period).state == "14")
    request = heater.received[-1]["request"]
    assert request["command"] == CommandCode.ANTI_LEGIONELLA_ON
    assert request["param"] == [14]
    assert heater.anti_legionella_period == 14


async def test_anti_legionella_period_unavailable_while_the_cycle_is_off(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: NaviLinkSimulator
) -> None:
    heater = simulator.heaters[DEMO_MAC]
    period = entity_id(hass, "anti_legionella_period")
    heater.anti_legionella = False
    await simulator.push_status(DEMO_MAC)
    await wait_for(hass, lambda: hass.states.get(period).state == STATE_UNAVAILABLE)

    heater.anti_legionella = True
    await simulator.push_status(DEMO_MAC)
    await wait_for(hass, lambda: hass.states.get(period).state == "7")


@pytest.mark.parametrize("key", ["anti_legionella_period", "vacation_length"])
async def test_fractional_days_refused(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    key: str,
) -> None:
    sent = len(simulator.heaters[DEMO_MAC].received)
    with pytest.raises(ServiceValidationError) as err:
        await set_value(hass, key, 2.5)
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == "invalid_days"
    assert err.value.translation_placeholders == {"min": "1", "max": "30"}
    assert len(simulator.heaters[DEMO_MAC].received) == sent


@pytest.mark.parametrize("value", [0, 31])
async def test_days_out_of_range_refused(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    value: int,
) -> None:
    sent = len(simulator.heaters[DEMO_MAC].received)
    with pytest.raises(ServiceValidationError) as err:
        await set_value(hass, "vacation_length", value)
    assert err.value.translation_key == "out_of_range"
    assert len(simulator.heaters[DEMO_MAC].received) == sent


async def test_vacation_length_is_a_setting_that_sends_nothing(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: NaviLinkSimulator
) -> None:
    heater = simulator.heaters[DEMO_MAC]
    length = entity_id(hass, "vacation_length")
    assert hass.states.get(length).state == "7"
    sent = len(heater.received)

    await set_value(hass, "vacation_length", 3)
    assert hass.states.get(length).state == "3"
    assert len(heater.received) == sent
    assert heater.mode != DhwOperationSetting.VACATION


async def test_number_while_offline_is_sent_after_reconnect(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    coordinator = init_integration.runtime_data
    simulator.faults.refuse_for(600)
    simulator.faults.drop_all()
    await wait_for(hass, lambda: not coordinator.connected)

    await set_value(hass, "anti_legionella_period", 21)
    assert "queued: sent when the connection is back, unless" in caplog.text
    assert simulator.heaters[DEMO_MAC].anti_legionella_period == 7
    simulator.faults.stop_refusing()

    period = entity_id(hass, "anti_legionella_period")
    await wait_for(hass, lambda: hass.states.get(period).state == "21", within=30)
    assert simulator.heaters[DEMO_MAC].anti_legionella_period == 21
