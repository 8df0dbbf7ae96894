"""A real mosquitto broker on a free loopback port, run as a child process."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path
import random
import shutil
import signal
import socket
import tempfile
import time
from typing import IO, override

_LOGGER = logging.getLogger(__name__)

DEFAULT_EXECUTABLES = (
    "/usr/sbin/mosquitto",
    "/opt/homebrew/sbin/mosquitto",
    "/usr/local/sbin/mosquitto",
    "mosquitto",
)
READY_TIMEOUT = 10.0
STOP_TIMEOUT = 5.0


class BrokerError(RuntimeError):
    """The broker could not be started."""


PORTS: range | None = None
"""Where `free_port` picks ports (None: wherever the system offers). Processes
that run simulators side by side each take their own range, so a port one of
them left free for a moment (a broker killed, to start again on it) is never
taken by another."""


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port on ``host`` (in `PORTS` when set) that was free a moment ago."""
    candidates = [0] if PORTS is None else random.sample(PORTS, len(PORTS))
    for candidate in candidates:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind((host, candidate))
            except OSError:
                continue
            port: int = sock.getsockname()[1]
            return port
    raise OSError(f"no free port on {host} in {PORTS}")


def find_mosquitto() -> str:
    """Return the path of the mosquitto executable or raise BrokerError."""
    for candidate in DEFAULT_EXECUTABLES:
        path = shutil.which(candidate) or (
            candidate if Path(candidate).is_file() else None
        )
        if path:
            return path
    raise BrokerError("mosquitto not found (apt-get install -y mosquitto)")


async def wait_port(host: str, port: int, within: float) -> None:
    """Wait up to ``within`` seconds until a TCP connect to ``host:port`` succeeds."""
    deadline = time.monotonic() + within
    while True:
        try:
            _reader, writer = await asyncio.open_connection(host, port)
        except OSError:
            if time.monotonic() >= deadline:
                raise
            await asyncio.sleep(0.02)
        else:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
            return


class MosquittoBroker:
    """
    One mosquitto process with a plain TCP listener on 127.0.0.1.

    The port is chosen on the first start and kept across restarts, so the front
    door keeps relaying to the same address. Mosquitto itself enforces one live
    connection per client ID (a second CONNECT takes the ID over), as AWS IoT does.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        executable: str | None = None,
        workdir: Path | None = None,
        verbose: bool = False,
    ) -> None:
        """Prepare (not start) a broker; ``port`` None picks a free one at start."""
        self.host = host
        self._port = port
        self._executable = executable
        self._own_workdir = workdir is None
        self._workdir = workdir
        self._verbose = verbose
        self._proc: asyncio.subprocess.Process | None = None
        self._log: IO[bytes] | None = None
        self._killed = False
        self.start_count = 0
        self.kill_count = 0

    @property
    def port(self) -> int:
        """The listener port (known after the first start)."""
        if self._port is None:
            raise BrokerError("broker port not chosen yet: call start() first")
        return self._port

    @property
    def running(self) -> bool:
        """Whether the broker process is alive."""
        return (
            self._proc is not None
            and self._proc.returncode is None
            and not self._killed
        )

    @property
    def pid(self) -> int | None:
        """The process id of the running broker, if any."""
        return self._proc.pid if self.running and self._proc else None

    @property
    def log_path(self) -> Path | None:
        """The broker's log file (stderr), useful when a test fails."""
        return None if self._workdir is None else self._workdir / "mosquitto.log"

    def _write_config(self, workdir: Path, port: int) -> Path:
        log_types = ["error", "warning", "notice", "information"]
        if self._verbose:
            log_types.append("debug")
        lines = [
            f"listener {port} {self.host}",
            "allow_anonymous true",
            "persistence false",
            "log_dest stderr",
            *(f"log_type {t}" for t in log_types),
            "log_timestamp true",
            "connection_messages true",
            "set_tcp_nodelay true",
            "max_keepalive 65535",
        ]
        conf = workdir / "mosquitto.conf"
        conf.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return conf

    async def start(self) -> None:
        """Start mosquitto (no-op when running) and wait until it accepts."""
        if self.running:
            return
        await self._reap()
        if self._workdir is None:
            self._workdir = Path(tempfile.mkdtemp(prefix="navilink_broker_"))
        if self._port is None:
            self._port = free_port(self.host)
        executable = self._executable or find_mosquitto()
        conf = self._write_config(self._workdir, self._port)
        if self._log is None:
            self._log = (self._workdir / "mosquitto.log").open("ab")
        self._proc = await asyncio.create_subprocess_exec(
            executable,
            "-c",
            str(conf),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=self._log,
            stderr=self._log,
            start_new_session=True,
        )
        self.start_count += 1
        try:
            await self._wait_ready()
        except BaseException:
            self.kill()
            await self._reap()
            raise
        _LOGGER.debug(
            "mosquitto pid %s on %s:%s", self._proc.pid, self.host, self._port
        )

    async def _wait_ready(self) -> None:
        assert self._proc is not None
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            if self._proc.returncode is not None:
                raise BrokerError(
                    f"mosquitto exited with {self._proc.returncode}; see {self.log_path}"
                )
            try:
                await wait_port(self.host, self.port, 0.0)
            except OSError:
                if time.monotonic() >= deadline:
                    raise BrokerError(
                        f"mosquitto did not listen on {self.host}:{self.port} "
                        f"within {READY_TIMEOUT} s; see {self.log_path}"
                    ) from None
                await asyncio.sleep(0.02)
            else:
                return

    def kill(self) -> None:
        """Kill the broker with SIGKILL at once, like ``kill -9`` (no clean-up)."""
        if self._proc is not None and self._proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self._proc.send_signal(signal.SIGKILL)
            if not self._killed:
                self.kill_count += 1
            self._killed = True

    async def _reap(self) -> None:
        """Wait for a killed or stopped process so no zombie stays behind."""
        if self._proc is not None:
            with contextlib.suppress(ProcessLookupError):
                await self._proc.wait()
            self._proc = None
        self._killed = False

    async def _terminate(self) -> None:
        """End the process gracefully (SIGTERM, SIGKILL after a timeout) and reap it."""
        proc = self._proc
        if proc is not None and proc.returncode is None and not self._killed:
            with contextlib.suppress(ProcessLookupError):
                proc.terminate()
            try:
                await asyncio.wait_for(proc.wait(), STOP_TIMEOUT)
            except TimeoutError:
                self.kill()
        await self._reap()

    async def stop(self) -> None:
        """Stop the broker and remove its files; safe to call twice."""
        await self._terminate()
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._own_workdir and self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    async def restart(self) -> None:
        """Stop gracefully and start again on the same port."""
        await self._terminate()
        await self.start()

    @override
    def __repr__(self) -> str:
        """Show the address and whether it runs."""
        state = "running" if self.running else "stopped"
        return f"<MosquittoBroker {self.host}:{self._port} {state} pid={self.pid}>"


__all__ = ["BrokerError", "MosquittoBroker", "find_mosquitto", "free_port", "wait_port"]
