"""The REST API's answer envelope and the checks every authorized call shares."""

from typing import TYPE_CHECKING, Any, Final

from aiohttp import web

if TYPE_CHECKING:
    from collections.abc import Mapping

    from navilink_sim.accounts import AccountStore, IssuedJwt, SimAccount

API_PREFIX: Final = "/api/v2.1"

MESSAGES: Final = {
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


def envelope(
    data: Any = None,
    *,
    code: int = 200,
    msg: str = "SUCCESS",
    headers: Mapping[str, str] | None = None,
) -> web.Response:
    """Answer in the API's ``{code, msg, data}`` envelope (the HTTP status follows ``code``)."""
    status = 200 if code == 200 else code
    return web.json_response(
        {"code": code, "msg": msg, "data": data}, status=status, headers=headers
    )


def error(code: int, msg: str | None = None) -> web.Response:
    """Answer an error ``code`` with its usual message unless told otherwise."""
    return envelope(None, code=code, msg=msg or MESSAGES.get(code, "Error"))


def unauthorized() -> web.Response:
    """Answer 401, as for a missing, unknown or expired access token."""
    return error(401, "Unauthorized")


async def body_of(request: web.Request) -> dict[str, Any] | None:
    """Return the JSON object body, or None when it is not one."""
    try:
        body = await request.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def access_jwt(store: AccountStore, request: web.Request) -> IssuedJwt | None:
    """Return the caller's JWT from the raw, lowercase ``authorization`` header."""
    values = [v for k, v in request.raw_headers if k == b"authorization"]
    if len(values) != 1:
        return None
    token = values[0].decode("latin-1")
    if token.lower().startswith("bearer "):
        return None
    return store.lookup_access_token(token)


async def authorized(
    store: AccountStore, request: web.Request, *, from_query: bool = False
) -> tuple[SimAccount, dict[str, Any]] | web.Response:
    """Return the caller's account and its request fields, or the refusal to answer."""
    jwt = access_jwt(store, request)
    if jwt is None:
        return unauthorized()
    if from_query:
        body: dict[str, Any] | None = dict(request.query)
    else:
        body = await body_of(request)
    if body is None:
        return error(400)
    account = store.account(jwt.email)
    user_id = body.get("userId")
    if account is None or not isinstance(user_id, str):
        return error(400)
    if user_id.lower() != account.email.lower():
        return error(403)
    return account, body
