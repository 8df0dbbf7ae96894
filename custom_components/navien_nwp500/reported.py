"""Helpers for the read-only platforms that show fields of the status message."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.core import callback

from .navilink.models import STATUS_FIELDS

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from homeassistant.helpers.entity import Entity
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .coordinator import NavienConfigEntry, NavienCoordinator
    from .navilink.models import DeviceFeature, DeviceStatus

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
    coordinator = entry.runtime_data
    known: set[str] = set()

    @callback
    def _add_new() -> None:
        entities: list[Entity] = []
        for mac, heater in coordinator.data.heaters.items():
            feature, status = heater.feature, heater.status
            if mac in known or feature is None or status is None:
                continue
            known.add(mac)
            entities.extend(build(coordinator, mac, feature, status))
        if entities:
            async_add_entities(entities)

    _add_new()
    entry.async_on_unload(coordinator.async_add_listener(_add_new))
