"""The simulated REST API: wire shapes, auth checks and fault injection."""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp.test_utils import TestServer
import pytest

from navilink_sim.accounts import AccountStore, demo_account
from navilink_sim.rest import RestFaults, create_rest_app

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

EMAIL = "demo@example.com"
PASSWORD = "demo-password"
UNAUTHORIZED = {"code": 401, "msg": "Unauthorized", "data": None}
AWS_KEYS = {"accessKeyId", "secretKey", "sessionToken", "authorizationExpiresIn"}
JWT_KEYS = {"idToken", "accessToken", "refreshToken", "authenticationExpiresIn"}


class Clock:
    """A manual clock."""

    def __init__(self) -> None:
        """Start at a fixed instant."""
        self.now = 1_000.0

    def __call__(self) -> float:
        """Return the current instant."""
        return self.now


@dataclass
class Api:
    """A running simulator and a raw HTTP client for it."""

    store: AccountStore
    faults: RestFaults
    clock: Clock
    session: aiohttp.ClientSession
    base: str

    async def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
    ) -> tuple[int, Any, aiohttp.ClientResponse]:
        """Send one request; return HTTP status, JSON body and the response."""
        async with self.session.request(
            method, self.base + path, json=body, headers=headers, params=params
        ) as resp:
            return resp.status, await resp.json(), resp

    async def sign_in(self) -> dict[str, Any]:
        """Sign in the demo account and return ``data``."""
        status, body, _ = await self.call(
            "POST", "/user/sign-in", {"userId": EMAIL, "password": PASSWORD}
        )
        assert status == 200
        data: dict[str, Any] = body["data"]
        return data


@pytest.fixture
async def api(socket_enabled: None) -> AsyncIterator[Api]:
    clock = Clock()
    store = AccountStore([demo_account()], aws_lifetime=5, clock=clock)
    faults = RestFaults()
    async with (
        TestServer(create_rest_app(store, faults), host="127.0.0.1") as server,
        aiohttp.ClientSession() as session,
    ):
        yield Api(store, faults, clock, session, str(server.make_url("/api/v2.1")))


def test_demo_account() -> None:
    account = demo_account()
    assert (account.email, account.password, account.user_seq) == (
        EMAIL,
        PASSWORD,
        10001,
    )
    (device,) = account.devices
    assert (device.mac, device.additional_value, device.name) == (
        "aabbccddeeff",
        "1234",
        "NWP500",
    )
    assert (device.device_type, device.home_seq, device.model_type_code) == (52, 1, 513)


def test_app_builds_without_running() -> None:
    app = create_rest_app(AccountStore([demo_account()]), RestFaults())
    paths = {r.resource.canonical for r in app.router.routes() if r.resource}
    assert "/api/v2.1/user/sign-in" in paths
    assert "/api/v2.1/device/tou" in paths


async def test_sign_in_shape(api: Api) -> None:
    status, body, _ = await api.call(
        "POST", "/user/sign-in", {"userId": EMAIL, "password": PASSWORD}
    )
    assert status == 200
    assert (body["code"], body["msg"]) == (200, "SUCCESS")
    data = body["data"]
    assert data["userInfo"]["userSeq"] == 10001
    assert data["userInfo"]["userType"] == "O"
    assert isinstance(data["legal"], list)
    token = data["token"]
    assert set(token) == JWT_KEYS | AWS_KEYS
    assert token["accessKeyId"].startswith("ASIA")
    assert token["authorizationExpiresIn"] == 5
    assert api.store.sign_in_count == 1


@pytest.mark.parametrize(
    "credentials",
    [
        {"userId": EMAIL, "password": "nope"},
        {"userId": "nobody@example.com", "password": PASSWORD},
    ],
)
async def test_invalid_credentials(api: Api, credentials: dict[str, str]) -> None:
    status, body, _ = await api.call("POST", "/user/sign-in", credentials)
    assert status == 401
    assert body == {"code": 401, "msg": "Invalid credentials", "data": None}


async def test_reject_passwords_fault(api: Api) -> None:
    api.faults.reject_passwords = True
    status, body, _ = await api.call(
        "POST", "/user/sign-in", {"userId": EMAIL, "password": PASSWORD}
    )
    assert (status, body["msg"]) == (401, "Invalid credentials")


async def test_refresh_returns_only_jwts_and_rotates(api: Api) -> None:
    token = (await api.sign_in())["token"]
    status, body, _ = await api.call(
        "POST", "/auth/refresh", {"refreshToken": token["refreshToken"]}
    )
    assert status == 200
    assert set(body["data"]) == JWT_KEYS
    assert body["data"]["refreshToken"] == token["refreshToken"]
    assert api.store.lookup_access_token(token["accessToken"]) is None
    assert api.store.lookup_access_token(body["data"]["accessToken"]) is not None
    status, body, _ = await api.call("POST", "/auth/refresh", {"refreshToken": "bad"})
    assert (status, body) == (401, UNAUTHORIZED)


async def test_session_refresh_returns_only_aws_keys(api: Api) -> None:
    token = (await api.sign_in())["token"]
    status, body, _ = await api.call(
        "POST",
        "/auth/session/refresh",
        {"userId": EMAIL},
        headers={"authorization": token["accessToken"]},
    )
    assert status == 200
    assert set(body["data"]) == AWS_KEYS
    assert body["data"]["accessKeyId"] != token["accessKeyId"]
    assert api.store.session_refresh_count == 1


async def test_secured_sign_in_shape(api: Api) -> None:
    token = (await api.sign_in())["token"]
    status, body, _ = await api.call(
        "POST",
        "/user/secured-sign-in",
        {"userId": EMAIL},
        headers={"authorization": token["accessToken"]},
    )
    assert status == 200
    assert set(body["data"]) == {"userInfo", "legal", "token"}
    assert set(body["data"]["token"]) == AWS_KEYS


@pytest.mark.parametrize(
    "make_headers",
    [
        lambda t: {},
        lambda t: {"Authorization": t},
        lambda t: {"authorization": f"Bearer {t}"},
        lambda t: {"authorization": "not-a-token"},
    ],
)
async def test_authorization_header_is_strict(api: Api, make_headers: Any) -> None:
    token = (await api.sign_in())["token"]["accessToken"]
    status, body, _ = await api.call(
        "POST",
        "/device/list",
        {"offset": 0, "count": 20, "userId": EMAIL},
        headers=make_headers(token),
    )
    assert (status, body) == (401, UNAUTHORIZED)


async def test_expired_access_token_is_refused(api: Api) -> None:
    token = (await api.sign_in())["token"]["accessToken"]
    api.faults.expire_access_tokens()
    status, body, _ = await api.call(
        "POST",
        "/device/list",
        {"offset": 0, "count": 20, "userId": EMAIL},
        headers={"authorization": token},
    )
    assert (status, body) == (401, UNAUTHORIZED)


async def test_other_users_id_is_forbidden(api: Api) -> None:
    token = (await api.sign_in())["token"]["accessToken"]
    status, body, _ = await api.call(
        "POST",
        "/device/list",
        {"offset": 0, "count": 20, "userId": "else@example.com"},
        headers={"authorization": token},
    )
    assert (status, body["code"]) == (403, 403)


async def test_device_endpoints_shapes(api: Api) -> None:
    headers = {"authorization": (await api.sign_in())["token"]["accessToken"]}
    _, body, _ = await api.call(
        "POST",
        "/device/list",
        {"offset": 0, "count": 20, "userId": EMAIL},
        headers=headers,
    )
    (entry,) = body["data"]
    assert entry["deviceInfo"] == {
        "homeSeq": 1,
        "macAddress": "aabbccddeeff",
        "additionalValue": "1234",
        "deviceType": 52,
        "deviceName": "NWP500",
        "connected": 2,
        "installType": "R",
        "modelTypeCode": 513,
        "installerId": None,
    }
    assert set(entry["location"]) == {"state", "city", "address"}

    ident = {"macAddress": "aabbccddeeff", "additionalValue": "1234", "userId": EMAIL}
    _, body, _ = await api.call("POST", "/device/info", ident, headers=headers)
    info = body["data"]
    assert "macAddress" not in info["deviceInfo"]
    assert "additionalValue" not in info["deviceInfo"]
    assert set(info["location"]) >= {"latitude", "longitude", "altitude"}
    assert set(info["alarmInfo"]) >= {"isEtcAlarm", "isErrorAlarm"}

    _, body, _ = await api.call("POST", "/device/firmware/info", ident, headers=headers)
    first = body["data"]["firmwares"][0]
    assert first["macAddress"] == "aabbccddeeff"
    assert first["curSwCode"] == 0x02000711

    status, body, _ = await api.call(
        "GET",
        "/device/tou",
        headers=headers,
        params=ident | {"controllerId": "C1", "userType": "O"},
    )
    assert status == 200
    assert body["data"]["touInfo"]["controllerId"] == "C1"
    assert body["data"]["touInfo"]["schedule"][0]["interval"][0]["decimalPoint"] == 5

    status, body, _ = await api.call(
        "POST", "/device/info", ident | {"additionalValue": "0"}, headers=headers
    )
    assert (status, body["code"], body["data"]) == (404, 404, None)


async def test_fail_next_and_counters(api: Api) -> None:
    api.faults.fail_next(429, count=2, retry_after=12)
    for _ in range(2):
        status, body, resp = await api.call(
            "POST", "/user/sign-in", {"userId": EMAIL, "password": PASSWORD}
        )
        assert (status, body["code"], body["data"]) == (429, 429, None)
        assert resp.headers["Retry-After"] == "12"
    api.faults.fail_next(502, path="/auth/refresh")
    await api.sign_in()  # not affected: the fault is for another path
    status, _, _ = await api.call("POST", "/auth/refresh", {"refreshToken": "x"})
    assert status == 502
    assert api.faults.count("/user/sign-in") == 3
    assert api.faults.count("/auth/refresh") == 1


async def test_aws_key_expiry(api: Api) -> None:
    key_id = (await api.sign_in())["token"]["accessKeyId"]
    issued = api.store.lookup_aws(key_id)
    assert issued is not None
    assert issued.email == EMAIL
    api.clock.now += 6  # aws_lifetime is 5 s
    assert api.store.lookup_aws(key_id) is None
    assert api.store.lookup_aws("ASIAUNKNOWN") is None


async def test_expire_all_credentials(api: Api) -> None:
    key_id = (await api.sign_in())["token"]["accessKeyId"]
    api.store.expire_all_credentials()
    assert api.store.lookup_aws(key_id) is None
    new_id = (await api.sign_in())["token"]["accessKeyId"]
    assert api.store.lookup_aws(new_id) is not None
