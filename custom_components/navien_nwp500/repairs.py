"""Repair issues: device error codes and a connection that keeps dropping."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN
from .navilink.enums import error_description
from .navilink.session import UnstableConnectionError

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry

    from .navilink.errors import SessionError
    from .navilink.models import Device, DeviceStatus


@callback
def async_update_error_issue(
    hass: HomeAssistant, device: Device, status: DeviceStatus
) -> None:
    """Raise an issue while the heater reports an error code; clear it after."""
    issue_id = f"device_error_{device.mac}"
    code = status.error_code
    if not code:
        if code == 0:
            ir.async_delete_issue(hass, DOMAIN, issue_id)
        return
    sub = status.sub_error_code or 0
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=False,
        is_persistent=False,
        severity=ir.IssueSeverity.ERROR,
        translation_key="device_error",
        translation_placeholders={
            "name": device.name or device.mac,
            "code": f"E{code:03d}",
            "sub_code": f"{sub:02d}",
            "meaning": error_description(code, sub) or "unknown error",
        },
    )


@callback
def async_update_unstable_connection_issue(
    hass: HomeAssistant, entry: ConfigEntry, error: SessionError | None
) -> None:
    """Show an issue while the session reports a lasting unstable connection."""
    issue_id = f"connection_unstable_{entry.entry_id}"
    if not isinstance(error, UnstableConnectionError):
        ir.async_delete_issue(hass, DOMAIN, issue_id)
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key="connection_unstable",
        translation_placeholders={"account": entry.title},
    )
