"""NaviLinkRestClient against the simulated REST API over real loopback sockets."""

import logging
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer
import pytest

from custom_components.navien_nwp500.navilink.cloud.auth import NaviLinkAuth
from custom_components.navien_nwp500.navilink.cloud.endpoints import Endpoints
from custom_components.navien_nwp500.navilink.cloud.errors import (
    UnexpectedResponseError,
)
from custom_components.navien_nwp500.navilink.cloud.rest import (
    FirmwareComponent,
    NaviLinkRestClient,
)
from custom_components.navien_nwp500.navilink.codec.models import Device
from navilink_sim.accounts import AccountStore, SimDevice, demo_account
from navilink_sim.rest import RestFaults, create_rest_app

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

EMAIL = "demo@example.com"


@pytest.fixture
async def sim_client(
    socket_enabled: None,
) -> AsyncIterator[tuple[NaviLinkRestClient, RestFaults, AccountStore]]:
    account = demo_account()
    account.devices.append(
        SimDevice(mac="112233445566", additional_value="9876", name="Garage")
    )
    store = AccountStore([account])
    faults = RestFaults()
    async with (
        TestServer(create_rest_app(store, faults), host="127.0.0.1") as server,
        aiohttp.ClientSession() as session,
    ):
        auth = NaviLinkAuth(
            session,
            EMAIL,
            "demo-password",
            endpoints=Endpoints(api_base_url=str(server.make_url("/api/v2.1"))),
        )
        yield NaviLinkRestClient(auth), faults, store


async def _device(client: NaviLinkRestClient) -> Device:
    devices = await client.async_list_devices()
    return devices[0]


async def test_list_devices(sim_client: Any) -> None:
    client, faults, _ = sim_client
    devices = await client.async_list_devices()
    assert [d.mac for d in devices] == ["aabbccddeeff", "112233445566"]
    first = devices[0]
    assert first.additional_value == "1234"
    assert first.name == "NWP500"
    assert first.device_type == 52
    assert first.home_seq == 1
    assert first.connected is True
    assert first.model_type_code == 513
    assert faults.count("/device/list") == 1


async def test_get_firmware(sim_client: Any) -> None:
    client, _, _ = sim_client
    firmware = await client.async_get_firmware(await _device(client))
    assert len(firmware) == 4
    assert firmware[0] == FirmwareComponent(
        sw_code=0x02000711, version=0x0A010000, downloaded_version=0
    )
    assert firmware[1].downloaded_version is None


async def test_get_tou(sim_client: Any) -> None:
    client, faults, _ = sim_client
    tou = await client.async_get_tou(await _device(client), "CTRL-123")
    assert tou["registerPath"] == "wifi"
    assert tou["sourceType"] == "openei"
    assert tou["touInfo"]["controllerId"] == "CTRL-123"
    period = tou["touInfo"]["schedule"][0]["interval"][0]
    assert {"week", "startHour", "endHour", "priceMin", "decimalPoint"} <= set(period)
    assert faults.count("/device/tou") == 1


async def test_unknown_device_is_unexpected(sim_client: Any) -> None:
    client, _, _ = sim_client
    device = Device(
        mac="000000000000",
        additional_value="0",
        device_type=52,
        name="ghost",
        home_seq=None,
        connected=None,
        model_type_code=None,
    )
    with pytest.raises(UnexpectedResponseError):
        await client.async_get_firmware(device)


async def test_unreadable_entries_skipped(
    socket_enabled: None, caplog: pytest.LogCaptureFixture
) -> None:
    good = {
        "deviceInfo": {
            "homeSeq": 3,
            "macAddress": "a0b1c2d3e4f5",
            "additionalValue": "55",
            "deviceType": 52,
            "deviceName": "Basement",
            "connected": 1,
        },
        "location": {"state": None, "city": None, "address": None},
    }
    firmware = {
        "firmwares": [
            {"curSwCode": 1, "curVersion": 2, "downloadedVersion": 3},
            {"curSwCode": "x"},
            "junk",
        ]
    }

    async def answer(data: Any) -> web.Response:
        return web.json_response({"code": 200, "msg": "SUCCESS", "data": data})

    async def sign_in(request: web.Request) -> web.Response:
        return await answer(
            {
                "userInfo": {"userSeq": 1},
                "token": {
                    "idToken": "i",
                    "accessToken": "a",
                    "refreshToken": "r",
                    "authenticationExpiresIn": 3600,
                },
            }
        )

    async def device_list(request: web.Request) -> web.Response:
        return await answer([good, "junk", 42])

    async def firmware_info(request: web.Request) -> web.Response:
        return await answer(firmware)

    app = web.Application()
    app.router.add_post("/api/user/sign-in", sign_in)
    app.router.add_post("/api/device/list", device_list)
    app.router.add_post("/api/device/firmware/info", firmware_info)
    caplog.set_level(logging.WARNING)
    async with (
        TestServer(app, host="127.0.0.1") as server,
        aiohttp.ClientSession() as session,
    ):
        auth = NaviLinkAuth(
            session,
            EMAIL,
            "pw",
            endpoints=Endpoints(api_base_url=str(server.make_url("/api"))),
        )
        client = NaviLinkRestClient(auth)
        devices = await client.async_list_devices()
        assert [d.mac for d in devices] == ["a0b1c2d3e4f5"]
        assert devices[0].connected is False
        assert caplog.text.count("Skipping unreadable device") == 2
        components = await client.async_get_firmware(devices[0])
        assert components == [FirmwareComponent(1, 2, 3)]
