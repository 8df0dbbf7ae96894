"""A headless Chromium page logged in to Home Assistant, driven over CDP (for the docs)."""

import asyncio
import base64
import contextlib
import json
import os
from pathlib import Path
import signal
import tempfile
from typing import TYPE_CHECKING, Any, Final, Self

from .screenshot import PAGE_SHOWS_JS, Cdp, chromium_path
from .shared import HOST, OWNER_PASSWORD, OWNER_USERNAME, DemoError, wait_for

if TYPE_CHECKING:
    import aiohttp

    from .hass_client import HassClient

# ``__deep(selector, root)``: the elements matching a selector, shadow roots included.
DEEP_JS: Final = """
window.__deep = (selector, root = document) => {
  const found = [];
  const walk = (node) => {
    for (const el of node.querySelectorAll("*")) {
      if (el.matches(selector)) found.push(el);
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(root);
  return found;
};
"""


class Browser:
    """One Chromium page, logged in as the demo's owner at its first ``goto``."""

    def __init__(
        self, client: HassClient, window: tuple[int, int] = (1280, 900)
    ) -> None:
        """Prepare (not start) a browser for the server ``client`` talks to."""
        self.client = client
        self._window = window
        self._cdp: Cdp | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._proc: asyncio.subprocess.Process | None = None
        self._profile: tempfile.TemporaryDirectory[str] | None = None
        self._logged_in = False

    @property
    def cdp(self) -> Cdp:
        """The page's DevTools connection."""
        if self._cdp is None:
            raise DemoError("the browser is not started")
        return self._cdp

    async def __aenter__(self) -> Self:
        """Start Chromium (it resolves no host name but 127.0.0.1) and open its page."""
        chromium = chromium_path()
        if chromium is None:
            raise DemoError("chromium is not installed (apt-get install -y chromium)")
        self._profile = tempfile.TemporaryDirectory(prefix="demo-docs-chromium-")
        self._proc = await asyncio.create_subprocess_exec(
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            f"--user-data-dir={self._profile.name}",
            f"--window-size={self._window[0]},{self._window[1]}",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0",
            "about:blank",
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
            start_new_session=True,
        )
        port_file = Path(self._profile.name) / "DevToolsActivePort"

        async def _port() -> int | None:
            lines = port_file.read_text().split() if port_file.exists() else []
            return int(lines[0]) if lines else None

        port = await wait_for(_port, "chromium's DevTools port", 30, 0.2)
        async with self.client.http.get(f"http://{HOST}:{port}/json/list") as resp:
            targets = await resp.json()
        page = next(t for t in targets if t.get("type") == "page")
        self._ws = await self.client.http.ws_connect(
            page["webSocketDebuggerUrl"], max_msg_size=0
        )
        self._cdp = Cdp(self._ws)
        await self.resize(*self._window)
        # The server's time zone: the browser shows the times the server plans in.
        config = await self.client.request("GET", "/api/config")
        await self.cdp.call(
            "Emulation.setTimezoneOverride", timezoneId=config["time_zone"]
        )
        return self

    async def __aexit__(self, *_exc: object) -> None:
        """Close the page and stop Chromium."""
        with contextlib.suppress(Exception):
            await self.cdp.call("Browser.close")
        if self._ws is not None:
            await self._ws.close()
        if (proc := self._proc) is not None and proc.returncode is None:
            try:
                await asyncio.wait_for(proc.wait(), 10)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                await proc.wait()
        if self._profile is not None:
            self._profile.cleanup()

    async def resize(self, width: int, height: int) -> None:
        """Set the page's size in CSS pixels (one device pixel each)."""
        await self.cdp.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    async def js(self, expression: str) -> Any:
        """Evaluate an expression (``__deep`` defined, promises awaited); return its value."""
        result = await self.cdp.call(
            "Runtime.evaluate",
            expression=DEEP_JS + expression,
            returnByValue=True,
            awaitPromise=True,
        )
        if "exceptionDetails" in result:
            raise DemoError(f"in the page: {result['exceptionDetails']}")
        return result.get("result", {}).get("value")

    async def goto(self, path: str, wanted: list[str], within: float = 60) -> None:
        """Open a frontend path and wait until it shows every wanted text."""
        url = f"{self.client.base_url}{path}"
        if (
            not self._logged_in
        ):  # the frontend trades the code for tokens and keeps them
            code = await self.client.login_code(OWNER_USERNAME, OWNER_PASSWORD)
            state = base64.b64encode(
                json.dumps(
                    {"hassUrl": self.client.base_url, "clientId": self.client.client_id}
                ).encode()
            ).decode()
            sep = "&" if "?" in path else "?"
            url += f"{sep}auth_callback=1&code={code}&state={state}&storeToken=true"
            self._logged_in = True
        await self.cdp.call("Page.navigate", url=url)
        await self.wait_text(wanted, within)

    async def wait_text(self, wanted: list[str], within: float = 60) -> None:
        """Wait until the page (shadow roots included) shows every wanted text."""

        async def _shows() -> bool:
            return bool(await self.js(f"({PAGE_SHOWS_JS})({json.dumps(wanted)})"))

        await wait_for(_shows, f"the page to show {wanted}", within)

    async def shot(self, target: Path, clip: dict[str, float] | None = None) -> Path:
        """Save the page, or the ``clip`` box of it, as a PNG file."""
        params: dict[str, Any] = {"format": "png"}
        if clip is not None:
            params["clip"] = {**clip, "scale": 1}
        shot = await self.cdp.call("Page.captureScreenshot", **params)
        data = base64.b64decode(shot["data"])

        def _write() -> None:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)

        await asyncio.to_thread(_write)
        return target
