"""The demo's steps in order, until cancelled; ``main`` is ``script/develop``."""

import argparse
import asyncio
from dataclasses import replace
from datetime import UTC, datetime
import logging
from pathlib import Path
import signal
import sys
import time

import aiohttp

from .config_dir import configured_port, write_config
from .energy_view import HISTORY_DASHBOARD, show_energy_history
from .hass_client import HassClient
from .screenshot import screenshot
from .server import HomeAssistantServer
from .shared import (
    DEFAULT_PORT,
    DEMO_DRAW_INTERVAL,
    DEMO_PUSH_INTERVAL,
    DEMO_TIME_SCALE,
    HASS,
    OWNER_PASSWORD,
    OWNER_USERNAME,
    RESTART_EXIT_CODE,
    ROOT,
    DemoError,
    wait_for,
)
from .simulator import port_in_use, simulator_env
from .summary import print_summary


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
    from navilink_sim.profile import resolve
    from navilink_sim.simulator import NaviLinkSimulator

    config_dir: Path = args.config
    port = configured_port(config_dir) or args.port
    if port_in_use(port):
        raise DemoError(
            f"port {port} is in use (another Home Assistant or script/develop?);"
            f" free it, or change server_port in {config_dir / 'configuration.yaml'}"
        )
    account = demo_account()
    profile = resolve(args.profile)
    if args.installed_days is not None:
        profile = replace(profile, installed_days=args.installed_days)
    sim = NaviLinkSimulator(
        device_clock_start=datetime.now(UTC),  # history up to yesterday
        time_scale=args.time_scale,
        draw_interval=args.draw_interval or None,
        push_interval=args.push_interval or None,
        profile=profile,
        seed=args.seed,
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
                    try:
                        await show_energy_history(
                            client, [device.mac for device in account.devices]
                        )
                    except DemoError as err:
                        print(f"warning: energy history not shown: {err}")
                    print_summary(server, sim, entities, up, time.monotonic() - started)
                    if args.screenshots is not None:
                        await _take_screenshots(client, entities, args.screenshots)
                        return
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


async def _take_screenshots(
    client: HassClient, entities: list[str], folder: Path
) -> None:
    """Screenshot the device page and a year of energy into ``folder``, for the docs."""
    heater = next(e for e in entities if e.startswith("water_heater."))
    device = await client.device_id(heater)
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    pages = [
        (
            f"/config/devices/device/{device}",
            ["Hot water available", "Showers available", "Start vacation"],
            folder / "device.png",
        ),
        (f"/{HISTORY_DASHBOARD}/0", ["Energy per week"], folder / "energy.png"),
    ]
    for path in await screenshot(client, pages[:1], window=(1280, 2400)):
        print(f"Screenshot: {path}")
    for path in await screenshot(client, pages[1:], settle=6.0):
        print(f"Screenshot: {path}")


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
    parser.add_argument(
        "--profile",
        choices=("ideal", "realistic"),
        default="realistic",
        help="how true to life the simulated heater is (late controls, lost replies...)",
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="seed of the simulator's random behaviour"
    )
    parser.add_argument(
        "--installed-days",
        type=int,
        metavar="DAYS",
        help="days of energy history before today (default: the profile's;"
        " 400 shows a full year)",
    )
    parser.add_argument(
        "--screenshots",
        type=Path,
        metavar="DIR",
        help="take the docs' screenshots (device page, a year of energy) into DIR, then stop",
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
