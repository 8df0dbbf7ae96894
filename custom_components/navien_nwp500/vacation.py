"""Vacation length: a setting kept by the *Vacation length* number.

Starting a vacation (the water heater's away mode, the thermostat's vacation
preset, the *Start vacation* button) uses the length set there; changing the
length sends nothing.
"""

from typing import TYPE_CHECKING, Final

from homeassistant.components.number import DOMAIN as NUMBER_DOMAIN
from homeassistant.helpers import entity_registry as er

from .const import DOMAIN
from .navilink.codec import VACATION_DAYS

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

VACATION_LENGTH_KEY: Final = "vacation_length"
DEFAULT_VACATION_DAYS: Final = 7
"""Days of vacation that turning away mode on starts; `set_vacation` takes others."""


def vacation_length(hass: HomeAssistant, mac: str) -> int:
    """Return the days a vacation started now lasts (the *Vacation length* setting).

    The default length when that number is disabled or has no valid value.
    """
    entity_id = er.async_get(hass).async_get_entity_id(
        NUMBER_DOMAIN, DOMAIN, f"{mac}_{VACATION_LENGTH_KEY}"
    )
    state = hass.states.get(entity_id) if entity_id else None
    try:
        days = int(float(state.state)) if state else DEFAULT_VACATION_DAYS
    except ValueError:
        return DEFAULT_VACATION_DAYS
    low, high = VACATION_DAYS
    return days if low <= days <= high else DEFAULT_VACATION_DAYS
