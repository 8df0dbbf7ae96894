"""The signed-in account of each config entry, kept across its setup attempts.

Home Assistant retries a failed setup with a new coordinator; reusing the entry's
``NaviLinkAuth`` keeps its tokens and AWS keys, so a retry does not sign in with
the password again. Unloading or removing the entry forgets it.
"""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from homeassistant.const import CONF_EMAIL, CONF_PASSWORD
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.util.hass_dict import HassKey

from .const import DOMAIN
from .navilink.cloud import NaviLinkAuth

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry

    from .navilink.cloud import Endpoints

DATA_ACCOUNTS: HassKey[dict[str, CachedAccount]] = HassKey(f"{DOMAIN}_accounts")


@dataclass(slots=True)
class CachedAccount:
    """An entry's sign-in and what was already said about its devices."""

    credentials: tuple[str, str]
    auth: NaviLinkAuth
    ignored_devices: set[str] = field(default_factory=set)
    """MAC addresses of devices that are not NWP500s and were logged as ignored."""


@callback
def async_get_account(
    hass: HomeAssistant, entry: ConfigEntry, endpoints: Endpoints
) -> CachedAccount:
    """Return the entry's account, signing in anew only when the credentials changed."""
    accounts = hass.data.setdefault(DATA_ACCOUNTS, {})
    credentials = (entry.data[CONF_EMAIL], entry.data[CONF_PASSWORD])
    cached = accounts.get(entry.entry_id)
    if cached is None or cached.credentials != credentials:
        auth = NaviLinkAuth(
            async_get_clientsession(hass), *credentials, endpoints=endpoints
        )
        cached = accounts[entry.entry_id] = CachedAccount(credentials, auth)
    return cached


@callback
def async_forget_account(hass: HomeAssistant, entry_id: str) -> None:
    """Drop the entry's tokens (unload, removal)."""
    hass.data.get(DATA_ACCOUNTS, {}).pop(entry_id, None)
