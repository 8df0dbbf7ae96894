"""Helpers for the read-only platforms that show fields of the status message."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.core import callback

from .helpers import async_add_heater_entities
from .navilink.codec import STATUS_FIELDS

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from homeassistant.helpers.entity import Entity
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .coordinator import HeaterState, NavienConfigEntry, NavienCoordinator
    from .navilink.codec import DeviceFeature, DeviceStatus

_WIRE_KEYS = {attribute: key for attribute, key, _decode in STATUS_FIELDS}


def reported(*fields: str) -> Callable[[DeviceFeature, DeviceStatus], bool]:
    """Build an `exists_fn` true when the firmware sends every one of `fields`.

    A field the heater never sends gets no entity; a field that is only missing
    or malformed in one message still exists and reads unknown.
    """
    keys = tuple(_WIRE_KEYS[field] for field in fields)
    return lambda _feature, status: all(key in status.raw for key in keys)


@callback
def async_add_reported_entities(
    entry: NavienConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    build: Callable[
        [NavienCoordinator, str, DeviceFeature, DeviceStatus], Iterable[Entity]
    ],
) -> None:
    """Add a heater's entities once both its feature and a status are known.

    The status is needed to see which fields the firmware sends. Heaters that
    report after setup get their entities from the coordinator listener.
    """

    def _build(
        coordinator: NavienCoordinator, mac: str, heater: HeaterState
    ) -> Iterable[Entity]:
        assert heater.feature is not None
        assert heater.status is not None
        return build(coordinator, mac, heater.feature, heater.status)

    async_add_heater_entities(entry, async_add_entities, _build, needs_status=True)
