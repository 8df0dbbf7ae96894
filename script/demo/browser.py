"""A headless Chromium page logged in to Home Assistant, driven over CDP (for the docs)."""

import contextlib
import json
from typing import TYPE_CHECKING, Any, Final, Self

from .chromium import Cdp, capture, chromium_page, resize
from .screenshot import PAGE_SHOWS_JS, login_url
from .shared import DemoError, wait_for

if TYPE_CHECKING:
    from pathlib import Path

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
        self._chromium: contextlib.AsyncExitStack | None = None
        self._logged_in = False

    @property
    def cdp(self) -> Cdp:
        """The page's DevTools connection."""
        if self._cdp is None:
            raise DemoError("the browser is not started")
        return self._cdp

    async def __aenter__(self) -> Self:
        """Start Chromium (it resolves no host name but 127.0.0.1) and open its page."""
        async with contextlib.AsyncExitStack() as stack:
            self._cdp = await stack.enter_async_context(
                chromium_page(
                    self.client.http, self._window, extra_flags=("--hide-scrollbars",)
                )
            )
            # The server's time zone: the browser shows the times the server plans in.
            config = await self.client.request("GET", "/api/config")
            await self.cdp.call(
                "Emulation.setTimezoneOverride", timezoneId=config["time_zone"]
            )
            self._chromium = stack.pop_all()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        """Close the page and stop Chromium."""
        if self._chromium is not None:
            await self._chromium.aclose()
            self._chromium = None

    async def resize(self, width: int, height: int) -> None:
        """Set the page's size in CSS pixels (one device pixel each)."""
        await resize(self.cdp, width, height)

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
        if self._logged_in:
            url = f"{self.client.base_url}{path}"
        else:  # the frontend trades the code for tokens and keeps them
            url = await login_url(self.client, path)
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
        return await capture(self.cdp, target, clip)
