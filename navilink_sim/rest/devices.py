"""The REST API's device routes: the device list, device info, firmware and TOU plan."""

from typing import TYPE_CHECKING, Any

from aiohttp import web

from .replies import API_PREFIX, authorized, envelope, error

if TYPE_CHECKING:
    from navilink_sim.accounts import AccountStore, SimDevice

    from .faults import RestFaults


def _list_entry(device: SimDevice) -> dict[str, Any]:
    return {
        "deviceInfo": {
            "homeSeq": device.home_seq,
            "macAddress": device.mac,
            "additionalValue": device.additional_value,
            "deviceType": device.device_type,
            "deviceName": device.name,
            "connected": device.connected,
            "installType": device.install_type,
            "modelTypeCode": device.model_type_code,
            "installerId": device.installer_id,
        },
        "location": {
            "state": device.state,
            "city": device.city,
            "address": device.address,
        },
        "error": {"errorCode": None, "errorOccuredTime": None},
        "descaling": {"descalingStartTime": None, "descalingEndTime": None},
    }


def _info(device: SimDevice) -> dict[str, Any]:
    return {
        "deviceInfo": {
            "homeSeq": device.home_seq,
            "deviceName": device.name,
            "deviceType": device.device_type,
            "installType": device.install_type,
            "connected": device.connected,
        },
        "location": {
            "state": device.state,
            "city": device.city,
            "address": device.address,
            "latitude": device.latitude,
            "longitude": device.longitude,
            "altitude": device.altitude,
        },
        "installer": {
            "installerId": None,
            "installerFirstName": None,
            "installerLastName": None,
            "installerPhoneNumber": None,
        },
        "alarmInfo": {"isEtcAlarm": 1, "isErrorAlarm": 1, "isDescalingAlarm": 2},
        "descaling": {"descalingStartTime": None, "descalingEndTime": None},
    }


def _period(week: int, start: int, end: int, price: int) -> dict[str, Any]:
    return {
        "week": week,
        "startHour": start,
        "startMinute": 0,
        "endHour": end,
        "endMinute": 0 if end < 23 else 59,
        "priceMin": price,
        "priceMax": price,
        "decimalPoint": 5,
    }


def _default_tou(controller_id: str) -> dict[str, Any]:
    """Build a two-season plan: weekday peak 16-21 h, flat weekends (week 124 / 130)."""
    intervals = [
        _period(124, 0, 16, 28_000),
        _period(124, 16, 21, 52_000),
        _period(124, 21, 23, 28_000),
        _period(130, 0, 23, 26_000),
    ]
    return {
        "controllerId": controller_id,
        "manufactureId": "SIM",
        "name": "Simulated TOU plan",
        "utility": "Simulated Utility",
        "zipCode": 94000,
        "schedule": [
            {"season": 3615, "interval": intervals},
            {"season": 480, "interval": intervals[:1] + intervals[3:]},
        ],
    }


def add_device_routes(
    app: web.Application, store: AccountStore, faults: RestFaults
) -> None:
    """Serve the device list, device info, firmware info and the TOU plan."""

    async def device_list(request: web.Request) -> web.Response:
        result = await authorized(store, request)
        if isinstance(result, web.Response):
            return result
        account, body = result
        offset, count = body.get("offset", 0), body.get("count", 20)
        if not isinstance(offset, int) or not isinstance(count, int) or offset < 0:
            return error(400)
        count = max(0, min(count, 20))
        devices = faults.listed(account.devices)[offset : offset + count]
        return envelope([_list_entry(d) for d in devices])

    async def device_of(
        request: web.Request, *, from_query: bool = False
    ) -> tuple[SimDevice, dict[str, Any]] | web.Response:
        result = await authorized(store, request, from_query=from_query)
        if isinstance(result, web.Response):
            return result
        account, body = result
        mac, additional = body.get("macAddress"), body.get("additionalValue")
        if not isinstance(mac, str) or not isinstance(additional, str):
            return error(400)
        device = store.find_device(account, mac, additional)
        if device is None:
            return error(404)
        return device, body

    async def device_info(request: web.Request) -> web.Response:
        result = await device_of(request)
        if isinstance(result, web.Response):
            return result
        return envelope(_info(result[0]))

    async def firmware_info(request: web.Request) -> web.Response:
        result = await device_of(request)
        if isinstance(result, web.Response):
            return result
        device = result[0]
        firmwares = [
            {
                "macAddress": device.mac,
                "additionalValue": device.additional_value,
                "deviceType": device.device_type,
                "curSwCode": fw.get("curSwCode"),
                "curVersion": fw.get("curVersion"),
                "downloadedVersion": fw.get("downloadedVersion"),
                "deviceGroup": fw.get("deviceGroup"),
            }
            for fw in device.firmwares
        ]
        return envelope({"firmwares": firmwares})

    async def tou(request: web.Request) -> web.Response:
        result = await device_of(request, from_query=True)
        if isinstance(result, web.Response):
            return result
        device, query = result
        controller_id = query.get("controllerId")
        if not isinstance(controller_id, str) or not controller_id:
            return error(400)
        tou_info = (
            dict(device.tou) if device.tou is not None else _default_tou(controller_id)
        )
        return envelope(
            {"registerPath": "wifi", "sourceType": "openei", "touInfo": tou_info}
        )

    app.router.add_post(f"{API_PREFIX}/device/list", device_list)
    app.router.add_post(f"{API_PREFIX}/device/info", device_info)
    app.router.add_post(f"{API_PREFIX}/device/firmware/info", firmware_info)
    app.router.add_get(f"{API_PREFIX}/device/tou", tou)
