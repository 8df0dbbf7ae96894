"""Screenshots of the frontend in headless Chromium (the smoke test and the docs)."""

import asyncio
import base64
import contextlib
import json
import os
from pathlib import Path
import shutil
import signal
import tempfile
from typing import TYPE_CHECKING, Any, Final

from .shared import HOST, OWNER_PASSWORD, OWNER_USERNAME, DemoError, wait_for

if TYPE_CHECKING:
    import aiohttp

    from .hass_client import HassClient

CHROMIUM: Final = "/usr/bin/chromium"

# True once every wanted text shows somewhere in the page, shadow roots included.
PAGE_SHOWS_JS: Final = """
(wanted) => {
  const texts = [];
  const walk = (root) => {
    for (const el of root.querySelectorAll("*")) {
      if (el.shadowRoot) walk(el.shadowRoot);
    }
    texts.push(root.textContent || "");
  };
  walk(document);
  const all = texts.join(" ");
  return wanted.every((w) => all.includes(w));
}
"""


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


async def _capture(cdp: Cdp, target: Path) -> None:
    shot = await cdp.call("Page.captureScreenshot", format="png")
    data = base64.b64decode(shot["data"])

    def _write() -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)

    await asyncio.to_thread(_write)


def chromium_path() -> str | None:
    """Debian's chromium, if installed."""
    return CHROMIUM if Path(CHROMIUM).is_file() else shutil.which("chromium")


async def screenshot(
    client: HassClient,
    pages: list[tuple[str, list[str], Path]],
    *,
    username: str = OWNER_USERNAME,
    password: str = OWNER_PASSWORD,
    window: tuple[int, int] = (1280, 900),
    settle: float = 3.0,
    within: float = 60.0,
) -> list[Path]:
    """
    Log in to the frontend in headless Chromium and screenshot pages.

    ``pages`` lists (path, texts the page must show, PNG file). The login uses the
    frontend's own OAuth callback (``?auth_callback=1&code=...``), so the frontend
    stores its tokens as after a normal login. Chromium resolves no host name (no
    traffic leaves the machine). Returns the files written.
    """
    chromium = chromium_path()
    if chromium is None:
        raise DemoError("chromium is not installed (apt-get install -y chromium)")
    code = await client.login_code(username, password)
    state = base64.b64encode(
        json.dumps({"hassUrl": client.base_url, "clientId": client.client_id}).encode()
    ).decode()
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="demo-chromium-") as profile:
        proc = await asyncio.create_subprocess_exec(
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            f"--user-data-dir={profile}",
            f"--window-size={window[0]},{window[1]}",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0",
            "about:blank",
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            port_file = Path(profile) / "DevToolsActivePort"

            async def _port() -> int | None:
                if proc.returncode is not None:
                    raise DemoError(f"chromium exited with {proc.returncode}")
                lines = port_file.read_text().split() if port_file.exists() else []
                return int(lines[0]) if lines else None

            cdp_port = await wait_for(_port, "chromium's DevTools port", 30, 0.2)
            async with client.http.get(f"http://{HOST}:{cdp_port}/json/list") as resp:
                targets = await resp.json()
            page = next(t for t in targets if t.get("type") == "page")
            async with client.http.ws_connect(
                page["webSocketDebuggerUrl"], max_msg_size=0
            ) as ws:
                cdp = Cdp(ws)
                await cdp.call(
                    "Emulation.setDeviceMetricsOverride",
                    width=window[0],
                    height=window[1],
                    deviceScaleFactor=1,
                    mobile=False,
                )
                first = True
                for path, wanted, target in pages:
                    url = f"{client.base_url}{path}"
                    if first:  # the frontend trades the code for tokens and keeps them
                        sep = "&" if "?" in path else "?"
                        url += (
                            f"{sep}auth_callback=1&code={code}&state={state}"
                            "&storeToken=true"
                        )
                        first = False
                    await cdp.call("Page.navigate", url=url)

                    async def _shows(wanted: list[str] = wanted) -> bool:
                        result = await cdp.call(
                            "Runtime.evaluate",
                            expression=f"({PAGE_SHOWS_JS})({json.dumps(wanted)})",
                            returnByValue=True,
                        )
                        return bool(result.get("result", {}).get("value"))

                    try:
                        await wait_for(_shows, f"{path} to show {wanted}", within)
                    except DemoError:  # keep what it showed, for the bug report
                        failed = target.with_name(f"{target.stem}-failed.png")
                        await _capture(cdp, failed)
                        raise
                    await asyncio.sleep(settle)
                    await _capture(cdp, target)
                    written.append(target)
                with contextlib.suppress(Exception):
                    await cdp.call("Browser.close")
        finally:
            if proc.returncode is None:
                try:
                    await asyncio.wait_for(proc.wait(), 10)
                except TimeoutError:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGKILL)
                    await proc.wait()
    return written
