"""The logbook says why a boost ended and what smart heating did, and why.

A boost's start, end time and end show as the state changes of its *Boost*
binary sensor and *Boost end* sensor; the event ``navien_nwp500_boost_ended``
adds why it ended (its time was up, a change by hand, a vacation, the
integration unloaded), on the *Boost* binary sensor's logbook. The event
``navien_nwp500_smart_heating`` carries a message key, its placeholders (in the
owner's language and units when it was fired) and their raw parameters, from
which the *Smart heating* switch's logbook says it in the language and units of
the time it is read.
"""

from typing import TYPE_CHECKING, Final

from homeassistant.components.logbook.const import (
    LOGBOOK_ENTRY_ENTITY_ID,
    LOGBOOK_ENTRY_MESSAGE,
    LOGBOOK_ENTRY_NAME,
)
from homeassistant.const import ATTR_DEVICE_ID, ATTR_ENTITY_ID, Platform
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er

from .const import DOMAIN
from .smart_text import reason_placeholders
from .texts import entity_name, exception_text, translated_message

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

EVENT_BOOST_ENDED: Final = f"{DOMAIN}_boost_ended"
EVENT_SMART_HEATING: Final = f"{DOMAIN}_smart_heating"
ATTR_REASON: Final = "reason"
ATTR_MESSAGE: Final = "message"
ATTR_PLACEHOLDERS: Final = "placeholders"
ATTR_PARAMS: Final = "params"


@callback
def async_fire_boost_ended(
    hass: HomeAssistant, entry_id: str, mac: str, reason: str
) -> None:
    """Say that a heater's boost ended and why (``time_up``, ``changed``...)."""
    device = dr.async_get(hass).async_get_device_by_identifier((DOMAIN, mac), entry_id)
    hass.bus.async_fire(
        EVENT_BOOST_ENDED,
        {
            ATTR_DEVICE_ID: device.id if device else None,
            ATTR_ENTITY_ID: er.async_get(hass).async_get_entity_id(
                Platform.BINARY_SENSOR, DOMAIN, f"{mac}_boost"
            ),
            ATTR_REASON: reason,
        },
    )


@callback
def async_fire_smart_heating(
    hass: HomeAssistant,
    entry_id: str,
    mac: str,
    message: str,
    params: Mapping[str, str | float],
) -> None:
    """Say what smart heating did to a heater and why (a message key, its parameters)."""
    device = dr.async_get(hass).async_get_device_by_identifier((DOMAIN, mac), entry_id)
    hass.bus.async_fire(
        EVENT_SMART_HEATING,
        {
            ATTR_DEVICE_ID: device.id if device else None,
            ATTR_ENTITY_ID: er.async_get(hass).async_get_entity_id(
                Platform.SWITCH, DOMAIN, f"{mac}_smart_heating"
            ),
            ATTR_MESSAGE: message,
            ATTR_PLACEHOLDERS: reason_placeholders(hass, params),
            ATTR_PARAMS: dict(params),
        },
    )


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[
        [str, str, Callable[[Event], dict[str, str | None]]], None
    ],
) -> None:
    """Describe the end of a boost and smart heating in the user's language."""

    @callback
    def describe(event: Event) -> dict[str, str | None]:
        entity_id = event.data.get(ATTR_ENTITY_ID)
        state = hass.states.get(entity_id) if entity_id else None
        key = f"boost_ended_{event.data[ATTR_REASON]}"
        return {
            LOGBOOK_ENTRY_NAME: (
                state.name
                if state
                else entity_name(hass, Platform.BINARY_SENSOR, "boost")
            ),
            LOGBOOK_ENTRY_MESSAGE: exception_text(hass, key, {}, key),
            LOGBOOK_ENTRY_ENTITY_ID: entity_id,
        }

    @callback
    def describe_smart(event: Event) -> dict[str, str | None]:
        entity_id = event.data.get(ATTR_ENTITY_ID)
        state = hass.states.get(entity_id) if entity_id else None
        params = event.data.get(ATTR_PARAMS)
        placeholders = (  # events from before the raw parameters: as they were said
            event.data.get(ATTR_PLACEHOLDERS)
            if params is None
            else reason_placeholders(hass, params)
        )
        return {
            LOGBOOK_ENTRY_NAME: (
                state.name
                if state
                else entity_name(hass, Platform.SWITCH, "smart_heating")
            ),
            LOGBOOK_ENTRY_MESSAGE: translated_message(
                hass, event.data[ATTR_MESSAGE], placeholders
            ),
            LOGBOOK_ENTRY_ENTITY_ID: entity_id,
        }

    async_describe_event(DOMAIN, EVENT_BOOST_ENDED, describe)
    async_describe_event(DOMAIN, EVENT_SMART_HEATING, describe_smart)
