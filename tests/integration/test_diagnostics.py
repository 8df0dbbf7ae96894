"""Diagnostics hold the session, queue and raw status, with secrets removed."""

import json
from typing import TYPE_CHECKING

from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
    get_diagnostics_for_device,
)

from custom_components.navien_nwp500.const import DOMAIN

from .conftest import DEMO, DEMO_MAC
from .helpers import wait_for

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry
    from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

    from navilink_sim.simulator import NaviLinkSimulator

pytestmark = pytest.mark.simulator(time_scale=0, push_interval=None)

SECRETS = (DEMO.email, DEMO.password, DEMO_MAC, "123456789BT0001234")


async def test_entry_diagnostics_redact_secrets(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
) -> None:
    result = await get_diagnostics_for_config_entry(hass, hass_client, init_integration)
    text = json.dumps(result)
    for secret in SECRETS:
        assert secret not in text
    session = result["session"]
    assert session["state"] == "connected"
    assert session["client_id"] == "**REDACTED**"
    assert "queue" in session
    [push] = session["heaters"]
    assert push["mac"] == "**REDACTED**"
    assert push["mode"] in ("push", "poll")
    assert result["entry"]["data"]["password"] == "**REDACTED**"
    [heater] = result["heaters"]
    assert heater["last_raw_status"]["dhwTemperatureSetting"] > 0
    assert heater["feature"]["controllerSerialNumber"] == "**REDACTED**"


async def test_device_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
) -> None:
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, DEMO_MAC), init_integration.entry_id
    )
    assert device is not None
    result = await get_diagnostics_for_device(
        hass, hass_client, init_integration, device
    )
    text = json.dumps(result)
    for secret in SECRETS:
        assert secret not in text
    assert result["device"]["name"] == "NWP500"
    assert result["last_raw_status"]["dhwOperationSetting"] in range(1, 7)


async def test_diagnostics_show_liveness_and_redact_the_last_error(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    simulator: NaviLinkSimulator,
) -> None:
    session = init_integration.runtime_data.session
    assert session is not None
    simulator.faults.refuse_for(600)
    simulator.faults.drop_all()
    await wait_for(hass, lambda: session.statistics()["last_error"] is not None)

    result = await get_diagnostics_for_config_entry(hass, hass_client, init_integration)
    assert result["session"]["last_error"] == "**REDACTED**"
    [heater] = result["heaters"]
    liveness = heater["liveness"]
    assert liveness["reachable"] is True
    assert liveness["missed_polls"] == 0
    assert liveness["last_message"] is not None
