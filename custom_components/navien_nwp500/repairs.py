"""Repair issues: a heater offline or unlisted for long, a connection that keeps dropping."""

from typing import TYPE_CHECKING

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN
from .navilink.session import UnstableConnectionError

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry

    from .navilink.codec import Device
    from .navilink.session import SessionError


@callback
def async_update_heater_offline_issue(
    hass: HomeAssistant, device: Device, *, offline: bool
) -> None:
    """Show an issue while a heater has been unreachable for long; clear it after."""
    _update_heater_issue(
        hass, "heater_offline", device.mac, device.name or "NWP500", shown=offline
    )


@callback
def async_update_heater_unlisted_issue(
    hass: HomeAssistant, mac: str, name: str, *, unlisted: bool
) -> None:
    """Ask the user about a heater the account has not listed for a day; clear it after."""
    _update_heater_issue(hass, "heater_unlisted", mac, name, shown=unlisted)


def _update_heater_issue(
    hass: HomeAssistant, key: str, mac: str, name: str, *, shown: bool
) -> None:
    """Create (``shown``) or delete a heater's warning issue ``key``."""
    issue_id = f"{key}_{mac}"
    if not shown:
        ir.async_delete_issue(hass, DOMAIN, issue_id)
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=False,
        is_persistent=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key=key,
        translation_placeholders={"name": name},
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
