"""
The integration in a real Home Assistant server, driven through HA's HTTP API.

Starts the newest Home Assistant release from .venv-demo (built by script/setup) as
a subprocess with a temporary configuration, pointed at the in-process NaviLink
simulator; onboards it, walks the config flow as the frontend does, waits for the
entities, changes the set-point and the mode through the action (service) API and
checks that the simulated heater and the entity states follow. Fails on any
warning or error that mentions the integration in home-assistant.log, and on any
deprecation notice about it. With Debian's chromium installed it also screenshots
the device page into artifacts/screenshot.png (skipped with a note otherwise).
"""

from pathlib import Path
import re
import time
from typing import TYPE_CHECKING, Any

import aiohttp
import pytest

from navilink_sim.heater_codes import DHW_MODE, DHW_TEMPERATURE
from navilink_sim.tank import HEAT_PUMP
from script.demo.chromium import chromium_path
from script.demo.config_dir import write_config
from script.demo.hass_client import HassClient
from script.demo.screenshot import screenshot
from script.demo.server import HomeAssistantServer
from script.demo.shared import (
    HASS,
    OWNER_PASSWORD,
    OWNER_USERNAME,
    wait_for,
)
from script.demo.simulator import free_port, simulator_env

if TYPE_CHECKING:
    from navilink_sim.simulator import NaviLinkSimulator

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
DOMAIN = "navien_nwp500"
# The simulator's demo account (navilink_sim.accounts.demo_account).
EMAIL = "demo@example.com"
PASSWORD = "demo-password"


# HA log entries start with a timestamp and a level; tracebacks continue them.
_ENTRY = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+\S* (DEBUG|INFO|WARNING|ERROR|CRITICAL) "
    r"\([^)]*\) \[([^\]]+)\] "
)
# Every custom integration gets this warning; it is not about our code.
_EXPECTED = ("We found a custom integration navien_nwp500 which has not been tested",)


def log_problems(text: str) -> list[str]:
    """Return the log entries that are warnings/errors or deprecations about us."""
    entries: list[tuple[str, str, str]] = []
    for line in text.splitlines():
        if match := _ENTRY.match(line):
            entries.append((match.group(1), match.group(2), line))
        elif entries:
            level, logger, body = entries[-1]
            entries[-1] = (level, logger, f"{body}\n{line}")
    problems = []
    for level, logger, body in entries:
        # The domain, the entity ids (water_heater.nwp500...) or our code's paths.
        about_us = "nwp500" in body.lower() or "custom_components" in body
        if not about_us or any(expected in body for expected in _EXPECTED):
            continue
        ours_chatting = logger.startswith("custom_components.") and level in (
            "DEBUG",
            "INFO",
        )
        deprecation = "deprecat" in body.lower() and not ours_chatting
        if level in ("WARNING", "ERROR", "CRITICAL") or deprecation:
            problems.append(body)
    return problems


def test_log_problems_filter() -> None:
    stamp = "2026-11-24 15:43:46.957+00:00"
    lines = [
        (
            f"{stamp} WARNING (MainThread) [homeassistant.loader] We found a custom"
            " integration navien_nwp500 which has not been tested by Home Assistant."
        ),
        f"{stamp} ERROR (MainThread) [haffmpeg.core] FFmpeg fails",
        (
            f"{stamp} WARNING (MainThread) [homeassistant.util.loop] Detected blocking"
            " call inside the event loop by custom integration 'navien_nwp500'"
        ),
        f"{stamp} ERROR (MainThread) [homeassistant.setup] Error",
        "Traceback (most recent call last):",
        '  File "custom_components/navien_nwp500/sensor.py", line 1',
        (
            f"{stamp} INFO (MainThread) [homeassistant.helpers.frame] Detected that"
            " custom integration 'navien_nwp500' uses a deprecated constant"
        ),
        (
            f"{stamp} DEBUG (MainThread) [custom_components.navien_nwp500.coordinator]"
            " status received"
        ),
    ]
    log = "\n".join(lines)
    problems = log_problems(log)
    assert [p.split("] ", 1)[1][:20] for p in problems] == [
        "Detected blocking ca",
        "Error\nTraceback (mos",
        "Detected that custom",
    ]


def _note(message: str) -> None:
    """Print a line for the person running the tests (pytest -s shows it)."""
    print(message, flush=True)  # noqa: T201


async def _wait_entities(
    client: Any, within: float, want: list[str]
) -> dict[str, dict[str, Any]]:
    """Wait until our entities of each domain in ``want`` report; return states."""

    async def _ready() -> dict[str, dict[str, Any]] | None:
        ours = set(await client.our_entities())
        states = {
            s["entity_id"]: s for s in await client.states() if s["entity_id"] in ours
        }
        live = {
            e for e, s in states.items() if s["state"] not in ("unavailable", "unknown")
        }
        if all(any(e.startswith(f"{d}.") for e in live) for d in want):
            return states
        return None

    states: dict[str, dict[str, Any]] = await wait_for(
        _ready, f"live {', '.join(want)} entities", within, 1.0
    )
    return states


@pytest.mark.timeout(300)
@pytest.mark.simulator(push_interval=5.0, draw_interval=None)
async def test_real_home_assistant(
    socket_enabled: None, simulator: NaviLinkSimulator, tmp_path: Path
) -> None:
    if not HASS.exists():
        pytest.fail(f"{HASS} is missing: run script/setup (it builds .venv-demo)")
    began = time.monotonic()
    timings: dict[str, float] = {}
    mac, heater = next(iter(simulator.heaters.items()))
    config_dir = tmp_path / "config"
    port = free_port()
    write_config(config_dir, port=port, our_level="debug")
    server = HomeAssistantServer(
        config_dir,
        port,
        env=simulator_env(simulator),
        console_log=tmp_path / "console.log",
    )
    try:
        async with aiohttp.ClientSession() as http:
            await server.start()
            timings["HA answering"] = await server.wait_ready(http)
            client = HassClient(http, server.url)

            # Onboarding: the owner through the API, like the first frontend page.
            assert await client.onboard_or_login(OWNER_USERNAME, OWNER_PASSWORD)
            assert await client.onboarding_steps() in (
                {},
                dict.fromkeys(
                    ("user", "core_config", "analytics", "integration"), True
                ),
            )
            assert await client.settle_http_config(config_dir)

            # The config flow as the "Add integration" dialog walks it.
            started = time.monotonic()
            form = await client.start_flow()
            assert form["type"] == "form", form
            assert form["step_id"] == "user"
            assert [field["name"] for field in form["data_schema"]] == [
                "email",
                "password",
            ]
            wrong = await client.flow_step(
                form["flow_id"], {"email": EMAIL, "password": "not-the-password"}
            )
            assert wrong["type"] == "form", wrong
            assert wrong["errors"] == {"base": "invalid_auth"}
            done = await client.flow_step(
                form["flow_id"], {"email": EMAIL, "password": PASSWORD}
            )
            assert done["type"] == "create_entry", done
            assert done["title"] == EMAIL
            timings["config flow"] = time.monotonic() - started

            started = time.monotonic()
            states = await _wait_entities(
                client, 60, ["water_heater", "sensor", "binary_sensor"]
            )
            timings["entities live"] = time.monotonic() - started
            (entry,) = await client.config_entries()
            assert entry["state"] == "loaded"
            heater_id = next(e for e in states if e.startswith("water_heater."))

            # The thermostat is disabled by default: enable it as a user would.
            started = time.monotonic()
            registry = await client.ws_command({"type": "config/entity_registry/list"})
            (climate_id,) = [
                e["entity_id"]
                for e in registry["result"]
                if e["platform"] == DOMAIN and e["entity_id"].startswith("climate.")
            ]
            assert climate_id not in states
            await client.ws_command(
                {
                    "type": "config/entity_registry/update",
                    "entity_id": climate_id,
                    "disabled_by": None,
                }
            )
            await client.request(
                "POST", f"/api/config/config_entries/entry/{entry['entry_id']}/reload"
            )
            states = await _wait_entities(
                client, 60, ["water_heater", "climate", "sensor", "binary_sensor"]
            )
            timings["thermostat enabled"] = time.monotonic() - started
            _note(f"\nsmoke: {len(states)} entities: {', '.join(sorted(states))}")

            # Set-point through the water_heater action: the device and both entities follow.
            started = time.monotonic()
            await client.call_service(
                "water_heater",
                "set_temperature",
                {"entity_id": heater_id, "temperature": 55},
            )

            async def _setpoint(half_degrees: int, celsius: float) -> bool:
                if heater.setpoint != half_degrees:
                    return False
                if heater.status["dhwTemperatureSetting"] != half_degrees:
                    return False
                wh = await client.state(heater_id)
                cl = await client.state(climate_id)
                return bool(
                    wh["attributes"].get("temperature") == celsius
                    and cl["attributes"].get("temperature") == celsius
                )

            await wait_for(lambda: _setpoint(110, 55.0), "the 55 °C set-point", 20)

            # Mode through the water_heater action.
            await client.call_service(
                "water_heater",
                "set_operation_mode",
                {"entity_id": heater_id, "operation_mode": "heat_pump"},
            )

            async def _mode() -> bool:
                if (
                    heater.mode != HEAT_PUMP
                    or heater.status["dhwOperationSetting"] != HEAT_PUMP
                ):
                    return False
                state = await client.state(heater_id)
                return bool(state["state"] == "heat_pump")

            await wait_for(_mode, "the heat pump mode", 20)

            # And the set-point through the thermostat (climate) action.
            await client.call_service(
                "climate",
                "set_temperature",
                {"entity_id": climate_id, "temperature": 50},
            )
            await wait_for(lambda: _setpoint(100, 50.0), "the 50 °C set-point", 20)
            timings["three actions followed"] = time.monotonic() - started
            commands = {r["request"]["command"] for r in heater.received}
            assert {DHW_TEMPERATURE, DHW_MODE} <= commands, (mac, commands)

            if chromium_path() is None:
                _note(
                    "smoke: chromium not installed; no screenshot (apt-get install -y chromium)"
                )
            else:
                started = time.monotonic()
                device_id = await client.device_id(heater_id)
                written = await screenshot(
                    client,
                    [
                        (
                            f"/config/devices/device/{device_id}",
                            ["NWP500", "Controls", "Heat pump"],
                            ARTIFACTS / "screenshot.png",
                        )
                    ],
                )
                timings["screenshot"] = time.monotonic() - started
                _note(f"smoke: screenshot {', '.join(str(p) for p in written)}")
    finally:
        started = time.monotonic()
        code = await server.stop()
        timings["HA stop"] = time.monotonic() - started
        timings["total"] = time.monotonic() - began
        _note(
            "smoke timings: " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())
        )

    assert code == 0, f"hass exited with {code}; see {server.console_log}"
    log = server.log_file.read_text(encoding="utf-8")
    problems = log_problems(log)
    if problems:
        (ARTIFACTS).mkdir(exist_ok=True)
        (ARTIFACTS / "home-assistant.log").write_text(log, encoding="utf-8")
    assert not problems, (
        "Home Assistant logged warnings/errors about the integration "
        "(full log in artifacts/home-assistant.log):\n\n" + "\n\n".join(problems)
    )
