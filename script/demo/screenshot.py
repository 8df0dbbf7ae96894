"""Screenshots of the frontend in headless Chromium (the smoke test and the docs)."""

import asyncio
import base64
import json
from typing import TYPE_CHECKING, Final

from .chromium import capture, chromium_page
from .shared import OWNER_PASSWORD, OWNER_USERNAME, DemoError, wait_for

if TYPE_CHECKING:
    from pathlib import Path

    from .hass_client import HassClient

# True once every wanted text shows somewhere in the page, shadow roots included.
PAGE_SHOWS_JS: Final = """
(wanted) => {
  const texts = [];
  const walk = (root) => {
    for (const el of root.querySelectorAll("*")) {
      if (el.shadowRoot) walk(el.shadowRoot);
    }
    // A document has no textContent of its own: read its root element's.
    texts.push((root.documentElement || root).textContent || "");
  };
  walk(document);
  const all = texts.join(" ");
  return wanted.every((w) => all.includes(w));
}
"""


async def login_url(
    client: HassClient,
    path: str,
    username: str = OWNER_USERNAME,
    password: str = OWNER_PASSWORD,
) -> str:
    """Return the URL of ``path`` through the frontend's OAuth callback (it stores the tokens)."""
    code = await client.login_code(username, password)
    state = base64.b64encode(
        json.dumps({"hassUrl": client.base_url, "clientId": client.client_id}).encode()
    ).decode()
    sep = "&" if "?" in path else "?"
    return (
        f"{client.base_url}{path}"
        f"{sep}auth_callback=1&code={code}&state={state}&storeToken=true"
    )


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
    written: list[Path] = []
    async with chromium_page(
        client.http, window, extra_flags=("--disable-quic",)
    ) as cdp:
        for index, (path, wanted, target) in enumerate(pages):
            if index == 0:  # the frontend trades the code for tokens and keeps them
                url = await login_url(client, path, username, password)
            else:
                url = f"{client.base_url}{path}"
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
                await capture(cdp, target.with_name(f"{target.stem}-failed.png"))
                raise
            await asyncio.sleep(settle)
            written.append(await capture(cdp, target))
    return written
