"""The README's screens of a running demo, in one language.

``script/screenshots --language fr --out DIR [screen ...]`` with ``script/develop``
running: it sets the owner's profile language and Home Assistant's (entity names
are translated when the entry loads, so it reloads the entry when the language
changes), then saves each screen as ``DIR/<language>/<screen>.png``. The screens
need smart heating's inputs picked and its switches on to show a plan (turn them
on again after a language change if the reload stopped them); ``water_heater``
starts a vacation and ends it.
Optimize the files before committing them (``pngquant --quality 80-95``).
"""

import argparse
import asyncio
from collections.abc import Awaitable, Callable
import json
from pathlib import Path
import sys
from typing import Any, Final

import aiohttp

from .browser import Browser
from .hass_client import HassClient
from .shared import (
    DEFAULT_PORT,
    DOMAIN,
    HOST,
    INTEGRATION_DIR,
    OWNER_PASSWORD,
    OWNER_USERNAME,
    DemoError,
    wait_for,
)

HEATER: Final = "water_heater.nwp500"
SMART_HEATING: Final = "switch.nwp500_smart_heating"
COG_PATH: Final = "M12,8A4,4 0 0,1 16,1"  # the start of mdiCog: the Configure button
PERIOD_LABEL: Final = r"/period|période|periodo/i"  # the Energy date picker's button
LAST_12_MONTHS: Final = 9  # its preset "Last 12 months", counted from "Today"

# The topmost card (the Energy dashboard's "Individual devices detail"), with a margin.
TOP_CARD_JS: Final = """(() => {
  const r = __deep("ha-card").map(c => c.getBoundingClientRect())
    .filter(r => r.width > 200 && r.height > 100).sort((a, b) => a.y - b.y)[0];
  return {x: r.x - 6, y: r.y - 6, width: r.width + 12, height: r.height + 12};
})()"""

# The open dialog's panel: its tallest part narrower than the page.
DIALOG_JS: Final = """(() => {
  const dialog = __deep("ha-dialog, ha-wa-dialog, ha-md-dialog")[0];
  const parts = [dialog, ...__deep("*", dialog.shadowRoot || dialog)]
    .map(e => e.getBoundingClientRect())
    .filter(r => r.width > 300 && r.width < 900 && r.height > 300)
    .sort((a, b) => b.height - a.height);
  const r = parts[0];
  return {x: r.x, y: r.y, width: r.width, height: r.height};
})()"""


class Texts:
    """What the integration says in one language, to know a page is drawn in it."""

    def __init__(self, language: str) -> None:
        """Read the integration's translation file of ``language``."""
        path = INTEGRATION_DIR / "translations" / f"{language}.json"
        self._tree: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))

    def __call__(self, dotted: str) -> str:
        """Return the text at a dotted key path, e.g. ``entity.calendar.plan.name``."""
        node: Any = self._tree
        for key in dotted.split("."):
            node = node[key]
        return str(node)


type Screen = Callable[[Browser, Path, Texts], Awaitable[Path]]


async def set_language(client: HassClient, language: str) -> None:
    """Make ``language`` the owner's and the server's; reload the entry if it changed."""
    changed = (await client.request("GET", "/api/config"))["language"] != language
    for command in (
        {"type": "config/core/update", "language": language},
        {
            "type": "frontend/set_user_data",
            "key": "language",
            "value": {
                "language": language,
                "number_format": "language",
                "time_format": "language",
                "date_format": "language",
                "first_weekday": "language",
            },
        },
    ):
        answer = await client.ws_command(command)
        if not answer.get("success"):
            raise DemoError(f"{command['type']} failed: {answer.get('error')}")
    if not changed:
        return
    entry = (await client.config_entries())[0]["entry_id"]
    await client.request("POST", f"/api/config/config_entries/entry/{entry}/reload")

    async def _back() -> bool:
        return bool((await client.state(HEATER))["state"] != "unavailable")

    await wait_for(_back, "the water heater after the reload", 90, 1)


async def _device_path(b: Browser) -> str:
    return f"/config/devices/device/{await b.client.device_id(HEATER)}"


async def device(b: Browser, out: Path, texts: Texts) -> Path:
    """Shoot the heater's device page, down to the end of its tallest card (the sensors)."""
    await b.resize(1280, 3200)
    await b.goto(
        await _device_path(b), [texts("entity.sensor.hot_water_available.name")]
    )
    await asyncio.sleep(5)
    bottom = await b.js(
        "Math.max(...__deep('ha-card').map(c => c.getBoundingClientRect().bottom)"
        ".filter(y => y < 3190))"
    )
    return await b.shot(
        out / "device.png", {"x": 0, "y": 0, "width": 1280, "height": bottom + 16}
    )


async def plan(b: Browser, out: Path, texts: Texts) -> Path:
    """Shoot the calendar panel with only the Plan calendar, as a list of seven days."""
    await b.resize(1280, 640)
    await b.goto("/calendar", [texts("entity.calendar.plan.name")])

    async def _only_the_plan() -> bool:
        return bool(
            await b.js(
                """(() => {
                  const items = __deep("ha-dropdown-item");
                  let done = items.length > 0;
                  for (const item of items) {
                    const id = item.querySelector("ha-state-icon")?.stateObj?.entity_id || "";
                    const wanted = id.endsWith("_plan") && !id.includes("time_of_use");
                    if ((item.getAttribute("aria-checked") === "true") !== wanted) {
                      item.click();
                      done = false;
                    }
                  }
                  const group = __deep("ha-button-toggle-group")[0];
                  const list = group && group.shadowRoot.querySelector("[value=listWeek]");
                  if (list) list.click(); else done = false;
                  return done;
                })()"""
            )
        )

    await wait_for(_only_the_plan, "the Plan calendar alone, as a list", 30, 1)
    await asyncio.sleep(3)
    return await b.shot(out / "plan.png")


async def logbook(b: Browser, out: Path, texts: Texts) -> Path:
    """Shoot the activity of the *Smart heating* switch: what smart heating did, and why."""
    await b.resize(1280, 720)
    await b.goto(
        f"/logbook?entity_id={SMART_HEATING}",
        [texts("entity.switch.smart_heating.name")],
    )
    await asyncio.sleep(4)
    return await b.shot(out / "logbook.png")


async def options(b: Browser, out: Path, texts: Texts) -> Path:
    """Shoot the options dialog after a set-back above the heater's limits was submitted."""
    await b.resize(1280, 1900)
    await b.goto(f"/config/integrations/integration/{DOMAIN}", ["NWP500"])
    await asyncio.sleep(2)
    await b.js(
        f"__deep('ha-icon-button').find(b => String(b.path).startsWith('{COG_PATH}'))"
        ".click()"
    )
    await b.wait_text([texts("options.step.init.data.storage_max_temperature")])
    await asyncio.sleep(2)
    await b.js(
        """(() => {
          const field = __deep("*").find(
            e => e.schema && e.schema.name === "setback_temperature" && e.shadowRoot);
          const input = __deep("input", field.shadowRoot)[0];
          input.value = "70";
          for (const kind of ["input", "change"]) {
            input.dispatchEvent(new Event(kind, {bubbles: true, composed: true}));
          }
          const dialog = __deep("ha-dialog, ha-wa-dialog, ha-md-dialog")[0];
          const buttons = __deep("ha-button", dialog);
          buttons[buttons.length - 1].click();
        })()"""
    )
    await asyncio.sleep(3)
    return await b.shot(out / "options.png", await b.js(DIALOG_JS))


async def _energy(b: Browser, target: Path, preset: int | None) -> Path:
    await b.resize(1280, 1000)
    await b.goto("/energy", ["NWP500"])
    await asyncio.sleep(4)
    if preset is not None:
        await b.js(
            f"""(async () => {{
              __deep("ha-icon-button").find(b => {PERIOD_LABEL}.test(b.label || "")).click();
              await new Promise(r => setTimeout(r, 1500));
              __deep("ha-list-item").filter(
                e => (e.getRootNode().host || {{}}).tagName === "DATE-RANGE-PICKER"
              )[{preset}].click();
            }})()"""
        )
    await asyncio.sleep(6)
    return await b.shot(target, await b.js(TOP_CARD_JS))


async def energy_today(b: Browser, out: Path, _texts: Texts) -> Path:
    """Shoot the Energy dashboard's individual devices today."""
    return await _energy(b, out / "energy_today.png", None)


async def energy_year(b: Browser, out: Path, _texts: Texts) -> Path:
    """Shoot the Energy dashboard's individual devices over the last 12 months."""
    return await _energy(b, out / "energy_year.png", LAST_12_MONTHS)


async def water_heater(b: Browser, out: Path, texts: Texts) -> Path:
    """Shoot the water heater's dialog during a vacation (started, then ended)."""

    async def _away(on: bool) -> bool:
        state = await b.client.state(HEATER)
        return (state["attributes"].get("away_mode") == "on") is on

    await b.client.call_service(
        "water_heater", "set_away_mode", {"entity_id": HEATER, "away_mode": True}
    )
    await wait_for(lambda: _away(True), "the vacation to start", 60, 1)
    await b.resize(1280, 900)
    await b.goto(
        await _device_path(b), [texts("entity.sensor.hot_water_available.name")]
    )
    await asyncio.sleep(3)
    await b.js(
        'document.querySelector("home-assistant").dispatchEvent(new CustomEvent('
        f'"hass-more-info", {{detail: {{entityId: "{HEATER}"}}, bubbles: true,'
        " composed: true}))"
    )
    await asyncio.sleep(4)
    shot = await b.shot(out / "water_heater.png")
    await b.client.call_service(
        "water_heater", "set_away_mode", {"entity_id": HEATER, "away_mode": False}
    )
    await wait_for(lambda: _away(False), "the vacation to end", 60, 1)
    return shot


SCREENS: Final[dict[str, Screen]] = {
    "device": device,
    "plan": plan,
    "logbook": logbook,
    "options": options,
    "energy_today": energy_today,
    "energy_year": energy_year,
    "water_heater": water_heater,
}


async def take(url: str, language: str, out: Path, names: list[str]) -> None:
    """Log in to the demo at ``url`` and save the named screens in ``language``."""
    texts = Texts(language)
    async with aiohttp.ClientSession() as http:
        client = HassClient(http, url)
        await client.onboard_or_login(OWNER_USERNAME, OWNER_PASSWORD)
        await set_language(client, language)
        async with Browser(client) as browser:
            for name in names:
                print(f"Screenshot: {await SCREENS[name](browser, out, texts)}")


def main(argv: list[str] | None = None) -> int:
    """Take the screens; return the exit code."""
    parser = argparse.ArgumentParser(
        prog="script/screenshots", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "screens", nargs="*", metavar="SCREEN", help=f"{', '.join(SCREENS)} (all)"
    )
    parser.add_argument("--url", default=f"http://{HOST}:{DEFAULT_PORT}")
    parser.add_argument("--language", default="en", help="en, fr or es")
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    args = parser.parse_args(argv)
    if unknown := set(args.screens) - set(SCREENS):
        parser.error(f"no such screen: {', '.join(sorted(unknown))}")
    try:
        asyncio.run(
            take(
                args.url,
                args.language,
                args.out / args.language,
                args.screens or [*SCREENS],
            )
        )
    except DemoError as err:
        print(f"script/screenshots: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
