"""Headless Chromium for the demo's screens: one page in a throwaway profile, over CDP."""

import asyncio
import base64
import contextlib
import os
from pathlib import Path
import shutil
import signal
import tempfile
from typing import TYPE_CHECKING, Any, Final

from .shared import HOST, DemoError, wait_for

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    import aiohttp

CHROMIUM: Final = "/usr/bin/chromium"

FLAGS: Final = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    # No host name resolves but 127.0.0.1: no traffic leaves the machine.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
)
"""The flags of every run; a caller adds its own (``extra_flags``)."""


class Cdp:
    """A minimal Chrome DevTools Protocol client over one page's WebSocket."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        """Talk to the page over ``ws``."""
        self._ws = ws
        self._next_id = 0

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Call a DevTools method; return its result."""
        self._next_id += 1
        msg_id = self._next_id
        await self._ws.send_json({"id": msg_id, "method": method, "params": params})
        while True:
            msg = await self._ws.receive_json(timeout=60)
            if msg.get("id") == msg_id:
                if "error" in msg:
                    raise DemoError(f"CDP {method}: {msg['error']}")
                result: dict[str, Any] = msg.get("result", {})
                return result


def chromium_path() -> str | None:
    """Debian's chromium, if installed."""
    return CHROMIUM if Path(CHROMIUM).is_file() else shutil.which("chromium")


@contextlib.asynccontextmanager
async def chromium_page(
    http: aiohttp.ClientSession,
    window: tuple[int, int],
    *,
    extra_flags: tuple[str, ...] = (),
) -> AsyncIterator[Cdp]:
    """
    Start headless Chromium, yield its page (sized to ``window``) over CDP, stop it after.

    The browser runs in its own session and a temporary profile; on the way out
    it is asked to close, killed if it has not within 10 s, and its profile removed.
    """
    chromium = chromium_path()
    if chromium is None:
        raise DemoError("chromium is not installed (apt-get install -y chromium)")
    with tempfile.TemporaryDirectory(prefix="demo-chromium-") as profile:
        proc = await asyncio.create_subprocess_exec(
            chromium,
            *FLAGS,
            *extra_flags,
            f"--user-data-dir={profile}",
            f"--window-size={window[0]},{window[1]}",
            "about:blank",
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            page_url = await _page_url(http, proc, Path(profile))
            async with http.ws_connect(page_url, max_msg_size=0) as ws:
                cdp = Cdp(ws)
                try:
                    await resize(cdp, *window)
                    yield cdp
                finally:
                    with contextlib.suppress(Exception):
                        await cdp.call("Browser.close")
        finally:
            await _stop(proc)


async def resize(cdp: Cdp, width: int, height: int) -> None:
    """Set the page's size in CSS pixels (one device pixel each)."""
    await cdp.call(
        "Emulation.setDeviceMetricsOverride",
        width=width,
        height=height,
        deviceScaleFactor=1,
        mobile=False,
    )


async def capture(cdp: Cdp, target: Path, clip: dict[str, float] | None = None) -> Path:
    """Save the page, or the ``clip`` box of it, as the PNG file ``target``."""
    params: dict[str, Any] = {"format": "png"}
    if clip is not None:
        params["clip"] = {**clip, "scale": 1}
    shot = await cdp.call("Page.captureScreenshot", **params)
    data = base64.b64decode(shot["data"])

    def _write() -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)

    await asyncio.to_thread(_write)
    return target


async def _page_url(
    http: aiohttp.ClientSession, proc: asyncio.subprocess.Process, profile: Path
) -> str:
    """Return the DevTools WebSocket URL of the browser's page, once its port is open."""
    port_file = profile / "DevToolsActivePort"

    async def _port() -> int | None:
        if proc.returncode is not None:
            raise DemoError(f"chromium exited with {proc.returncode}")
        lines = port_file.read_text().split() if port_file.exists() else []
        return int(lines[0]) if lines else None

    port = await wait_for(_port, "chromium's DevTools port", 30, 0.2)
    async with http.get(f"http://{HOST}:{port}/json/list") as resp:
        targets = await resp.json()
    page = next(t for t in targets if t.get("type") == "page")
    url: str = page["webSocketDebuggerUrl"]
    return url


async def _stop(proc: asyncio.subprocess.Process) -> None:
    """Wait up to 10 s for Chromium to leave, then kill its process group."""
    if proc.returncode is not None:
        return
    try:
        await asyncio.wait_for(proc.wait(), 10)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        await proc.wait()
