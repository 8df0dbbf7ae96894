"""The demo: the NaviLink simulator and a real Home Assistant server side by side.

``script/develop`` runs ``main()``: it starts the simulator (one demo account with one
simulated NWP500 whose tank cools, gets drawn from and reheats, sped up), then the
newest Home Assistant release from ``.venv-demo`` with the configuration directory
``config/`` (kept between runs) and our integration linked in, pointed at the
simulator through the ``NAVILINK_*`` environment variables. On the first run it
onboards Home Assistant and walks our config flow through HA's HTTP API, as the
frontend would. Ctrl-C stops Home Assistant, the simulator and its broker.

The pieces (config directory, server process, HTTP API client, headless Chromium
screenshot) are shared with the real-server smoke test in ``tests/smoke``.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import logging
import os
from pathlib import Path
import re
import shutil
import signal
import socket
import sys
import tempfile
import time
from typing import IO, TYPE_CHECKING, Any, Final

import aiohttp

if TYPE_CHECKING:
    from collections.abc import Mapping

    from navilink_sim.simulator import NaviLinkSimulator

ROOT: Final = Path(__file__).resolve().parent.parent
DEMO_VENV: Final = ROOT / ".venv-demo"
HASS: Final = DEMO_VENV / "bin" / "hass"
INTEGRATION_DIR: Final = ROOT / "custom_components" / "navien_nwp500"
DOMAIN: Final = "navien_nwp500"
HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 8123
CHROMIUM: Final = "/usr/bin/chromium"

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

_LOGGER = logging.getLogger("demo")

CONFIGURATION_YAML: Final = """\
# Home Assistant for the Navien NWP500 demo and smoke test, written by script/demo.py.
# Kept between runs: edit it freely (delete the directory to start over).
# No default_config: it sets up integrations that reach out to the internet, and
# their requirements are not in .venv-demo (HA runs with --skip-pip).
homeassistant:
  name: Navien demo
  latitude: 47.6062
  longitude: -122.3321
  elevation: 50
  unit_system: metric
  time_zone: America/Los_Angeles
  country: US
  currency: USD
  language: en

# Home Assistant 2026.11 reads this block once, moves it into .storage/http and asks
# for a confirmation; script/demo.py confirms it and then removes the block.
http:
  server_host: {host}
  server_port: {port}

frontend:
api:
config:
history:
logbook:
energy:
recorder:
  commit_interval: 2

logger:
  default: warning
  logs:
    custom_components.navien_nwp500: {our_level}
"""

# The onboarding steps the script marks done before HA first starts: finishing the
# "core_config" step through the API starts flows for met, google_translate and
# radio_browser, which go to the internet; the location is in configuration.yaml.
# The "user" and "integration" steps go through the HTTP API like the frontend.
PRESET_ONBOARDING_STEPS: Final = ("core_config", "analytics")

# Brand images the frontend asks for on our pages. HA fetches missing ones from its
# brands CDN; an empty cache file is its "not found" marker, so nothing is fetched.
BRAND_IMAGES: Final = (
    "icon.png",
    "logo.png",
    "icon@2x.png",
    "logo@2x.png",
    "dark_icon.png",
    "dark_logo.png",
    "dark_icon@2x.png",
    "dark_logo@2x.png",
)


class DemoError(RuntimeError):
    """Something in the demo set-up failed; the message says what."""


# --------------------------------------------------------------------- helpers
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


def configured_port(config_dir: Path) -> int | None:
    """Return the HTTP port of an existing configuration, if any."""
    stored = config_dir / ".storage" / "http"
    if stored.is_file():  # where HA 2026.11 keeps it once confirmed
        data = json.loads(stored.read_text(encoding="utf-8")).get("data", {})
        for slot in ("pending", "stable"):
            if (conf := data.get(slot)) and conf.get("server_port"):
                return int(conf["server_port"])
    path = config_dir / "configuration.yaml"
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    match = re.search(r"^\s*server_port:\s*(\d+)", text, re.MULTILINE)
    return int(match.group(1)) if match else None


def drop_http_yaml(config_dir: Path) -> bool:
    """Remove the ``http:`` block this script wrote, once HA has stored it."""
    path = config_dir / "configuration.yaml"
    if not path.is_file():
        return False
    text = path.read_text(encoding="utf-8")
    block = re.compile(
        r"# Home Assistant 2026\.11 reads this block once.*?\n"
        r"(#.*\n)*http:\n(  .*\n)+\n?",
    )
    new_text, count = block.subn("", text, count=1)
    if count:
        path.write_text(new_text, encoding="utf-8")
    return bool(count)


def write_config(config_dir: Path, *, port: int, our_level: str = "info") -> None:
    """
    Create what is missing in a configuration directory; never overwrite a user's file.

    configuration.yaml, our integration symlinked into custom_components/, the
    onboarding steps that must not run through the API marked done, and "not found"
    markers for our brand images.
    """
    config_dir.mkdir(parents=True, exist_ok=True)
    yaml = config_dir / "configuration.yaml"
    if not yaml.exists():
        yaml.write_text(
            CONFIGURATION_YAML.format(host=HOST, port=port, our_level=our_level),
            encoding="utf-8",
        )

    link = config_dir / "custom_components" / DOMAIN
    link.parent.mkdir(exist_ok=True)
    if link.is_symlink() and link.resolve() != INTEGRATION_DIR.resolve():
        link.unlink()
    if not link.is_symlink():
        if link.exists():
            raise DemoError(f"{link} exists and is not our symlink; move it away")
        link.symlink_to(INTEGRATION_DIR, target_is_directory=True)

    storage = config_dir / ".storage"
    storage.mkdir(exist_ok=True)
    onboarding = storage / "onboarding"
    if not onboarding.exists() and not (storage / "auth").exists():
        onboarding.write_text(
            json.dumps(
                {
                    "version": 4,
                    "minor_version": 1,
                    "key": "onboarding",
                    "data": {"done": list(PRESET_ONBOARDING_STEPS)},
                },
                indent=2,
            ),
            encoding="utf-8",
        )

    brands = config_dir / ".cache" / "brands" / "integrations"
    for folder in (DOMAIN, "_placeholder"):
        (brands / folder).mkdir(parents=True, exist_ok=True)
        for image in BRAND_IMAGES:
            marker = brands / folder / image
            if not marker.exists() or marker.stat().st_size == 0:
                marker.write_bytes(b"")  # also refreshes the 30-day cache age


# ---------------------------------------------------------------------- server
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


# ------------------------------------------------------------------ HTTP client
class HassClient:
    """Home Assistant's HTTP API, used the way the frontend uses it."""

    def __init__(self, http: aiohttp.ClientSession, base_url: str) -> None:
        """Talk to the server at ``base_url`` (no trailing slash)."""
        self.http = http
        self.base_url = base_url
        self.client_id = f"{base_url}/"
        self.redirect_uri = f"{base_url}/?auth_callback=1"
        self.access_token: str | None = None

    async def request(
        self,
        method: str,
        path: str,
        payload: Any = None,
        *,
        auth: bool = True,
        expect: tuple[int, ...] = (200, 201),
    ) -> Any:
        """Send one request with a JSON body; return the JSON answer."""
        headers = {}
        if auth:
            if self.access_token is None:
                raise DemoError("not logged in to Home Assistant")
            headers["Authorization"] = f"Bearer {self.access_token}"
        async with self.http.request(
            method,
            f"{self.base_url}{path}",
            json=payload,
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=60),
        ) as resp:
            text = await resp.text()
            if resp.status not in expect:
                raise DemoError(f"{method} {path} -> {resp.status}: {text[:500]}")
            return json.loads(text) if text else None

    async def _token_from_code(self, code: str) -> None:
        async with self.http.post(
            f"{self.base_url}/auth/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "client_id": self.client_id,
            },
        ) as resp:
            body = await resp.json()
            if resp.status != 200:
                raise DemoError(f"/auth/token -> {resp.status}: {body}")
        self.access_token = body["access_token"]

    async def onboarding_steps(self) -> dict[str, bool]:
        """Return the onboarding steps and whether each is done ({} when onboarded)."""
        async with self.http.get(f"{self.base_url}/api/onboarding") as resp:
            if resp.status != 200:  # the view is gone once onboarding is over
                return {}
            steps = await resp.json()
        return {step["step"]: step["done"] for step in steps}

    async def onboard_or_login(
        self, username: str, password: str, name: str = OWNER_NAME
    ) -> bool:
        """
        Create the owner on a fresh server, or log in; return whether it onboarded.

        The owner comes from the onboarding "user" step and the "integration" step is
        finished like the frontend does; the steps that reach the internet are marked
        done beforehand by ``write_config``.
        """
        steps = await self.onboarding_steps()
        onboarded_now = False
        if steps and not steps.get("user", True):
            answer = await self.request(
                "POST",
                "/api/onboarding/users",
                {
                    "client_id": self.client_id,
                    "name": name,
                    "username": username,
                    "password": password,
                    "language": "en",
                },
                auth=False,
            )
            await self._token_from_code(answer["auth_code"])
            onboarded_now = True
        else:
            await self._token_from_code(await self.login_code(username, password))
        if steps and not steps.get("analytics", True):
            await self.request("POST", "/api/onboarding/analytics", {})
        if steps and not steps.get("integration", True):
            await self.request(
                "POST",
                "/api/onboarding/integration",
                {"client_id": self.client_id, "redirect_uri": self.redirect_uri},
            )
        return onboarded_now

    async def ws_command(self, command: dict[str, Any]) -> dict[str, Any]:
        """Send one WebSocket API command on a fresh connection; return the answer."""
        async with self.http.ws_connect(f"{self.base_url}/api/websocket") as ws:
            await ws.receive_json(timeout=30)  # auth_required
            await ws.send_json({"type": "auth", "access_token": self.access_token})
            if (auth := await ws.receive_json(timeout=30))["type"] != "auth_ok":
                raise DemoError(f"WebSocket API refused the token: {auth}")
            await ws.send_json({"id": 1, **command})
            while True:
                answer: dict[str, Any] = await ws.receive_json(timeout=60)
                if answer.get("id") == 1 and answer.get("type") == "result":
                    return answer

    async def confirm_http_config(self) -> bool:
        """
        Confirm a pending HTTP server configuration, as its dialog's Confirm does.

        Home Assistant 2026.11 tries a new HTTP configuration (here: the one moved
        from configuration.yaml) and reverts it, with a restart, unless confirmed
        within five minutes. Returns whether one was pending.
        """
        answer = await self.ws_command({"type": "http/config/promote"})
        return bool(answer.get("success"))

    async def settle_http_config(self, config_dir: Path) -> bool:
        """
        Confirm the HTTP settings moved from configuration.yaml, and drop that block.

        The "deprecated YAML" repair HA raised for it would only clear at the next
        start once the block is gone; it is dismissed now. Returns whether anything
        was pending.
        """
        if not await self.confirm_http_config():
            return False
        drop_http_yaml(config_dir)
        await self.ws_command(
            {
                "type": "repairs/ignore_issue",
                "domain": "http",
                "issue_id": "deprecated_yaml",
                "ignore": True,
            }
        )
        return True

    async def login_code(self, username: str, password: str) -> str:
        """Walk the login flow; return an authorization code (single use, 10 min)."""
        flow = await self.request(
            "POST",
            "/auth/login_flow",
            {
                "client_id": self.client_id,
                "handler": ["homeassistant", None],
                "redirect_uri": self.redirect_uri,
            },
            auth=False,
        )
        result = await self.request(
            "POST",
            f"/auth/login_flow/{flow['flow_id']}",
            {"client_id": self.client_id, "username": username, "password": password},
            auth=False,
        )
        if result.get("type") != "create_entry":
            raise DemoError(
                f"Home Assistant refused the login {username!r}: {result.get('errors')}"
                " (delete config/ to start over)"
            )
        code: str = result["result"]
        return code

    async def config_entries(self, domain: str = DOMAIN) -> list[dict[str, Any]]:
        """Return the config entries of ``domain``."""
        entries: list[dict[str, Any]] = await self.request(
            "GET", f"/api/config/config_entries/entry?domain={domain}"
        )
        return entries

    async def start_flow(self, handler: str = DOMAIN) -> dict[str, Any]:
        """Start a config flow as the "Add integration" dialog does."""
        result: dict[str, Any] = await self.request(
            "POST",
            "/api/config/config_entries/flow",
            {"handler": handler, "show_advanced_options": False},
        )
        return result

    async def flow_step(
        self, flow_id: str, user_input: dict[str, Any]
    ) -> dict[str, Any]:
        """Submit one form of a config flow."""
        result: dict[str, Any] = await self.request(
            "POST", f"/api/config/config_entries/flow/{flow_id}", user_input
        )
        return result

    async def add_account(self, email: str, password: str) -> dict[str, Any]:
        """Walk our config flow (user step: e-mail + password); return the entry."""
        form = await self.start_flow()
        if form.get("type") != "form" or form.get("step_id") != "user":
            raise DemoError(f"unexpected first step of the config flow: {form}")
        result = await self.flow_step(
            form["flow_id"], {"email": email, "password": password}
        )
        if result.get("type") != "create_entry":
            raise DemoError(f"the config flow did not create the entry: {result}")
        entry: dict[str, Any] = result["result"]
        return entry

    async def states(self) -> list[dict[str, Any]]:
        """Every entity state."""
        states: list[dict[str, Any]] = await self.request("GET", "/api/states")
        return states

    async def state(self, entity_id: str) -> dict[str, Any]:
        """One entity's state."""
        state: dict[str, Any] = await self.request("GET", f"/api/states/{entity_id}")
        return state

    async def call_service(
        self, domain: str, service: str, data: dict[str, Any]
    ) -> Any:
        """Call an action (service) and wait for it to finish."""
        return await self.request("POST", f"/api/services/{domain}/{service}", data)

    async def template(self, template: str) -> str:
        """Render a template on the server."""
        async with self.http.post(
            f"{self.base_url}/api/template",
            json={"template": template},
            headers={"Authorization": f"Bearer {self.access_token}"},
        ) as resp:
            text = await resp.text()
            if resp.status != 200:
                raise DemoError(f"/api/template -> {resp.status}: {text[:300]}")
            return text

    async def our_entities(self) -> list[str]:
        """Return the entity ids of our integration."""
        rendered = await self.template(
            f"{{{{ integration_entities('{DOMAIN}') | tojson }}}}"
        )
        entities: list[str] = json.loads(rendered)
        return entities

    async def device_id(self, entity_id: str) -> str:
        """Return the device id of an entity."""
        return (await self.template(f"{{{{ device_id('{entity_id}') }}}}")).strip()


async def wait_for(check: Any, what: str, within: float, interval: float = 0.5) -> Any:
    """Await ``check()`` until it returns something truthy; return that."""
    deadline = time.monotonic() + within
    while True:
        if result := await check():
            return result
        if time.monotonic() > deadline:
            raise DemoError(f"timed out after {within:.0f} s waiting for {what}")
        await asyncio.sleep(interval)


# ------------------------------------------------------------------- screenshot
# True once every wanted text shows somewhere in the page, shadow roots included.
_PAGE_SHOWS_JS = """
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


class _Cdp:
    """A minimal Chrome DevTools Protocol client over one page's WebSocket."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self._ws = ws
        self._next_id = 0

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
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


async def _capture(cdp: _Cdp, target: Path) -> None:
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
                cdp = _Cdp(ws)
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
                            expression=f"({_PAGE_SHOWS_JS})({json.dumps(wanted)})",
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


# ------------------------------------------------------------------------ demo
async def _ensure_account(client: HassClient, email: str, password: str) -> str:
    entries = await client.config_entries()
    if entries:
        return f"config entry reused: {entries[0]['title']}"
    entry = await client.add_account(email, password)
    return f"config entry created: {entry['title']} ({entry['state']})"


async def _wait_water_heater(client: HassClient, within: float) -> list[str]:
    async def _ready() -> list[str] | None:
        entities = await client.our_entities()
        heaters = [e for e in entities if e.startswith("water_heater.")]
        if heaters and (await client.state(heaters[0]))["state"] != "unavailable":
            return entities
        return None

    entities: list[str] = await wait_for(_ready, "the water heater entity", within, 1)
    return entities


async def run_demo(args: argparse.Namespace) -> None:
    """Start everything, set it up on the first run, and run until cancelled."""
    from navilink_sim.accounts import demo_account
    from navilink_sim.simulator import NaviLinkSimulator

    config_dir: Path = args.config
    port = configured_port(config_dir) or args.port
    if port_in_use(port):
        raise DemoError(
            f"port {port} is in use (another Home Assistant or script/develop?);"
            f" free it, or change server_port in {config_dir / 'configuration.yaml'}"
        )
    account = demo_account()
    sim = NaviLinkSimulator(
        time_scale=args.time_scale,
        draw_interval=args.draw_interval or None,
        push_interval=args.push_interval or None,
    )
    started = time.monotonic()
    async with sim:
        write_config(config_dir, port=port)
        server = HomeAssistantServer(
            config_dir,
            port,
            env=simulator_env(sim),
            console_log=config_dir / "home-assistant.console.log",
        )
        try:
            async with aiohttp.ClientSession() as http:
                while True:
                    print(f"Starting Home Assistant ({HASS.parent.parent.name})...")
                    await server.start()
                    up = await server.wait_ready(http)
                    client = HassClient(http, server.url)
                    if await client.onboard_or_login(OWNER_USERNAME, OWNER_PASSWORD):
                        print(f"Onboarded: owner {OWNER_USERNAME!r} created")
                    if await client.settle_http_config(config_dir):
                        print(
                            "HTTP settings confirmed; moved out of configuration.yaml"
                        )
                    print(
                        await _ensure_account(client, account.email, account.password)
                    )
                    try:
                        entities = await _wait_water_heater(client, 60)
                    except DemoError as err:
                        entities = []
                        print(f"warning: {err}; see {server.log_file}")
                    _print_banner(server, sim, entities, up, time.monotonic() - started)
                    code = await server.wait()
                    if code != RESTART_EXIT_CODE:
                        raise DemoError(
                            f"Home Assistant exited with {code}; see {server.log_file}"
                        )
                    print("Home Assistant asked for a restart; restarting.")
        finally:
            print("Stopping Home Assistant...", flush=True)
            await server.stop()
            print("Stopping the simulator...", flush=True)


def _print_banner(
    server: HomeAssistantServer,
    sim: NaviLinkSimulator,
    entities: list[str],
    up: float,
    total: float,
) -> None:
    account = sim.account_list[0]
    heater = next(iter(sim.heaters))
    examples = f" (e.g. {', '.join(sorted(entities)[:3])})" if entities else ""
    lines = [
        "",
        "=" * 72,
        f"Home Assistant is running: {server.url}",
        f"  login           : {OWNER_USERNAME} / {OWNER_PASSWORD}",
        f"  NaviLink account: {account.email} / {account.password} (NWP500 {heater})",
        f"  simulator       : {sim.api_base_url}, IoT port {sim.iot_port}",
        f"  time scale      : x{sim.time_scale:g} (the tank cools and reheats faster)",
        f"  entities        : {len(entities)}{examples}",
        f"  logs            : {server.log_file}",
        f"  started in {total:.1f} s (Home Assistant answered after {up:.1f} s)",
        "Press Ctrl-C to stop everything.",
        "=" * 72,
    ]
    print("\n".join(lines), flush=True)


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="script/develop",
        description="NaviLink simulator + a real Home Assistant with the integration.",
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=ROOT / "config",
        help="configuration directory (default: config/, kept between runs)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help="HTTP port for a new configuration (an existing one keeps its own)",
    )
    parser.add_argument("--time-scale", type=float, default=DEMO_TIME_SCALE)
    parser.add_argument(
        "--draw-interval",
        type=float,
        default=DEMO_DRAW_INTERVAL,
        help="mean simulated seconds between random hot-water draws (0 = none)",
    )
    parser.add_argument(
        "--push-interval",
        type=float,
        default=DEMO_PUSH_INTERVAL,
        help="real seconds between unsolicited status pushes (0 = never)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the demo until Ctrl-C; return the exit code."""
    args = _parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )

    async def _main() -> int:
        task = asyncio.current_task()
        assert task is not None
        loop = asyncio.get_running_loop()
        stopping = False

        def _stop() -> None:
            nonlocal stopping
            if stopping:
                print("Still stopping, please wait...", flush=True)
                return
            stopping = True
            task.cancel()

        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, _stop)
        try:
            await run_demo(args)
        except asyncio.CancelledError:
            if not stopping:
                raise
            return 0
        except DemoError as err:
            print(f"script/develop: {err}", file=sys.stderr)
            return 1
        return 0

    code = asyncio.run(_main())
    print("Stopped.", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
