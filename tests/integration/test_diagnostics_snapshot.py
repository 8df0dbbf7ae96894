"""Snapshots of what a user shares: entry diagnostics and the device registry entry."""

from typing import TYPE_CHECKING

import pytest
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from syrupy.filters import props

from custom_components.navien_nwp500.const import DOMAIN

from .conftest import DEMO_MAC

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers import device_registry as dr
    from pytest_homeassistant_custom_component.common import MockConfigEntry
    from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
    from syrupy.assertion import SnapshotAssertion

pytestmark = pytest.mark.simulator(time_scale=0, push_interval=None)

# Counters that depend on how fast the machine is (a push or a poll may come
# first; a connection counts as stable after a while), not on what is shown.
VOLATILE = (
    "attempt",
    "last_backoff_s",
    "last_message",
    "messages",
    "mode",
    "polls",
    "reply_status",
    "unprompted_status",
)


async def test_entry_diagnostics_snapshot(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    result = await get_diagnostics_for_config_entry(hass, hass_client, init_integration)
    assert result == snapshot(exclude=props(*VOLATILE))


async def test_device_registry_entry_snapshot(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, DEMO_MAC), init_integration.entry_id
    )
    assert device is not None
    assert device == snapshot
