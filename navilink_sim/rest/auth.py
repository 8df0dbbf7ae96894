"""The REST API's sign-in and token routes: JWT and AWS keys issued and renewed."""

from typing import TYPE_CHECKING, Any

from aiohttp import web

from .replies import API_PREFIX, authorized, body_of, envelope, error, unauthorized

if TYPE_CHECKING:
    from navilink_sim.accounts import AccountStore, IssuedAws, IssuedJwt, SimAccount

    from .faults import RestFaults


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


def add_auth_routes(
    app: web.Application, store: AccountStore, faults: RestFaults
) -> None:
    """Serve sign-in, token refresh, AWS key renewal and the secured sign-in."""

    async def sign_in(request: web.Request) -> web.Response:
        body = await body_of(request)
        if body is None:
            return error(400)
        user_id, password = body.get("userId"), body.get("password")
        if not isinstance(user_id, str) or not isinstance(password, str):
            return error(400)
        store.sign_in_count += 1
        account = store.check_password(user_id, password)
        if account is None or faults.reject_passwords:
            return error(401, "Invalid credentials")
        jwt = store.issue_jwt(account.email)
        aws = store.issue_aws(account.email)
        token = _jwt_fields(jwt, store.jwt_lifetime) | _aws_fields(
            aws, store.aws_lifetime
        )
        return envelope(
            {"userInfo": _user_info(account), "legal": _legal(), "token": token}
        )

    async def refresh(request: web.Request) -> web.Response:
        body = await body_of(request)
        refresh_token = body.get("refreshToken") if body else None
        if not isinstance(refresh_token, str):
            return error(400)
        store.refresh_count += 1
        jwt = store.refresh_jwt(refresh_token)
        if jwt is None:
            return unauthorized()
        return envelope(_jwt_fields(jwt, store.jwt_lifetime))

    async def session_refresh(request: web.Request) -> web.Response:
        result = await authorized(store, request)
        if isinstance(result, web.Response):
            return result
        account, _ = result
        store.session_refresh_count += 1
        aws = store.issue_aws(account.email)
        return envelope(_aws_fields(aws, store.aws_lifetime))

    async def secured_sign_in(request: web.Request) -> web.Response:
        result = await authorized(store, request)
        if isinstance(result, web.Response):
            return result
        account, _ = result
        store.secured_sign_in_count += 1
        aws = store.issue_aws(account.email)
        return envelope(
            {
                "userInfo": _user_info(account),
                "legal": _legal(),
                "token": _aws_fields(aws, store.aws_lifetime),
            }
        )

    app.router.add_post(f"{API_PREFIX}/user/sign-in", sign_in)
    app.router.add_post(f"{API_PREFIX}/auth/refresh", refresh)
    app.router.add_post(f"{API_PREFIX}/auth/session/refresh", session_refresh)
    app.router.add_post(f"{API_PREFIX}/user/secured-sign-in", secured_sign_in)
