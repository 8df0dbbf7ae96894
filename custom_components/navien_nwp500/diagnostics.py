"""Diagnostics with secrets, e-mail, MAC, serials and location redacted."""

from typing import TYPE_CHECKING, Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_EMAIL, CONF_PASSWORD

from .const import DOMAIN

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.device_registry import DeviceEntry

    from .coordinator import HeaterState, NavienConfigEntry
    from .liveness import HeaterLiveness

TO_REDACT = {
    CONF_EMAIL,
    CONF_PASSWORD,
    "macAddress",
    "mac",
    "additionalValue",
    "additional_value",
    "controllerSerialNumber",
    "controller_serial_number",
    "client_id",
    "clientID",
    "sessionID",
    "latitude",
    "longitude",
    "address",
    "unique_id",
    "title",
    # Connection errors can quote client IDs, topics or account details.
    "last_error",
}


def _heater_diagnostics(
    heater: HeaterState, raw_status: Any, liveness: HeaterLiveness | None
) -> dict[str, Any]:
    return {
        "device": {
            "name": heater.device.name,
            "device_type": heater.device.device_type,
            "model_type_code": heater.device.model_type_code,
            "connected": heater.device.connected,
        },
        "feature": dict(heater.feature.raw) if heater.feature else None,
        "last_raw_status": dict(raw_status) if raw_status else None,
        "liveness": liveness.as_dict() if liveness else None,
    }


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: NavienConfigEntry
) -> dict[str, Any]:
    """Return the entry, the session's state and statistics, and every heater."""
    coordinator = entry.runtime_data
    session = coordinator.session
    return async_redact_data(
        {
            "entry": {
                "title": entry.title,
                "data": dict(entry.data),
                "options": dict(entry.options),
            },
            "session": session.statistics() if session else None,
            "heaters": [
                _heater_diagnostics(
                    heater,
                    coordinator.last_raw_status.get(mac),
                    coordinator.liveness(mac),
                )
                for mac, heater in coordinator.data.heaters.items()
            ],
        },
        TO_REDACT,
    )


async def async_get_device_diagnostics(
    hass: HomeAssistant, entry: NavienConfigEntry, device: DeviceEntry
) -> dict[str, Any]:
    """Return one heater's feature message and last raw status."""
    coordinator = entry.runtime_data
    for domain, mac in device.identifiers:
        heater = coordinator.data.heaters.get(mac) if domain == DOMAIN else None
        if heater is not None:
            return async_redact_data(
                _heater_diagnostics(
                    heater,
                    coordinator.last_raw_status.get(mac),
                    coordinator.liveness(mac),
                ),
                TO_REDACT,
            )
    return {}
