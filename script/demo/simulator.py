"""Step 1: the simulator's ports and the environment that points Home Assistant at it."""

import socket
from typing import TYPE_CHECKING

from .shared import HOST

if TYPE_CHECKING:
    from navilink_sim.simulator import NaviLinkSimulator


def free_port(host: str = HOST) -> int:
    """Return a TCP port on ``host`` that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def port_in_use(port: int, host: str = HOST) -> bool:
    """Whether something already listens on ``host:port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return True
        return False


def simulator_env(sim: NaviLinkSimulator) -> dict[str, str]:
    """Return the environment that points the integration at ``sim`` (cloud_override.py)."""
    return {
        "NAVILINK_API_URL": sim.api_base_url,
        "NAVILINK_IOT_HOST": HOST,
        "NAVILINK_IOT_PORT": str(sim.iot_port),
        "NAVILINK_CA_FILE": sim.ca_file,
    }
