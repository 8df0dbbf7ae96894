"""Repair issues: a heater offline for long, and repeated client-ID takeovers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry

    from .navilink.models import Device


@callback
def async_update_heater_offline_issue(
    hass: HomeAssistant, device: Device, *, offline: bool
) -> None:
    """Show an issue while a heater has been unreachable for long; clear it after."""
    issue_id = f"heater_offline_{device.mac}"
    if not offline:
        ir.async_delete_issue(hass, DOMAIN, issue_id)
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=False,
        is_persistent=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key="heater_offline",
        translation_placeholders={"name": device.name or "NWP500"},
    )


@callback
def async_update_takeover_issue(
    hass: HomeAssistant, entry: ConfigEntry, active: bool
) -> None:
    """Show an issue while another client keeps taking over our connection."""
    issue_id = f"client_takeover_{entry.entry_id}"
    if not active:
        ir.async_delete_issue(hass, DOMAIN, issue_id)
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key="client_takeover",
        translation_placeholders={"account": entry.title},
    )
