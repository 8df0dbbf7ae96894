"""Step 4: onboard Home Assistant and create the config entry through its HTTP API."""

import json
from typing import TYPE_CHECKING, Any

import aiohttp

from .config_dir import drop_http_yaml
from .shared import DOMAIN, OWNER_NAME, DemoError

if TYPE_CHECKING:
    from pathlib import Path


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
