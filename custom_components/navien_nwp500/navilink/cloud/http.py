"""One REST call to the NaviLink cloud and the envelope around its answer.

The cloud wraps every answer as ``{"code": ..., "msg": ..., "data": ...}``; this
module turns HTTP and envelope failures into the client's errors.
"""

from collections.abc import Mapping
import json as jsonlib
import logging
import math
from typing import Any, Final

import aiohttp

from ..codec import NaviLinkError
from .errors import CannotConnectError, UnexpectedResponseError

_LOGGER = logging.getLogger(__name__)

USER_AGENT: Final = "navien-nwp500-ha"


class RejectedError(NaviLinkError):
    """The server answered but refused the request (non-200 code, 4xx other than 429)."""

    def __init__(self, path: str, status: int, code: int | None, msg: str) -> None:
        """Keep what the server said, for the caller's fallback decisions."""
        super().__init__(f"{path} refused: HTTP {status}, code {code}, {msg!r}")
        self.path = path
        self.status = status
        self.code = code
        self.msg = msg

    @property
    def unauthorized(self) -> bool:
        """Whether the refusal says the access token is not accepted."""
        return self.status == 401 or self.code == 401


class ServerError(CannotConnectError):
    """HTTP 5xx (or a 5xx envelope code): another endpoint may still work."""


def stops_fallback(err: CannotConnectError) -> bool:
    """Whether trying another endpoint right away is pointless (network down, 429)."""
    return not isinstance(err, ServerError)


async def call(
    session: aiohttp.ClientSession,
    base_url: str,
    client_timeout: aiohttp.ClientTimeout,
    method: str,
    path: str,
    *,
    json: Any = None,
    params: Mapping[str, str] | None = None,
    token: str | None = None,
) -> Any:
    """Send one request and return ``data`` of a successful envelope."""
    headers = {"User-Agent": USER_AGENT}
    if token is not None:
        headers["authorization"] = token
    url = base_url + path
    try:
        async with session.request(
            method,
            url,
            json=json,
            params=params,
            headers=headers,
            timeout=client_timeout,
        ) as resp:
            status = resp.status
            retry_after = _retry_after(resp.headers.get("Retry-After"))
            raw = await resp.read()
    except TimeoutError as err:
        _LOGGER.debug("%s %s timed out", method, path)
        raise CannotConnectError(f"{path}: request timed out") from err
    except aiohttp.ClientError as err:
        _LOGGER.debug("%s %s failed: %s", method, path, type(err).__name__)
        raise CannotConnectError(f"{path}: {type(err).__name__}") from err
    _LOGGER.debug("%s %s -> HTTP %s", method, path, status)

    if status == 429:
        raise CannotConnectError(
            f"{path}: rate limited (HTTP 429)", retry_after=retry_after
        )
    if status >= 500:
        raise ServerError(f"{path}: server error (HTTP {status})")
    try:
        envelope = jsonlib.loads(raw)
    except ValueError as err:
        if 200 <= status < 300:
            raise UnexpectedResponseError(f"{path}: body is not JSON") from err
        raise RejectedError(path, status, None, "") from err
    if not isinstance(envelope, Mapping):
        raise UnexpectedResponseError(f"{path}: envelope is not an object")
    code = envelope.get("code")
    msg = envelope.get("msg")
    msg = msg if isinstance(msg, str) else ""
    code_int = code if isinstance(code, int) and not isinstance(code, bool) else None
    if 200 <= status < 300 and code_int == 200:
        if "data" not in envelope:
            raise UnexpectedResponseError(f"{path}: envelope has no data")
        return envelope["data"]
    if code_int == 429:
        raise CannotConnectError(
            f"{path}: rate limited (code 429)", retry_after=retry_after
        )
    if code_int is not None and code_int >= 500:
        raise ServerError(f"{path}: server error (code {code_int})")
    if code_int is None and 200 <= status < 300:
        raise UnexpectedResponseError(f"{path}: envelope has no code")
    raise RejectedError(path, status, code_int, msg)


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (HTTP dates are ignored)."""
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return max(seconds, 0.0) if math.isfinite(seconds) else None
