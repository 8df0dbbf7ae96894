"""A development aid: point the integration at another cloud through the environment.

By default the integration talks to the real NaviLink cloud. For the demo and the
smoke tests a real Home Assistant can be pointed at the simulator instead by
setting these environment variables before Home Assistant starts:

``NAVILINK_API_URL``
    REST base URL: ``https``, or ``http`` to a loopback address only, e.g.
    ``http://127.0.0.1:8080/api/v2.1``, so an override never sends the account's
    credentials in clear text over a network.
``NAVILINK_IOT_HOST``
    Host name or IP address of the MQTT-over-WebSocket endpoint.
``NAVILINK_IOT_PORT``
    TCP port of that endpoint (1-65535).
``NAVILINK_CA_FILE``
    Path of a PEM file with the CA that signed the endpoint's certificate
    (unset = the system trust store).

Unset or empty variables keep the default. An invalid value is ignored with a
warning and the default is used, so a typo never breaks set-up silently.
"""

import ipaddress
import logging
import os
from pathlib import Path
import re
from typing import TYPE_CHECKING, Final
from urllib.parse import urlsplit

from .navilink.cloud import Endpoints

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

_LOGGER = logging.getLogger(__name__)

ENV_API_URL: Final = "NAVILINK_API_URL"
ENV_IOT_HOST: Final = "NAVILINK_IOT_HOST"
ENV_IOT_PORT: Final = "NAVILINK_IOT_PORT"
ENV_CA_FILE: Final = "NAVILINK_CA_FILE"

_HOSTNAME: Final = re.compile(
    r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?"
)


def _is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine: ``localhost`` or a loopback address."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _api_url(value: str) -> str | None:
    """Return the URL without a trailing slash; None unless https or loopback http."""
    parts = urlsplit(value)
    if not parts.hostname:
        return None
    if parts.scheme == "https" or (
        parts.scheme == "http" and _is_loopback(parts.hostname)
    ):
        return value.rstrip("/")
    return None


def _iot_host(value: str) -> str | None:
    """Return the value if it is a host name or an IP address, else None."""
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return value if _HOSTNAME.fullmatch(value) else None
    return value


def _iot_port(value: str) -> int | None:
    """Return a TCP port number, or None if out of range or not a number."""
    try:
        port = int(value)
    except ValueError:
        return None
    return port if 0 < port < 65536 else None


def _ca_file(value: str) -> str | None:
    """Return the path if it names an existing file, else None."""
    return value if Path(value).is_file() else None


def _pick[T](
    env: Mapping[str, str], name: str, parse: Callable[[str], T | None], default: T
) -> T:
    """Parse one variable; unset keeps the default, invalid warns and keeps it."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if (value := parse(raw)) is None:
        _LOGGER.warning(
            "Ignoring invalid %s=%r; using the default %r", name, raw, default
        )
        return default
    return value


def endpoints_from_env(environ: Mapping[str, str] | None = None) -> Endpoints:
    """Build the client's Endpoints from the environment (default: the real cloud)."""
    env = os.environ if environ is None else environ
    defaults = Endpoints()
    endpoints = Endpoints(
        api_base_url=_pick(env, ENV_API_URL, _api_url, defaults.api_base_url),
        iot_host=_pick(env, ENV_IOT_HOST, _iot_host, defaults.iot_host),
        iot_port=_pick(env, ENV_IOT_PORT, _iot_port, defaults.iot_port),
        region=defaults.region,
        ca_file=_pick(env, ENV_CA_FILE, _ca_file, defaults.ca_file),
    )
    if endpoints != defaults:
        _LOGGER.info("Using NaviLink endpoints from the environment: %s", endpoints)
    return endpoints
