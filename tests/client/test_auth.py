"""NaviLinkAuth against the simulated REST API over real loopback sockets."""

import asyncio
from dataclasses import dataclass
import logging
import socket
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer
import pytest

from custom_components.navien_nwp500.navilink.cloud.auth import NaviLinkAuth
from custom_components.navien_nwp500.navilink.cloud.endpoints import Endpoints
from custom_components.navien_nwp500.navilink.cloud.errors import (
    CannotConnectError,
    InvalidCredentialsError,
    UnexpectedResponseError,
)
from navilink_sim.accounts import AccountStore, demo_account
from navilink_sim.rest import RestFaults, create_rest_app

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

EMAIL = "demo@example.com"
PASSWORD = "demo-password"
SESSION_REFRESH = "/auth/session/refresh"
SECURED = "/user/secured-sign-in"


class FakeClock:
    """A settable clock shared by the simulator and the client."""

    def __init__(self) -> None:
        """Start at a fixed instant."""
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        """Return the current instant."""
        return self.now

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        self.now += seconds


@dataclass
class Sim:
    """A running simulator, its clock and a client session."""

    store: AccountStore
    faults: RestFaults
    clock: FakeClock
    session: aiohttp.ClientSession
    endpoints: Endpoints

    def auth(self, password: str = PASSWORD, **kwargs: Any) -> NaviLinkAuth:
        """Build a client for the demo account."""
        return NaviLinkAuth(
            self.session,
            EMAIL,
            password,
            endpoints=self.endpoints,
            clock=self.clock,
            **kwargs,
        )


@pytest.fixture
async def sim(socket_enabled: None) -> AsyncIterator[Sim]:
    clock = FakeClock()
    store = AccountStore([demo_account()], aws_lifetime=600, clock=clock)
    faults = RestFaults()
    server = TestServer(create_rest_app(store, faults), host="127.0.0.1")
    await server.start_server()
    endpoints = Endpoints(api_base_url=str(server.make_url("/api/v2.1")))
    try:
        async with aiohttp.ClientSession() as session:
            yield Sim(store, faults, clock, session, endpoints)
    finally:
        faults.delay = 0
        await server.close()


# --------------------------------------------------------------------- sign-in


async def test_sign_in_stores_tokens_keys_and_user(sim: Sim) -> None:
    auth = sim.auth()
    assert auth.aws_credentials is None
    assert auth.tokens is None
    await auth.sign_in()
    assert auth.user_seq == 10001
    assert auth.user_type == "O"
    aws = auth.aws_credentials
    assert aws is not None
    assert aws.access_key_id.startswith("ASIA")
    assert aws.expires_at == sim.clock.now + 600
    issued = sim.store.lookup_aws(aws.access_key_id)
    assert issued is not None
    assert issued.secret_key == aws.secret_key
    assert issued.session_token == aws.session_token
    tokens = auth.tokens
    assert tokens is not None
    assert tokens.expires_at == sim.clock.now + 3600
    assert sim.store.lookup_access_token(tokens.access_token) is not None
    assert sim.faults.count("/user/sign-in") == 1


async def test_first_call_signs_in(sim: Sim) -> None:
    auth = sim.auth()
    aws = await auth.async_aws_credentials()
    assert aws is auth.aws_credentials
    assert sim.store.sign_in_count == 1


async def test_wrong_password_is_invalid_credentials(sim: Sim) -> None:
    with pytest.raises(InvalidCredentialsError):
        await sim.auth("wrong").sign_in()


async def test_rejected_password_is_invalid_credentials(sim: Sim) -> None:
    sim.faults.reject_passwords = True
    with pytest.raises(InvalidCredentialsError):
        await sim.auth().async_ensure_tokens()


async def test_server_error_is_cannot_connect(sim: Sim) -> None:
    sim.faults.fail_next(503)
    auth = sim.auth()
    with pytest.raises(CannotConnectError) as info:
        await auth.sign_in()
    assert info.value.retry_after is None
    await auth.sign_in()  # the fault was one-shot
    assert auth.user_seq == 10001


async def test_rate_limit_carries_retry_after(sim: Sim) -> None:
    sim.faults.fail_next(429, retry_after=7)
    with pytest.raises(CannotConnectError) as info:
        await sim.auth().sign_in()
    assert info.value.retry_after == 7.0


async def test_timeout_is_cannot_connect(sim: Sim) -> None:
    sim.faults.delay = 600.0  # the server would answer only after ten minutes
    auth = sim.auth(request_timeout=0.1)
    async with asyncio.timeout(30.0):  # so the client's own timeout ended it
        with pytest.raises(CannotConnectError):
            await auth.sign_in()


async def test_connection_refused_is_cannot_connect(socket_enabled: None) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with aiohttp.ClientSession() as session:
        auth = NaviLinkAuth(
            session,
            EMAIL,
            PASSWORD,
            endpoints=Endpoints(api_base_url=f"http://127.0.0.1:{port}/api/v2.1"),
        )
        with pytest.raises(CannotConnectError):
            await auth.sign_in()


async def test_non_json_error_page_is_unexpected(sim: Sim) -> None:
    auth = NaviLinkAuth(
        sim.session,
        EMAIL,
        PASSWORD,
        endpoints=Endpoints(api_base_url=sim.endpoints.api_base_url + "/nowhere"),
    )
    with pytest.raises(UnexpectedResponseError):
        await auth.sign_in()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("this is not json", "text/plain"),
        ('{"code": 200, "msg": "SUCCESS", "data": {"token": {}}}', "application/json"),
        ('{"code": 200, "msg": "SUCCESS", "data": null}', "application/json"),
        ('["not", "an", "envelope"]', "application/json"),
    ],
)
async def test_unreadable_sign_in_answer(
    socket_enabled: None, body: str, content_type: str
) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(text=body, content_type=content_type)

    app = web.Application()
    app.router.add_post("/api/v2.1/user/sign-in", handler)
    async with (
        TestServer(app, host="127.0.0.1") as server,
        aiohttp.ClientSession() as session,
    ):
        auth = NaviLinkAuth(
            session,
            EMAIL,
            PASSWORD,
            endpoints=Endpoints(api_base_url=str(server.make_url("/api/v2.1"))),
        )
        with pytest.raises(UnexpectedResponseError):
            await auth.sign_in()


async def test_sign_in_accepts_tokens_key_and_no_aws_lifetime(
    socket_enabled: None,
) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.json_response(
            {
                "code": 200,
                "msg": "SUCCESS",
                "data": {
                    "userInfo": {"userSeq": 42, "userType": "M"},
                    "tokens": {
                        "idToken": "id",
                        "accessToken": "acc",
                        "refreshToken": "ref",
                        "authenticationExpiresIn": 3600,
                        "accessKeyId": "ASIAX",
                        "secretKey": "sec",
                        "sessionToken": "ses",
                    },
                },
            }
        )

    app = web.Application()
    app.router.add_post("/api/v2.1/user/sign-in", handler)
    async with (
        TestServer(app, host="127.0.0.1") as server,
        aiohttp.ClientSession() as session,
    ):
        auth = NaviLinkAuth(
            session,
            EMAIL,
            PASSWORD,
            endpoints=Endpoints(api_base_url=str(server.make_url("/api/v2.1"))),
        )
        await auth.sign_in()
        assert auth.user_seq == 42
        assert auth.user_type == "M"
        assert auth.aws_credentials is not None
        assert auth.aws_credentials.expires_at == float("inf")
        # Keys that never expire are never renewed.
        assert await auth.async_aws_credentials() is auth.aws_credentials


async def test_sign_in_without_aws_keys_is_unexpected(socket_enabled: None) -> None:
    calls: list[str] = []

    async def handler(request: web.Request) -> web.Response:
        calls.append(request.path)
        token = {"idToken": "i", "accessToken": "a", "refreshToken": "r"}
        return web.json_response(
            {"code": 200, "msg": "SUCCESS", "data": {"token": token}}
        )

    app = web.Application()
    app.router.add_post("/api/user/sign-in", handler)
    async with (
        TestServer(app, host="127.0.0.1") as server,
        aiohttp.ClientSession() as session,
    ):
        auth = NaviLinkAuth(
            session,
            EMAIL,
            PASSWORD,
            endpoints=Endpoints(api_base_url=str(server.make_url("/api"))),
        )
        with pytest.raises(UnexpectedResponseError):
            await auth.async_aws_credentials()
    # Sign-in, then the two password-less endpoints (404 here), then the password.
    assert calls == ["/api/user/sign-in", "/api/user/sign-in"]
    assert auth.aws_credentials is None


# ------------------------------------------------------------- token refresh


async def test_jwt_refreshed_near_expiry(sim: Sim) -> None:
    auth = sim.auth()
    await auth.sign_in()
    first = auth.tokens
    aws = auth.aws_credentials
    assert first is not None
    sim.clock.advance(3000)  # 10 min left: no refresh yet
    assert await auth.async_ensure_tokens() is first
    assert sim.store.refresh_count == 0
    sim.clock.advance(400)  # under 5 min left
    tokens = await auth.async_ensure_tokens()
    assert tokens.access_token != first.access_token
    assert tokens.refresh_token == first.refresh_token
    assert tokens.expires_at == sim.clock.now + 3600
    assert sim.store.refresh_count == 1
    assert sim.store.sign_in_count == 1
    assert auth.aws_credentials is aws  # /auth/refresh brings no AWS keys


async def test_refused_refresh_falls_back_to_password(sim: Sim) -> None:
    auth = sim.auth()
    await auth.sign_in()
    sim.store.revoke_refresh_tokens()
    sim.clock.advance(3500)
    tokens = await auth.async_ensure_tokens()
    assert sim.store.refresh_count == 1
    assert sim.store.sign_in_count == 2
    assert sim.store.lookup_access_token(tokens.access_token) is not None


async def test_refresh_network_error_does_not_use_password(sim: Sim) -> None:
    auth = sim.auth()
    await auth.sign_in()
    sim.clock.advance(3500)
    sim.faults.fail_next(429, path="/auth/refresh")
    with pytest.raises(CannotConnectError):
        await auth.async_ensure_tokens()
    assert sim.store.sign_in_count == 1


# ------------------------------------------------------------ AWS renewal


async def test_aws_keys_renewed_by_session_refresh(sim: Sim) -> None:
    sim.faults.reject_passwords = False
    auth = sim.auth()
    await auth.sign_in()
    old = auth.aws_credentials
    assert old is not None
    sim.clock.advance(250)  # 350 s left: still fine
    assert await auth.async_aws_credentials() is old
    sim.clock.advance(100)  # 250 s left: renew
    sim.faults.reject_passwords = True  # the password must not be needed
    new = await auth.async_aws_credentials()
    assert new.access_key_id != old.access_key_id
    assert new.expires_at == sim.clock.now + 600
    assert sim.store.lookup_aws(new.access_key_id) is not None
    assert sim.faults.count(SESSION_REFRESH) == 1
    assert sim.faults.count(SECURED) == 0
    assert sim.store.sign_in_count == 1
    assert sim.store.refresh_count == 0


async def test_expired_jwt_refreshed_before_session_refresh(sim: Sim) -> None:
    sim.store.jwt_lifetime = 600
    auth = sim.auth()
    await auth.sign_in()
    sim.faults.reject_passwords = True
    sim.clock.advance(700)  # both the JWT and the keys have expired
    new = await auth.async_aws_credentials()
    assert sim.store.lookup_aws(new.access_key_id) is not None
    assert sim.store.refresh_count == 1
    assert sim.faults.count(SESSION_REFRESH) == 1
    assert sim.store.sign_in_count == 1


async def test_force_renew_after_gateway_refused_keys(sim: Sim) -> None:
    auth = sim.auth()
    old = await auth.async_aws_credentials()
    sim.store.expire_all_credentials()  # the gateway now refuses the old keys
    assert sim.store.lookup_aws(old.access_key_id) is None
    # Locally the keys still look valid, so only force_renew renews them.
    assert await auth.async_aws_credentials() is old
    new = await auth.async_aws_credentials(force_renew=True)
    assert new.access_key_id != old.access_key_id
    assert sim.store.lookup_aws(new.access_key_id) is not None
    assert sim.faults.count(SESSION_REFRESH) == 1
    assert sim.store.sign_in_count == 1


async def test_session_refresh_refused_uses_secured_sign_in(sim: Sim) -> None:
    auth = sim.auth()
    await auth.sign_in()
    tokens = auth.tokens
    sim.faults.reject_passwords = True
    sim.faults.fail_next(404, path=SESSION_REFRESH)
    new = await auth.async_aws_credentials(force_renew=True)
    assert sim.store.lookup_aws(new.access_key_id) is not None
    assert sim.faults.count(SESSION_REFRESH) == 1
    assert sim.store.secured_sign_in_count == 1
    assert sim.store.sign_in_count == 1
    assert auth.tokens is tokens  # secured sign-in returned only AWS keys


async def test_server_error_on_session_refresh_tries_next_step(sim: Sim) -> None:
    auth = sim.auth()
    await auth.sign_in()
    sim.faults.fail_next(500, path=SESSION_REFRESH)
    await auth.async_aws_credentials(force_renew=True)
    assert sim.store.secured_sign_in_count == 1


async def test_password_is_the_last_resort(sim: Sim) -> None:
    auth = sim.auth()
    await auth.sign_in()
    sim.faults.fail_next(403, path=SESSION_REFRESH)
    sim.faults.fail_next(401, path=SECURED)
    new = await auth.async_aws_credentials(force_renew=True)
    assert sim.store.lookup_aws(new.access_key_id) is not None
    assert sim.faults.count(SESSION_REFRESH) == 1
    assert sim.faults.count(SECURED) == 1
    assert sim.store.sign_in_count == 2


async def test_all_renewals_refused_raises_invalid_credentials(sim: Sim) -> None:
    auth = sim.auth()
    await auth.sign_in()
    sim.faults.fail_next(403, path=SESSION_REFRESH)
    sim.faults.fail_next(403, path=SECURED)
    sim.faults.reject_passwords = True
    with pytest.raises(InvalidCredentialsError):
        await auth.async_aws_credentials(force_renew=True)


async def test_rate_limited_renewal_stops_at_once(sim: Sim) -> None:
    auth = sim.auth()
    await auth.sign_in()
    sim.faults.fail_next(429, retry_after=30, path=SESSION_REFRESH)
    with pytest.raises(CannotConnectError) as info:
        await auth.async_aws_credentials(force_renew=True)
    assert info.value.retry_after == 30.0
    assert sim.faults.count(SECURED) == 0
    assert sim.store.sign_in_count == 1


# --------------------------------------------------------------- concurrency


async def test_concurrent_renewals_collapse_into_one_request(sim: Sim) -> None:
    auth = sim.auth()
    await auth.sign_in()
    sim.clock.advance(400)
    sim.faults.delay = 0.05  # keep the winner's request in flight
    results = await asyncio.gather(*(auth.async_aws_credentials() for _ in range(10)))
    assert sim.faults.count(SESSION_REFRESH) == 1
    assert len({r.access_key_id for r in results}) == 1
    assert results[0] is auth.aws_credentials


async def test_concurrent_force_renew_collapses(sim: Sim) -> None:
    auth = sim.auth()
    await auth.sign_in()
    sim.faults.delay = 0.05
    results = await asyncio.gather(
        *(auth.async_aws_credentials(force_renew=True) for _ in range(10))
    )
    assert sim.faults.count(SESSION_REFRESH) == 1
    assert len({r.access_key_id for r in results}) == 1


async def test_concurrent_first_calls_sign_in_once(sim: Sim) -> None:
    auth = sim.auth()
    results = await asyncio.gather(
        *(auth.async_aws_credentials() for _ in range(5)),
        *(auth.async_ensure_tokens() for _ in range(5)),
    )
    assert sim.store.sign_in_count == 1
    assert len({id(r) for r in results}) == 2


async def test_concurrent_token_refreshes_collapse(sim: Sim) -> None:
    auth = sim.auth()
    await auth.sign_in()
    sim.clock.advance(3500)
    sim.faults.delay = 0.05
    results = await asyncio.gather(*(auth.async_ensure_tokens() for _ in range(10)))
    assert sim.store.refresh_count == 1
    assert len({r.access_token for r in results}) == 1
    # Rotation revoked the old token, the one handed out is live.
    assert sim.store.lookup_access_token(results[0].access_token) is not None


# ------------------------------------------------------------ authorized calls


async def test_request_returns_data(sim: Sim) -> None:
    auth = sim.auth()
    data = await auth.request(
        "POST", "/device/list", json={"offset": 0, "count": 20, "userId": EMAIL}
    )
    assert isinstance(data, list)
    assert data[0]["deviceInfo"]["macAddress"] == "aabbccddeeff"


async def test_401_refreshes_once_and_retries_once(sim: Sim) -> None:
    auth = sim.auth()
    await auth.sign_in()
    sim.faults.expire_access_tokens()  # the server forgets; the client still trusts it
    body = {"offset": 0, "count": 20, "userId": EMAIL}
    data = await auth.request("POST", "/device/list", json=body)
    assert len(data) == 1
    assert sim.faults.count("/device/list") == 2
    assert sim.store.refresh_count == 1
    assert sim.store.sign_in_count == 1


async def test_persistent_401_fails_after_one_retry(sim: Sim) -> None:
    auth = sim.auth()
    await auth.sign_in()
    sim.faults.fail_next(401, count=5, path="/device/list")
    with pytest.raises(UnexpectedResponseError):
        await auth.request(
            "POST", "/device/list", json={"offset": 0, "count": 20, "userId": EMAIL}
        )
    assert sim.faults.count("/device/list") == 2
    assert sim.store.refresh_count == 1


async def test_request_error_envelope_is_unexpected(sim: Sim) -> None:
    auth = sim.auth()
    with pytest.raises(UnexpectedResponseError):
        await auth.request(
            "POST",
            "/device/info",
            json={
                "macAddress": "000000000000",
                "additionalValue": "1",
                "userId": EMAIL,
            },
        )
    assert sim.store.refresh_count == 0


# -------------------------------------------------------------------- secrets


async def test_secrets_never_logged(sim: Sim, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    auth = sim.auth()
    await auth.sign_in()
    secrets: set[str] = {PASSWORD}

    def collect() -> None:
        assert auth.tokens is not None
        assert auth.aws_credentials is not None
        secrets.update(
            {
                auth.tokens.access_token,
                auth.tokens.id_token,
                auth.tokens.refresh_token,
                auth.aws_credentials.secret_key,
                auth.aws_credentials.session_token,
            }
        )

    collect()
    sim.clock.advance(3500)
    await auth.async_ensure_tokens()  # refresh
    collect()
    await auth.async_aws_credentials(force_renew=True)  # session refresh
    collect()
    sim.faults.fail_next(403, path=SESSION_REFRESH)
    sim.faults.fail_next(403, path=SECURED)
    await auth.async_aws_credentials(force_renew=True)  # password fallback
    collect()
    sim.faults.expire_access_tokens()
    await auth.request(
        "POST", "/device/list", json={"offset": 0, "count": 20, "userId": EMAIL}
    )
    collect()
    with pytest.raises(InvalidCredentialsError) as info:
        await sim.auth("wrong-password-123").sign_in()
    secrets.add("wrong-password-123")

    assert "Signing in" in caplog.text  # debug logging is on
    logged = caplog.text + str(info.value) + repr(auth.tokens)
    logged += repr(auth.aws_credentials)
    for secret in secrets:
        assert secret not in logged
