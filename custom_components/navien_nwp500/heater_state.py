"""The heaters' state, what the coordinator's helpers may use of it, and when to read.

Its own module so that the helpers (counter and detail reads, the device list,
statistics) depend on it instead of on the coordinator, which uses them: no
import cycle between files.
"""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import CALLBACK_TYPE, HomeAssistant

    from .account_cache import CachedAccount
    from .hot_water_tanks import HotWaterTanks
    from .navilink.cloud import NaviLinkRestClient
    from .navilink.codec import Command, Device, DeviceFeature, DeviceStatus
    from .navilink.session import NaviLinkSession


@dataclass(frozen=True, slots=True)
class HeaterState:
    """What we know about one water heater."""

    device: Device
    status: DeviceStatus | None = None
    feature: DeviceFeature | None = None


@dataclass(frozen=True, slots=True)
class NavienData:
    """Coordinator data: every heater of the account, keyed by MAC."""

    heaters: Mapping[str, HeaterState] = field(default_factory=dict)


class ConfirmedDetail(Protocol):
    """A read detail that a confirmed write sets without reading it again."""

    def async_set_updated_data(self, data: Any) -> None:
        """Keep ``data`` as the detail's value and tell its listeners."""


class ReadDetail(Protocol):
    """A detail read from the cloud: its latest value, None until read."""

    @property
    def data(self) -> Any:
        """The latest value read."""


class HeaterSource(Protocol):
    """The coordinator as its helpers see it: the heaters, the cloud, availability."""

    @property
    def hass(self) -> HomeAssistant:
        """Home Assistant."""

    @property
    def config_entry(self) -> ConfigEntry[Any]:
        """The account's config entry."""

    @property
    def data(self) -> NavienData:
        """Every heater's latest state."""

    @property
    def account(self) -> CachedAccount:
        """The account's sign-in, kept across setup retries."""

    @property
    def rest(self) -> NaviLinkRestClient:
        """The cloud's REST API."""

    @property
    def session(self) -> NaviLinkSession | None:
        """The MQTT session, once set up."""

    @property
    def connected(self) -> bool:
        """Whether the session is connected right now."""

    @property
    def last_update_success(self) -> bool:
        """False while the cloud is lost (past the grace period)."""

    @property
    def schedules(self) -> Mapping[str, ConfirmedDetail]:
        """Each heater's schedule reader, by MAC (for confirmed writes)."""

    @property
    def tou_plans(self) -> Mapping[str, ReadDetail]:
        """Each heater's cloud TOU plan reader, by MAC (smart heating's prices)."""

    @property
    def tanks(self) -> HotWaterTanks:
        """What each heater's statuses taught: its cold water, its heat pump's rate."""

    def heater_available(self, mac: str) -> bool:
        """Whether a heater answers and its status is current."""

    def async_add_listener(
        self, update_callback: CALLBACK_TYPE, context: Any = None
    ) -> Callable[[], None]:
        """Call ``update_callback`` on every change of the heaters."""

    def async_update_listeners(self) -> None:
        """Tell the entities that something changed."""

    def async_set_update_error(self, err: Exception) -> None:
        """Mark every heater's data failed (the cloud is lost) and tell the entities."""

    async def async_add_heater(self, device: Device) -> None:
        """Serve a heater that joined the account."""

    async def async_send_all(
        self, to_send: Sequence[Command], *, wait: bool = True
    ) -> None:
        """Send commands in order; while connected, wait for their outcomes."""


def readable(source: HeaterSource, mac: str) -> bool:
    """Whether heater ``mac`` may be read now: the one rule of every read.

    Only while the cloud is connected and the heater is available; a read
    that falls due meanwhile waits for it (counters, diagnostics, details).
    """
    return (
        source.connected and source.last_update_success and source.heater_available(mac)
    )
