"""The NaviLink REST side: sign-in, token refresh, AWS key renewal and the device list."""

from .auth import AwsCredentials, NaviLinkAuth
from .endpoints import Endpoints
from .errors import CannotConnectError, InvalidCredentialsError, UnexpectedResponseError
from .rest import FirmwareComponent, NaviLinkRestClient

__all__ = [
    "AwsCredentials",
    "CannotConnectError",
    "Endpoints",
    "FirmwareComponent",
    "InvalidCredentialsError",
    "NaviLinkAuth",
    "NaviLinkRestClient",
    "UnexpectedResponseError",
]
