"""Sign-in, token refresh and AWS credential renewal for the NaviLink cloud.

Every call that changes tokens or AWS keys runs behind one ``asyncio.Lock``: the
server rotates tokens, so two refreshes racing each other would invalidate one
another. Callers that waited on the lock reuse what the winner fetched.
"""

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
import logging
import math
import time
from typing import Any, Final

import aiohttp

from .endpoints import Endpoints
from .errors import CannotConnectError, InvalidCredentialsError, UnexpectedResponseError
from .http import RejectedError, call, stops_fallback

_LOGGER = logging.getLogger(__name__)

RENEW_MARGIN: Final = 300.0
"""Seconds before expiry at which tokens and AWS keys are renewed."""

DEFAULT_JWT_LIFETIME: Final = 3600.0

PATH_SIGN_IN: Final = "/user/sign-in"
PATH_REFRESH: Final = "/auth/refresh"
PATH_SESSION_REFRESH: Final = "/auth/session/refresh"
PATH_SECURED_SIGN_IN: Final = "/user/secured-sign-in"


@dataclass(frozen=True, slots=True)
class AwsCredentials:
    """Temporary AWS keys used to sign the MQTT WebSocket handshake."""

    access_key_id: str
    secret_key: str = field(repr=False)
    session_token: str = field(repr=False)
    expires_at: float
    """Expiry on the ``time.time()`` scale (``inf`` if the server gave no lifetime)."""


@dataclass(frozen=True, slots=True)
class Tokens:
    """The Cognito JWTs of a signed-in account."""

    id_token: str = field(repr=False)
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: float


class NaviLinkAuth:
    """Holds the account's tokens and AWS keys and renews them when needed."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        email: str,
        password: str,
        *,
        endpoints: Endpoints = Endpoints(),  # noqa: B008  (frozen, immutable)
        request_timeout: float = 30.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Use ``session`` (owned by the caller) for every request."""
        self.email = email
        self.user_seq: int | None = None
        self.user_type: str = "O"
        self._session = session
        self._password = password
        self._base_url = endpoints.api_base_url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=request_timeout)
        self._clock = clock
        self._lock = asyncio.Lock()
        self._tokens: Tokens | None = None
        self._aws: AwsCredentials | None = None
        self._token_generation = 0
        self._aws_generation = 0

    # ------------------------------------------------------------------ state

    @property
    def tokens(self) -> Tokens | None:
        """The current JWTs, or None before the first sign-in."""
        return self._tokens

    @property
    def aws_credentials(self) -> AwsCredentials | None:
        """The current AWS keys, or None before the first sign-in."""
        return self._aws

    def _near_expiry(self, expires_at: float) -> bool:
        return expires_at - self._clock() <= RENEW_MARGIN

    # ------------------------------------------------------------- public API

    async def sign_in(self) -> None:
        """Sign in with the e-mail and password (fetches JWTs and AWS keys)."""
        async with self._lock:
            await self._password_sign_in()

    async def async_ensure_tokens(self) -> Tokens:
        """Return valid JWTs, refreshing them when they are near expiry."""
        tokens = self._tokens
        if tokens is not None and not self._near_expiry(tokens.expires_at):
            return tokens
        seen = self._token_generation
        async with self._lock:
            current = self._tokens
            if current is not None and (
                self._token_generation != seen
                or not self._near_expiry(current.expires_at)
            ):
                return current
            return await self._refresh_tokens()

    async def async_aws_credentials(
        self, *, force_renew: bool = False
    ) -> AwsCredentials:
        """Return AWS keys, renewing them near expiry or when ``force_renew`` is set.

        Renewal order (protocol §17.3): refresh the JWT if it has expired, then
        ``/auth/session/refresh``, then ``/user/secured-sign-in``, and only then
        the password.
        """
        aws = self._aws
        if (
            not force_renew
            and aws is not None
            and not self._near_expiry(aws.expires_at)
        ):
            return aws
        seen = self._aws_generation
        async with self._lock:
            current = self._aws
            # Someone renewed while we waited, or no renewal is due.
            if (
                current is not None
                and not self._near_expiry(current.expires_at)
                and (self._aws_generation != seen or not force_renew)
            ):
                return current
            await self._renew_aws()
            if self._aws is None:  # pragma: no cover - _renew_aws raises first
                raise UnexpectedResponseError("No AWS credentials")
            return self._aws

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, str] | None = None,
    ) -> Any:
        """Make an authorized call and return the envelope's ``data``.

        A 401 refreshes the JWT once and retries once.
        """
        tokens = await self.async_ensure_tokens()
        try:
            return await self._call(
                method, path, json=json, params=params, token=tokens.access_token
            )
        except RejectedError as err:
            if not err.unauthorized:
                raise UnexpectedResponseError(str(err)) from err
        _LOGGER.debug("%s %s: access token refused, refreshing once", method, path)
        tokens = await self._refresh_after_401(tokens)
        try:
            return await self._call(
                method, path, json=json, params=params, token=tokens.access_token
            )
        except RejectedError as err:
            raise UnexpectedResponseError(str(err)) from err

    # ------------------------------------------------------- locked internals

    async def _refresh_after_401(self, stale: Tokens) -> Tokens:
        async with self._lock:
            current = self._tokens
            if current is not None and current is not stale:
                return current
            return await self._refresh_tokens()

    async def _refresh_tokens(self) -> Tokens:
        """Refresh the JWTs (lock held); fall back to the password if refused."""
        tokens = self._tokens
        if tokens is None:
            await self._password_sign_in()
        else:
            try:
                data = await self._call(
                    "POST", PATH_REFRESH, json={"refreshToken": tokens.refresh_token}
                )
                self._store_tokens(_as_mapping(data, PATH_REFRESH), PATH_REFRESH)
            except CannotConnectError as err:
                if stops_fallback(err):
                    raise
                _LOGGER.debug("Token refresh failed (%s); signing in again", err)
                await self._password_sign_in()
            except (RejectedError, UnexpectedResponseError) as err:
                _LOGGER.debug("Token refresh failed (%s); signing in again", err)
                await self._password_sign_in()
        assert self._tokens is not None
        return self._tokens

    async def _renew_aws(self) -> None:
        """Renew the AWS keys (lock held), password last."""
        generation = self._aws_generation
        tokens = self._tokens
        if tokens is None or tokens.expires_at <= self._clock():
            # The next two steps need a live access token.
            await self._refresh_tokens()
            if self._aws_generation != generation:
                return  # a password sign-in happened and brought new keys
        if await self._try_renew(PATH_SESSION_REFRESH):
            return
        if await self._try_renew(PATH_SECURED_SIGN_IN):
            return
        _LOGGER.debug("Key renewal without password failed; signing in with password")
        await self._password_sign_in()
        if self._aws_generation == generation:
            raise UnexpectedResponseError("Sign-in answered without AWS credentials")

    async def _try_renew(self, path: str) -> bool:
        """Try one password-less renewal endpoint; False if it was refused."""
        assert self._tokens is not None
        try:
            data = await self._call(
                "POST",
                path,
                json={"userId": self.email},
                token=self._tokens.access_token,
            )
            body = _as_mapping(data, path)
            if path == PATH_SECURED_SIGN_IN:
                self._store_user_info(body)
                body = _as_mapping(body.get("token", body.get("tokens")), path)
                if _has_jwt(body):
                    self._store_tokens(body, path)
            stored = self._store_aws(body, path)
        except CannotConnectError as err:
            if stops_fallback(err):
                raise
            _LOGGER.debug("%s failed: %s", path, err)
            return False
        except (RejectedError, UnexpectedResponseError) as err:
            _LOGGER.debug("%s failed: %s", path, err)
            return False
        if not stored:
            _LOGGER.debug("%s answered without AWS keys", path)
            return False
        _LOGGER.debug("AWS keys renewed through %s", path)
        return True

    async def _password_sign_in(self) -> None:
        """Sign in with the password (lock held)."""
        _LOGGER.debug("Signing in to NaviLink")
        try:
            data = await self._call(
                "POST",
                PATH_SIGN_IN,
                json={"userId": self.email, "password": self._password},
            )
        except RejectedError as err:
            text = err.msg.lower()
            if err.unauthorized or "invalid" in text or "unauthorized" in text:
                raise InvalidCredentialsError("E-mail or password refused") from err
            raise UnexpectedResponseError(str(err)) from err
        body = _as_mapping(data, PATH_SIGN_IN)
        token = _as_mapping(body.get("token", body.get("tokens")), PATH_SIGN_IN)
        self._store_tokens(token, PATH_SIGN_IN)
        self._store_user_info(body)
        self._store_aws(token, PATH_SIGN_IN)
        _LOGGER.debug("Signed in (user_seq %s)", self.user_seq)

    # ------------------------------------------------------- parsing helpers

    def _store_tokens(self, raw: Mapping[str, Any], path: str) -> None:
        """Store JWTs from ``raw``; a missing id/refresh token keeps the old one."""
        old = self._tokens
        access = _text(raw, "accessToken", None)
        id_token = _text(raw, "idToken", old.id_token if old else None)
        refresh = _text(raw, "refreshToken", old.refresh_token if old else None)
        if access is None or id_token is None or refresh is None:
            raise UnexpectedResponseError(f"{path}: token fields missing")
        lifetime = _lifetime(raw, "authenticationExpiresIn", DEFAULT_JWT_LIFETIME, path)
        self._tokens = Tokens(
            id_token=id_token,
            access_token=access,
            refresh_token=refresh,
            expires_at=self._clock() + lifetime,
        )
        self._token_generation += 1

    def _store_aws(self, raw: Mapping[str, Any], path: str) -> bool:
        """Store the AWS fields present in ``raw``; False if there are none."""
        if not any(k in raw for k in ("accessKeyId", "secretKey", "sessionToken")):
            return False
        old = self._aws
        key_id = _text(raw, "accessKeyId", old.access_key_id if old else None)
        secret = _text(raw, "secretKey", old.secret_key if old else None)
        session = _text(raw, "sessionToken", old.session_token if old else None)
        if key_id is None or secret is None or session is None:
            raise UnexpectedResponseError(f"{path}: AWS key fields missing")
        # No lifetime from the server means the keys do not expire (protocol §2.4).
        lifetime = _lifetime(raw, "authorizationExpiresIn", math.inf, path)
        self._aws = AwsCredentials(
            access_key_id=key_id,
            secret_key=secret,
            session_token=session,
            expires_at=self._clock() + lifetime,
        )
        self._aws_generation += 1
        return True

    def _store_user_info(self, body: Mapping[str, Any]) -> None:
        info = body.get("userInfo")
        if not isinstance(info, Mapping):
            return
        seq = info.get("userSeq")
        if isinstance(seq, int) and not isinstance(seq, bool):
            self.user_seq = seq
        user_type = info.get("userType")
        if isinstance(user_type, str) and user_type:
            self.user_type = user_type

    # ------------------------------------------------------------- transport

    async def _call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, str] | None = None,
        token: str | None = None,
    ) -> Any:
        """Send one request and return ``data`` of a successful envelope."""
        return await call(
            self._session,
            self._base_url,
            self._timeout,
            method,
            path,
            json=json,
            params=params,
            token=token,
        )


def _text(raw: Mapping[str, Any], key: str, fallback: str | None) -> str | None:
    value = raw.get(key)
    return value if isinstance(value, str) and value else fallback


def _lifetime(raw: Mapping[str, Any], key: str, default: float, path: str) -> float:
    value = raw.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise UnexpectedResponseError(f"{path}: {key} is not a number")
    return float(value)


def _has_jwt(raw: Mapping[str, Any]) -> bool:
    return isinstance(raw.get("accessToken"), str)


def _as_mapping(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise UnexpectedResponseError(f"{path}: expected an object")
    return value
