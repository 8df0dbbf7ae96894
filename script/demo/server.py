"""Step 3: one real Home Assistant server process from .venv-demo."""

import asyncio
import contextlib
import logging
import os
import signal
import time
from typing import IO, TYPE_CHECKING

import aiohttp

from .shared import DEMO_VENV, HASS, HOST, START_TIMEOUT, STOP_TIMEOUT, DemoError

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

_LOGGER = logging.getLogger(__name__)


class HomeAssistantServer:
    """One real ``hass`` process from .venv-demo, in its own session (Ctrl-C is ours)."""

    def __init__(
        self,
        config_dir: Path,
        port: int,
        *,
        env: Mapping[str, str],
        console_log: Path,
    ) -> None:
        """Prepare (not start) a server for ``config_dir`` listening on ``port``."""
        self.config_dir = config_dir
        self.port = port
        self.url = f"http://{HOST}:{port}"
        self._env = dict(env)
        self.console_log = console_log
        self.log_file = config_dir / "home-assistant.log"
        self._proc: asyncio.subprocess.Process | None = None
        self._console: IO[bytes] | None = None

    @property
    def returncode(self) -> int | None:
        """The exit code once the process has ended."""
        return None if self._proc is None else self._proc.returncode

    async def start(self) -> None:
        """Start ``hass`` (it installs nothing: --skip-pip)."""
        if not HASS.exists():
            raise DemoError(f"{HASS} is missing: run script/setup")
        env = {
            key: value
            for key, value in os.environ.items()
            # Our .venv's and pytest's settings must not leak into HA's interpreter.
            if key not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
            and not key.startswith(("COV_CORE_", "PYTEST_"))
        }
        env.update(self._env)
        env["PATH"] = f"{DEMO_VENV / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        self._console = self.console_log.open("ab")
        self._proc = await asyncio.create_subprocess_exec(
            str(HASS),
            "--config",
            str(self.config_dir),
            "--skip-pip",
            "--log-no-color",
            stdin=asyncio.subprocess.DEVNULL,
            stdout=self._console,
            stderr=asyncio.subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )

    async def wait_ready(
        self, http: aiohttp.ClientSession, within: float = START_TIMEOUT
    ) -> float:
        """Wait until the frontend answers; return the seconds it took."""
        started = time.monotonic()
        deadline = started + within
        while True:
            if self.returncode is not None:
                raise DemoError(
                    f"Home Assistant exited with {self.returncode} while starting;"
                    f" see {self.console_log} and {self.log_file}"
                )
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                async with http.get(
                    f"{self.url}/manifest.json",
                    timeout=aiohttp.ClientTimeout(total=5),
                ) as resp:
                    if resp.status == 200:
                        return time.monotonic() - started
            if time.monotonic() > deadline:
                raise DemoError(
                    f"Home Assistant did not answer on {self.url} within {within:.0f} s;"
                    f" see {self.log_file}"
                )
            await asyncio.sleep(0.5)

    async def wait(self) -> int:
        """Wait for the process to end by itself; return its exit code."""
        assert self._proc is not None
        return await self._proc.wait()

    async def stop(self, within: float = STOP_TIMEOUT) -> int | None:
        """Stop gracefully (SIGTERM), kill after ``within`` s; return the exit code."""
        proc = self._proc
        if proc is None:
            return None
        try:
            if proc.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
                try:
                    await asyncio.wait_for(proc.wait(), within)
                except TimeoutError:
                    _LOGGER.warning(
                        "Home Assistant did not stop in %.0f s: killed", within
                    )
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGKILL)
                    await proc.wait()
            return proc.returncode
        finally:
            if self._console is not None:
                self._console.close()
                self._console = None
