"""Run the simulator until Ctrl-C: ``python -m navilink_sim [options]``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys

from .profile import PROFILES
from .simulator import NaviLinkSimulator


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m navilink_sim",
        description="Simulated NaviLink cloud (REST + AWS IoT MQTT) with NWP500 heaters.",
    )
    parser.add_argument("--port-rest", type=int, default=0, help="REST port (0 = free)")
    parser.add_argument(
        "--port-iot", type=int, default=0, help="MQTT/WSS port (0 = free)"
    )
    parser.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        help="simulated seconds per real second (physics only)",
    )
    parser.add_argument(
        "--push-interval",
        type=float,
        default=30.0,
        help="seconds between unsolicited status pushes (0 = never)",
    )
    parser.add_argument(
        "--profile",
        choices=sorted(PROFILES),
        default="realistic",
        help="how true to life the heaters are (navilink_sim.profile)",
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="seed of every random behaviour"
    )
    parser.add_argument(
        "--delay-scale",
        type=float,
        default=1.0,
        help="multiplies every delay of the profile",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    return parser.parse_args(argv)


def _profile_name(sim: NaviLinkSimulator) -> str:
    named = (name for name, profile in PROFILES.items() if profile == sim.profile)
    return next(named, "custom")


def _describe(sim: NaviLinkSimulator) -> str:
    ep = sim.endpoints_kwargs
    lines = [
        "NaviLink simulator running",
        f"  REST base URL : {ep['api_base_url']}",
        f"  IoT endpoint  : wss://{ep['iot_host']}:{ep['iot_port']}/mqtt (SigV4, region us-east-1)",
        f"  CA file       : {ep['ca_file']}",
        f"  time scale    : {sim.time_scale:g}x",
        f"  profile       : {_profile_name(sim)}",
    ]
    for account in sim.account_list:
        lines.append(f"  account       : {account.email} / {account.password}")
        lines.extend(
            f"    device      : {d.name} mac={d.mac} type={d.device_type}"
            for d in account.devices
        )
    lines.append("Press Ctrl-C to stop.")
    return "\n".join(lines)


async def _run(args: argparse.Namespace) -> None:
    sim = NaviLinkSimulator(
        rest_port=args.port_rest,
        iot_port=args.port_iot,
        time_scale=args.time_scale,
        push_interval=args.push_interval or None,
        profile=args.profile,
        seed=args.seed,
        delay_scale=args.delay_scale,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with sim:
            print(_describe(sim), flush=True)
            await stop.wait()
            print("stopping...", flush=True)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(Exception):
                loop.remove_signal_handler(sig)


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    args = _parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    asyncio.run(_run(args))
    print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
