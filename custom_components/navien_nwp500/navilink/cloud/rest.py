"""REST calls of the NaviLink cloud: device list, firmware and TOU."""

from collections.abc import Mapping
from dataclasses import dataclass
import logging
from typing import TYPE_CHECKING, Any

from ..codec import Device, parse_device
from .errors import UnexpectedResponseError

if TYPE_CHECKING:
    from .auth import NaviLinkAuth

_LOGGER = logging.getLogger(__name__)

PAGE_SIZE = 20


@dataclass(frozen=True, slots=True)
class FirmwareComponent:
    """One firmware component of a device (``/device/firmware/info``)."""

    sw_code: int
    version: int
    downloaded_version: int | None
    """A pending (downloaded, not installed) version; None or 0 when none."""


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def parse_firmware(raw: Mapping[str, Any]) -> FirmwareComponent | None:
    """Parse one ``firmwares[]`` entry; None if it lacks the component id/version."""
    sw_code = _int_or_none(raw.get("curSwCode"))
    version = _int_or_none(raw.get("curVersion"))
    if sw_code is None or version is None:
        return None
    return FirmwareComponent(
        sw_code=sw_code,
        version=version,
        downloaded_version=_int_or_none(raw.get("downloadedVersion")),
    )


class NaviLinkRestClient:
    """Account-level REST calls made through an authenticated ``NaviLinkAuth``."""

    def __init__(self, auth: NaviLinkAuth) -> None:
        """Send every call through ``auth`` (tokens, refresh and 401 retry)."""
        self._auth = auth

    def _device_body(self, device: Device) -> dict[str, Any]:
        return {
            "macAddress": device.mac,
            "additionalValue": device.additional_value,
            "userId": self._auth.email,
        }

    async def async_list_devices(self) -> list[Device]:
        """Return the account's devices; entries that cannot be read are skipped."""
        data = await self._auth.request(
            "POST",
            "/device/list",
            json={"offset": 0, "count": PAGE_SIZE, "userId": self._auth.email},
        )
        if data is None:
            return []
        if not isinstance(data, list):
            raise UnexpectedResponseError("/device/list: data is not a list")
        devices: list[Device] = []
        for index, entry in enumerate(data):
            device = parse_device(entry) if isinstance(entry, Mapping) else None
            if device is None:
                _LOGGER.warning("Skipping unreadable device list entry #%d", index)
                continue
            devices.append(device)
        return devices

    async def async_get_firmware(self, device: Device) -> list[FirmwareComponent]:
        """Return the device's firmware components (unreadable entries skipped)."""
        data = await self._auth.request(
            "POST", "/device/firmware/info", json=self._device_body(device)
        )
        if not isinstance(data, Mapping):
            raise UnexpectedResponseError(
                "/device/firmware/info: data is not an object"
            )
        entries = data.get("firmwares")
        if entries is None:
            return []
        if not isinstance(entries, list):
            raise UnexpectedResponseError("/device/firmware/info: firmwares not a list")
        components: list[FirmwareComponent] = []
        for entry in entries:
            component = parse_firmware(entry) if isinstance(entry, Mapping) else None
            if component is None:
                _LOGGER.debug("Skipping unreadable firmware entry for %s", device.mac)
                continue
            components.append(component)
        return components

    async def async_get_tou(self, device: Device, controller_id: str) -> dict[str, Any]:
        """Return the cloud TOU plan (registerPath, sourceType, touInfo)."""
        params = {
            "additionalValue": device.additional_value,
            "controllerId": controller_id,
            "macAddress": device.mac,
            "userId": self._auth.email,
            "userType": self._auth.user_type,
        }
        data = await self._auth.request("GET", "/device/tou", params=params)
        if not isinstance(data, Mapping):
            raise UnexpectedResponseError("/device/tou: data is not an object")
        return dict(data)
