"""The simulator's accounts: users, devices, and the JWTs and AWS keys it issued."""

from dataclasses import dataclass, field
import secrets
import string
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable


def _default_firmwares() -> list[dict[str, Any]]:
    return [
        {"curSwCode": 0x02000711, "curVersion": 0x0A010000, "downloadedVersion": 0},
        {"curSwCode": 0x10000211, "curVersion": 0x04030000, "downloadedVersion": None},
        {"curSwCode": 0x10000131, "curVersion": 0x02010000, "downloadedVersion": 0},
        {"curSwCode": 0x10000141, "curVersion": 0x01050000, "downloadedVersion": 0},
    ]


NWP500_DEVICE_TYPE = 52
"""``deviceType`` of the NWP500's Wi-Fi module; other types are not simulated over MQTT."""
NAVILINK_DEVICE_TYPE = 1
"""``deviceType`` of a NaviLink gateway (tankless heaters and boilers, protocol §9.4)."""


@dataclass
class SimDevice:
    """A device registered to a simulated account (an NWP500 unless told otherwise)."""

    mac: str
    additional_value: str
    name: str
    device_type: int = 52
    home_seq: int = 1
    model_type_code: int = 513
    volume_code: int = 2
    """Tank size as ``feature.volumeCode``: 1 = 50, 2 = 65, 3 = 80 gal (§9.1)."""
    connected: int = 2
    """1 = disconnected, 2 = connected (as ``deviceInfo.connected``)."""
    install_type: str = "R"
    installer_id: str | None = None
    controller_serial_number: str = "SIMCTRL0000000001"
    state: str = "CA"
    city: str = "Irvine"
    address: str = "1 Simulated Way"
    latitude: float | None = 33.68
    longitude: float | None = -117.83
    altitude: float | None = None
    firmwares: list[dict[str, Any]] = field(default_factory=_default_firmwares)
    tou: dict[str, Any] | None = None
    """``touInfo`` served by ``GET /device/tou``; None gives a built-in plan."""


@dataclass
class SimAccount:
    """A NaviLink user and its devices."""

    email: str
    password: str
    user_seq: int
    devices: list[SimDevice]
    user_type: str = "O"
    first_name: str = "Sim"
    last_name: str = "User"


@dataclass
class IssuedJwt:
    """The Cognito-like tokens handed out by sign-in or refresh."""

    id_token: str
    access_token: str
    refresh_token: str
    expires_at: float
    email: str


@dataclass
class IssuedAws:
    """Temporary AWS keys handed out by sign-in or a session refresh."""

    access_key_id: str
    secret_key: str
    session_token: str
    expires_at: float
    email: str


def _random(alphabet: str, length: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def _opaque_token(kind: str) -> str:
    """Make a JWT-looking but opaque token (three dot-separated random parts)."""
    return f"sim{kind}.{secrets.token_urlsafe(24)}.{secrets.token_urlsafe(32)}"


class AccountStore:
    """Accounts plus every token and key issued, with their expiry."""

    def __init__(
        self,
        accounts: list[SimAccount],
        *,
        aws_lifetime: float = 3600.0,
        jwt_lifetime: float = 3600.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Serve ``accounts``; lifetimes are in seconds on ``clock``'s scale."""
        self.accounts: dict[str, SimAccount] = {a.email.lower(): a for a in accounts}
        self.aws_lifetime = aws_lifetime
        self.jwt_lifetime = jwt_lifetime
        self.clock = clock
        self._jwts: dict[str, IssuedJwt] = {}  # by access token
        self._refresh: dict[str, str] = {}  # refresh token -> e-mail
        self._aws: dict[str, IssuedAws] = {}  # by access key id
        self.sign_in_count = 0
        self.refresh_count = 0
        self.session_refresh_count = 0
        self.secured_sign_in_count = 0

    # ------------------------------------------------------------- accounts

    def account(self, email: str) -> SimAccount | None:
        """Return the account with this e-mail (case-insensitive), if any."""
        return self.accounts.get(email.lower())

    def check_password(self, email: str, password: str) -> SimAccount | None:
        """Return the account if the password matches, else None."""
        account = self.account(email)
        if account is None or not secrets.compare_digest(
            account.password.encode(), password.encode()
        ):
            return None
        return account

    def find_device(
        self, account: SimAccount, mac: str, additional_value: str | None = None
    ) -> SimDevice | None:
        """Return the account's device with this MAC (and additional value, if given)."""
        for device in account.devices:
            if device.mac == mac.lower() and (
                additional_value is None or device.additional_value == additional_value
            ):
                return device
        return None

    # ----------------------------------------------------------------- JWTs

    def issue_jwt(self, email: str, refresh_token: str | None = None) -> IssuedJwt:
        """Issue fresh id/access tokens (and a refresh token unless one is given)."""
        refresh = refresh_token or _opaque_token("refresh")
        issued = IssuedJwt(
            id_token=_opaque_token("id"),
            access_token=_opaque_token("access"),
            refresh_token=refresh,
            expires_at=self.clock() + self.jwt_lifetime,
            email=email,
        )
        self._jwts[issued.access_token] = issued
        self._refresh[refresh] = email
        return issued

    def refresh_jwt(self, refresh_token: str) -> IssuedJwt | None:
        """Issue new tokens for a refresh token and revoke its older access tokens.

        Revoking mimics the server's token rotation, so racing refreshes hurt.
        """
        email = self._refresh.get(refresh_token)
        if email is None:
            return None
        for token, jwt in list(self._jwts.items()):
            if jwt.refresh_token == refresh_token:
                del self._jwts[token]
        return self.issue_jwt(email, refresh_token)

    def lookup_access_token(self, access_token: str) -> IssuedJwt | None:
        """Return the unexpired JWT record for this access token, or None."""
        jwt = self._jwts.get(access_token)
        if jwt is None or jwt.expires_at <= self.clock():
            return None
        return jwt

    def expire_all_tokens(self) -> None:
        """Fault: every access token issued so far is expired from now on."""
        now = self.clock()
        for jwt in self._jwts.values():
            jwt.expires_at = min(jwt.expires_at, now)

    def revoke_refresh_tokens(self) -> None:
        """Fault: every refresh token is forgotten (refresh answers 401)."""
        self._refresh.clear()

    # ------------------------------------------------------------- AWS keys

    def issue_aws(self, email: str) -> IssuedAws:
        """Issue a new set of temporary AWS keys for this account."""
        issued = IssuedAws(
            access_key_id="ASIA" + _random(string.ascii_uppercase + string.digits, 16),
            secret_key=_random(string.ascii_letters + string.digits + "+/", 40),
            session_token=secrets.token_urlsafe(96),
            expires_at=self.clock() + self.aws_lifetime,
            email=email,
        )
        self._aws[issued.access_key_id] = issued
        return issued

    def lookup_aws(self, access_key_id: str) -> IssuedAws | None:
        """Return the keys issued under this id if known and unexpired, else None."""
        aws = self._aws.get(access_key_id)
        if aws is None or aws.expires_at <= self.clock():
            return None
        return aws

    def expire_all_credentials(self) -> None:
        """Fault: every AWS key issued so far is expired from now on."""
        now = self.clock()
        for aws in self._aws.values():
            aws.expires_at = min(aws.expires_at, now)


def demo_account() -> SimAccount:
    """Build the demo account: one NWP500 named "NWP500"."""
    return SimAccount(
        email="demo@example.com",
        password="demo-password",  # noqa: S106  (public demo account)
        user_seq=10001,
        devices=[
            SimDevice(
                mac="aabbccddeeff",
                additional_value="1234",
                name="NWP500",
                device_type=52,
                home_seq=1,
            )
        ],
    )


def tankless_device() -> SimDevice:
    """Build a tankless heater behind a NaviLink gateway (type 1, unit type NPE)."""
    return SimDevice(
        mac="0a1b2c3d4e5f",
        additional_value="7777",
        name="Tankless",
        device_type=NAVILINK_DEVICE_TYPE,
        model_type_code=1,
        controller_serial_number="SIMNPE0000000001",
    )


def second_heater() -> SimDevice:
    """Build a second NWP500 for accounts with more than one heater."""
    return SimDevice(
        mac="a1b2c3d4e5f6",
        additional_value="4321",
        name="NWP500 garage",
        controller_serial_number="SIMCTRL0000000002",
    )


def demo_account_with(*devices: SimDevice) -> SimAccount:
    """Build the demo account (same credentials) with more devices after its NWP500."""
    account = demo_account()
    account.devices.extend(devices)
    return account
