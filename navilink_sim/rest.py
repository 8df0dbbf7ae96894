"""An aiohttp app that answers like the NaviLink REST API (``/api/v2.1``)."""

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from aiohttp import web

if TYPE_CHECKING:
    from .accounts import AccountStore, IssuedAws, IssuedJwt, SimAccount, SimDevice

API_PREFIX: Final = "/api/v2.1"

_MESSAGES: Final = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    429: "Too many requests",
    500: "Internal server error",
    502: "Bad gateway",
    503: "Service unavailable",
    504: "Gateway timeout",
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class _Failure:
    status: int
    remaining: int
    retry_after: float | None
    path: str | None


@dataclass
class RestFaults:
    """Fault injection for the REST app; tests change it while the app runs."""

    delay: float = 0.0
    """Seconds to wait before answering any request (to provoke client timeouts)."""
    reject_passwords: bool = False
    """Refuse every password sign-in as invalid credentials, even a correct one."""
    requests: Counter[str] = field(default_factory=Counter)
    """Requests received per path (without the ``/api/v2.1`` prefix)."""
    store: AccountStore | None = None
    """Bound by ``create_rest_app``; used by ``expire_access_tokens``."""
    _failures: list[_Failure] = field(default_factory=list)

    def fail_next(
        self,
        status: int,
        count: int = 1,
        retry_after: float | None = None,
        *,
        path: str | None = None,
    ) -> None:
        """Answer the next ``count`` requests (to ``path`` only, if given) with ``status``.

        ``retry_after`` adds a ``Retry-After`` header (for 429).
        """
        self._failures.append(_Failure(status, count, retry_after, path))

    def take_failure(self, path: str) -> _Failure | None:
        """Consume one pending failure that applies to ``path``, if any."""
        for failure in self._failures:
            if failure.path is None or failure.path == path:
                failure.remaining -= 1
                if failure.remaining <= 0:
                    self._failures.remove(failure)
                return failure
        return None

    def expire_access_tokens(self) -> None:
        """Expire every access token issued so far (API calls then answer 401)."""
        if self.store is None:
            raise RuntimeError("RestFaults is not bound to an app yet")
        self.store.expire_all_tokens()

    def count(self, path: str) -> int:
        """How many requests reached ``path`` (e.g. ``"/auth/refresh"``)."""
        return self.requests[path]


def _envelope(
    data: Any = None,
    *,
    code: int = 200,
    msg: str = "SUCCESS",
    headers: Mapping[str, str] | None = None,
) -> web.Response:
    status = 200 if code == 200 else code
    return web.json_response(
        {"code": code, "msg": msg, "data": data}, status=status, headers=headers
    )


def _error(code: int, msg: str | None = None) -> web.Response:
    return _envelope(None, code=code, msg=msg or _MESSAGES.get(code, "Error"))


def _unauthorized() -> web.Response:
    return _error(401, "Unauthorized")


def _jwt_fields(jwt: IssuedJwt, lifetime: float) -> dict[str, Any]:
    return {
        "idToken": jwt.id_token,
        "accessToken": jwt.access_token,
        "refreshToken": jwt.refresh_token,
        "authenticationExpiresIn": int(lifetime),
    }


def _aws_fields(aws: IssuedAws, lifetime: float) -> dict[str, Any]:
    return {
        "accessKeyId": aws.access_key_id,
        "secretKey": aws.secret_key,
        "sessionToken": aws.session_token,
        "authorizationExpiresIn": int(lifetime),
    }


def _user_info(account: SimAccount) -> dict[str, Any]:
    return {
        "userType": account.user_type,
        "userFirstName": account.first_name,
        "userLastName": account.last_name,
        "userStatus": "NORMAL",
        "userSeq": account.user_seq,
    }


def _legal() -> list[dict[str, Any]]:
    return [
        {
            "legalType": kind,
            "userVersion": "1.0",
            "userAgree": "Y",
            "version": "1.0",
            "agreement": "Y",
            "mandatory": "Y",
            "reagree": "N",
            "url": "https://example.invalid/legal",
            "description": "",
            "language": "en",
            "revisionAt": 1_700_000_000_000,
        }
        for kind in ("pp", "tc")
    ]


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


def create_rest_app(store: AccountStore, faults: RestFaults) -> web.Application:
    """Build the app; nothing runs until the caller serves it."""
    faults.store = store

    @web.middleware
    async def fault_middleware(
        request: web.Request, handler: Handler
    ) -> web.StreamResponse:
        path = request.path.removeprefix(API_PREFIX)
        faults.requests[path] += 1
        if faults.delay > 0:
            await asyncio.sleep(faults.delay)
        failure = faults.take_failure(path)
        if failure is not None:
            headers = (
                {"Retry-After": f"{failure.retry_after:g}"}
                if failure.retry_after is not None
                else None
            )
            return _envelope(
                None,
                code=failure.status,
                msg=_MESSAGES.get(failure.status, "Error"),
                headers=headers,
            )
        return await handler(request)

    async def body_of(request: web.Request) -> dict[str, Any] | None:
        try:
            body = await request.json()
        except ValueError:
            return None
        return body if isinstance(body, dict) else None

    def access_jwt(request: web.Request) -> IssuedJwt | None:
        """Return the caller's JWT from the raw, lowercase ``authorization`` header."""
        values = [v for k, v in request.raw_headers if k == b"authorization"]
        if len(values) != 1:
            return None
        token = values[0].decode("latin-1")
        if token.lower().startswith("bearer "):
            return None
        return store.lookup_access_token(token)

    async def authorized(
        request: web.Request, *, from_query: bool = False
    ) -> tuple[SimAccount, dict[str, Any]] | web.Response:
        jwt = access_jwt(request)
        if jwt is None:
            return _unauthorized()
        if from_query:
            body: dict[str, Any] | None = dict(request.query)
        else:
            body = await body_of(request)
        if body is None:
            return _error(400)
        account = store.account(jwt.email)
        user_id = body.get("userId")
        if account is None or not isinstance(user_id, str):
            return _error(400)
        if user_id.lower() != account.email.lower():
            return _error(403)
        return account, body

    async def sign_in(request: web.Request) -> web.Response:
        body = await body_of(request)
        if body is None:
            return _error(400)
        user_id, password = body.get("userId"), body.get("password")
        if not isinstance(user_id, str) or not isinstance(password, str):
            return _error(400)
        store.sign_in_count += 1
        account = store.check_password(user_id, password)
        if account is None or faults.reject_passwords:
            return _error(401, "Invalid credentials")
        jwt = store.issue_jwt(account.email)
        aws = store.issue_aws(account.email)
        token = _jwt_fields(jwt, store.jwt_lifetime) | _aws_fields(
            aws, store.aws_lifetime
        )
        return _envelope(
            {"userInfo": _user_info(account), "legal": _legal(), "token": token}
        )

    async def refresh(request: web.Request) -> web.Response:
        body = await body_of(request)
        refresh_token = body.get("refreshToken") if body else None
        if not isinstance(refresh_token, str):
            return _error(400)
        store.refresh_count += 1
        jwt = store.refresh_jwt(refresh_token)
        if jwt is None:
            return _unauthorized()
        return _envelope(_jwt_fields(jwt, store.jwt_lifetime))

    async def session_refresh(request: web.Request) -> web.Response:
        result = await authorized(request)
        if isinstance(result, web.Response):
            return result
        account, _ = result
        store.session_refresh_count += 1
        aws = store.issue_aws(account.email)
        return _envelope(_aws_fields(aws, store.aws_lifetime))

    async def secured_sign_in(request: web.Request) -> web.Response:
        result = await authorized(request)
        if isinstance(result, web.Response):
            return result
        account, _ = result
        store.secured_sign_in_count += 1
        aws = store.issue_aws(account.email)
        return _envelope(
            {
                "userInfo": _user_info(account),
                "legal": _legal(),
                "token": _aws_fields(aws, store.aws_lifetime),
            }
        )

    async def device_list(request: web.Request) -> web.Response:
        result = await authorized(request)
        if isinstance(result, web.Response):
            return result
        account, body = result
        offset, count = body.get("offset", 0), body.get("count", 20)
        if not isinstance(offset, int) or not isinstance(count, int) or offset < 0:
            return _error(400)
        count = max(0, min(count, 20))
        devices = account.devices[offset : offset + count]
        return _envelope([_list_entry(d) for d in devices])

    async def device_of(
        request: web.Request, *, from_query: bool = False
    ) -> tuple[SimDevice, dict[str, Any]] | web.Response:
        result = await authorized(request, from_query=from_query)
        if isinstance(result, web.Response):
            return result
        account, body = result
        mac, additional = body.get("macAddress"), body.get("additionalValue")
        if not isinstance(mac, str) or not isinstance(additional, str):
            return _error(400)
        device = store.find_device(account, mac, additional)
        if device is None:
            return _error(404)
        return device, body

    async def device_info(request: web.Request) -> web.Response:
        result = await device_of(request)
        if isinstance(result, web.Response):
            return result
        return _envelope(_info(result[0]))

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
        return _envelope({"firmwares": firmwares})

    async def tou(request: web.Request) -> web.Response:
        result = await device_of(request, from_query=True)
        if isinstance(result, web.Response):
            return result
        device, query = result
        controller_id = query.get("controllerId")
        if not isinstance(controller_id, str) or not controller_id:
            return _error(400)
        tou_info = (
            dict(device.tou) if device.tou is not None else _default_tou(controller_id)
        )
        return _envelope(
            {"registerPath": "wifi", "sourceType": "openei", "touInfo": tou_info}
        )

    app = web.Application(middlewares=[fault_middleware])
    app.router.add_post(f"{API_PREFIX}/user/sign-in", sign_in)
    app.router.add_post(f"{API_PREFIX}/auth/refresh", refresh)
    app.router.add_post(f"{API_PREFIX}/auth/session/refresh", session_refresh)
    app.router.add_post(f"{API_PREFIX}/user/secured-sign-in", secured_sign_in)
    app.router.add_post(f"{API_PREFIX}/device/list", device_list)
    app.router.add_post(f"{API_PREFIX}/device/info", device_info)
    app.router.add_post(f"{API_PREFIX}/device/firmware/info", firmware_info)
    app.router.add_get(f"{API_PREFIX}/device/tou", tou)
    return app
