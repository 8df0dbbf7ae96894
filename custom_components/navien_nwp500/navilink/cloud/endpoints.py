"""Where the NaviLink cloud lives (overridable for the simulator)."""

from dataclasses import dataclass

DEFAULT_API_BASE_URL = "https://nlus.naviensmartcontrol.com/api/v2.1"
DEFAULT_IOT_HOST = "a1t30mldyslmuq-ats.iot.us-east-1.amazonaws.com"


@dataclass(frozen=True, slots=True)
class Endpoints:
    """REST base URL and AWS IoT WebSocket endpoint of one NaviLink cloud."""

    api_base_url: str = DEFAULT_API_BASE_URL
    iot_host: str = DEFAULT_IOT_HOST
    iot_port: int = 443
    region: str = "us-east-1"
    ca_file: str | None = None
