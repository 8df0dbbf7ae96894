"""Actions of the integration (registered once, in async_setup)."""

from homeassistant.core import HomeAssistant, callback


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's actions."""
