"""What every step of the demo shares: paths, the demo login, its error and wait."""

import asyncio
from pathlib import Path
import time
from typing import Any, Final

ROOT: Final = Path(__file__).resolve().parents[2]
DEMO_VENV: Final = ROOT / ".venv-demo"
HASS: Final = DEMO_VENV / "bin" / "hass"
INTEGRATION_DIR: Final = ROOT / "custom_components" / "navien_nwp500"
DOMAIN: Final = "navien_nwp500"
HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 8123

OWNER_NAME: Final = "Demo"
OWNER_USERNAME: Final = "demo"
OWNER_PASSWORD: Final = "demo-password"  # noqa: S105  (public demo login)

# The simulated heater, sped up so a visitor sees it live within minutes: 30 s of
# tank physics per real second, a random hot-water draw about every 30 simulated
# minutes (one a minute, each a few seconds to 20 s long), a status push every 10 s.
DEMO_TIME_SCALE: Final = 30.0
DEMO_DRAW_INTERVAL: Final = 1800.0
DEMO_PUSH_INTERVAL: Final = 10.0

START_TIMEOUT: Final = 120.0
STOP_TIMEOUT: Final = 60.0
RESTART_EXIT_CODE: Final = 100  # hass exits with it when the UI asks for a restart


class DemoError(RuntimeError):
    """Something in the demo set-up failed; the message says what."""


async def wait_for(check: Any, what: str, within: float, interval: float = 0.5) -> Any:
    """Await ``check()`` until it returns something truthy; return that."""
    deadline = time.monotonic() + within
    while True:
        if result := await check():
            return result
        if time.monotonic() > deadline:
            raise DemoError(f"timed out after {within:.0f} s waiting for {what}")
        await asyncio.sleep(interval)
