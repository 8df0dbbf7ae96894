"""
Verification of AWS SigV4 presigned WebSocket URLs, as AWS IoT does it.

The awscrt SDK (``websockets_with_default_aws_signing``) signs the WebSocket
upgrade request with query parameters: ``X-Amz-Algorithm``, ``X-Amz-Credential``
(``<key id>/<yyyymmdd>/<region>/<service>/aws4_request``), ``X-Amz-Date``,
``X-Amz-SignedHeaders`` (``connection;host``), optionally ``X-Amz-Expires``, and
``X-Amz-Signature``. It signs with ``omit_session_token``: the
``X-Amz-Security-Token`` parameter is appended to the query but is NOT part of
the canonical query string. The payload hash is that of an empty body.

`authenticate` is the whole check the front door runs on an upgrade request:
parse, look the key up among the issued ones, verify, then token and expiry.
"""

from __future__ import annotations

from dataclasses import dataclass
import datetime as dt
import hashlib
import hmac
from typing import TYPE_CHECKING, Protocol
from urllib.parse import quote

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

ALGORITHM = "AWS4-HMAC-SHA256"
SERVICE = "iotdevicegateway"
REGION = "us-east-1"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
MAX_CLOCK_SKEW = dt.timedelta(minutes=15)

# Refusal reasons of `authenticate` (keys of FrontDoorStats.refused).
REASON_MALFORMED = "malformed"
REASON_UNKNOWN_KEY = "unknown_key"
REASON_BAD_SIGNATURE = "bad_signature"
REASON_BAD_TOKEN = "bad_token"  # noqa: S105 - a reason, not a secret
REASON_EXPIRED = "expired_credentials"

# Query parameters that never take part in the canonical query string.
_UNSIGNED_PARAMS = frozenset({"X-Amz-Signature", "X-Amz-Security-Token"})


class AwsKey(Protocol):
    """What the check needs of an issued AWS key (``accounts.IssuedAws``)."""

    @property
    def secret_key(self) -> str:
        """The secret used to sign."""

    @property
    def session_token(self) -> str:
        """The session token the client must send as X-Amz-Security-Token."""

    @property
    def expires_at(self) -> float:
        """Expiry, in ``time.time()`` seconds."""


type KeyLookup = Callable[[str], AwsKey | None]


class SigV4Error(Exception):
    """A presigned request is malformed or its signature does not match."""

    def __init__(self, reason: str, detail: str = "") -> None:
        """Store a short machine reason (used as a counter key) and a detail."""
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class PresignedRequest:
    """The SigV4 fields parsed from a presigned query string."""

    access_key_id: str
    date: str  # yyyymmdd from the credential scope
    region: str
    service: str
    amz_date: str  # yyyymmddThhmmssZ
    signed_headers: tuple[str, ...]
    signature: str
    expires: int | None
    session_token: str | None


def _uri_encode(value: str) -> str:
    """Encode like SigV4: everything but unreserved characters, ``~`` kept."""
    return quote(value, safe="-_.~")


def parse_presigned(query: Sequence[tuple[str, str]]) -> PresignedRequest:
    """Extract and sanity-check the SigV4 fields of a decoded query string."""
    params: dict[str, str] = {}
    for key, value in query:
        if key in params:
            raise SigV4Error("malformed", f"duplicate parameter {key}")
        params[key] = value
    try:
        algorithm = params["X-Amz-Algorithm"]
        credential = params["X-Amz-Credential"]
        amz_date = params["X-Amz-Date"]
        signed_headers = params["X-Amz-SignedHeaders"]
        signature = params["X-Amz-Signature"]
    except KeyError as err:
        raise SigV4Error("malformed", f"missing {err.args[0]}") from None
    if algorithm != ALGORITHM:
        raise SigV4Error("malformed", f"algorithm {algorithm}")
    parts = credential.rsplit("/", 4)
    if len(parts) != 5 or not parts[0] or parts[4] != "aws4_request":
        raise SigV4Error("malformed", "credential scope")
    expires: int | None = None
    if "X-Amz-Expires" in params:
        try:
            expires = int(params["X-Amz-Expires"])
        except ValueError:
            raise SigV4Error("malformed", "X-Amz-Expires") from None
    return PresignedRequest(
        access_key_id=parts[0],
        date=parts[1],
        region=parts[2],
        service=parts[3],
        amz_date=amz_date,
        signed_headers=tuple(signed_headers.split(";")),
        signature=signature,
        expires=expires,
        session_token=params.get("X-Amz-Security-Token"),
    )


def canonical_request(
    method: str,
    path: str,
    query: Sequence[tuple[str, str]],
    headers: Mapping[str, str],
    signed_headers: Sequence[str],
) -> str:
    """Build the SigV4 canonical request of a presigned request."""
    encoded = sorted(
        (_uri_encode(k), _uri_encode(v)) for k, v in query if k not in _UNSIGNED_PARAMS
    )
    canonical_query = "&".join(f"{k}={v}" for k, v in encoded)
    lowered = {k.lower(): v for k, v in headers.items()}
    header_lines = []
    for name in signed_headers:
        if name not in lowered:
            raise SigV4Error("malformed", f"signed header {name} missing")
        value = " ".join(lowered[name].strip().split())
        header_lines.append(f"{name}:{value}\n")
    canonical_path = quote(path or "/", safe="/-_.~")
    return "\n".join(
        [
            method.upper(),
            canonical_path,
            canonical_query,
            "".join(header_lines),
            ";".join(signed_headers),
            EMPTY_SHA256,
        ]
    )


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def signature_for(secret_key: str, req: PresignedRequest, canonical: str) -> str:
    """Return the hex signature for a canonical request and its scope."""
    scope = f"{req.date}/{req.region}/{req.service}/aws4_request"
    string_to_sign = "\n".join(
        [
            ALGORITHM,
            req.amz_date,
            scope,
            hashlib.sha256(canonical.encode()).hexdigest(),
        ]
    )
    key = _hmac(f"AWS4{secret_key}".encode(), req.date)
    key = _hmac(key, req.region)
    key = _hmac(key, req.service)
    key = _hmac(key, "aws4_request")
    return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


def verify_presigned(
    *,
    method: str,
    path: str,
    query: Sequence[tuple[str, str]],
    headers: Mapping[str, str],
    secret_key: str,
    now: dt.datetime,
    region: str = REGION,
    service: str = SERVICE,
) -> PresignedRequest:
    """
    Verify a presigned request; return its fields or raise SigV4Error.

    ``query`` is the percent-decoded query string in order; ``headers`` are the
    request headers as received (the Host header exactly as the client sent it).
    """
    req = parse_presigned(query)
    if req.region != region or req.service != service:
        raise SigV4Error("bad_scope", f"{req.region}/{req.service}")
    try:
        signed_at = dt.datetime.strptime(req.amz_date, "%Y%m%dT%H%M%SZ").replace(
            tzinfo=dt.UTC
        )
    except ValueError:
        raise SigV4Error("malformed", "X-Amz-Date") from None
    if signed_at.strftime("%Y%m%d") != req.date:
        raise SigV4Error("bad_scope", "date does not match credential scope")
    if abs(now - signed_at) > MAX_CLOCK_SKEW:
        raise SigV4Error("clock_skew", req.amz_date)
    if req.expires is not None and now > signed_at + dt.timedelta(seconds=req.expires):
        raise SigV4Error("url_expired", req.amz_date)
    if "host" not in req.signed_headers:
        raise SigV4Error("malformed", "host header not signed")
    canonical = canonical_request(method, path, query, headers, req.signed_headers)
    expected = signature_for(secret_key, req, canonical)
    if not hmac.compare_digest(expected, req.signature.lower()):
        raise SigV4Error("bad_signature")
    return req


def authenticate(
    *,
    method: str,
    path: str,
    query: Sequence[tuple[str, str]],
    headers: Mapping[str, str],
    lookup: KeyLookup,
    now: float,
    region: str = REGION,
) -> tuple[str | None, str | None]:
    """
    Check a presigned upgrade request against the issued keys.

    Return (access key id, refusal reason or None); ``now`` is in ``time.time()``
    seconds and decides whether the key has expired.
    """
    try:
        presigned = parse_presigned(query)
    except SigV4Error:
        return None, REASON_MALFORMED
    key_id = presigned.access_key_id
    issued = lookup(key_id)
    if issued is None:
        return key_id, REASON_UNKNOWN_KEY
    try:
        verify_presigned(
            method=method,
            path=path,
            query=query,
            headers=headers,
            secret_key=issued.secret_key,
            now=dt.datetime.now(dt.UTC),
            region=region,
        )
    except SigV4Error as err:
        reason = (
            REASON_BAD_SIGNATURE if err.reason == "bad_signature" else REASON_MALFORMED
        )
        return key_id, reason
    if issued.session_token and presigned.session_token != issued.session_token:
        return key_id, REASON_BAD_TOKEN
    if issued.expires_at < now:
        return key_id, REASON_EXPIRED
    return key_id, None
