"""Soak: N real connect -> subscribe -> drop cycles of one session; prints leaks.

The simulator (real mosquitto, the SigV4 WebSocket front door) runs in a child
process so that its own memory does not count: this process holds only the
session, real awscrt included. Each cycle the front door cuts every connection;
the session notices, builds a new link (new awscrt connection, fresh keys),
connects, subscribes and asks for status; then the next cut comes. Printed:
RSS, live awscrt connection objects after ``gc.collect()``, threads and open
file descriptors, before (after a warm-up) and after.

Run: ``python -m bench.soak_connections [--cycles 1000]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import multiprocessing
import multiprocessing.connection
import threading
import time
from typing import TYPE_CHECKING, Any

import aiohttp
from awscrt import mqtt
import psutil

from custom_components.navien_nwp500.navilink.cloud import Endpoints, NaviLinkAuth
from custom_components.navien_nwp500.navilink.codec import Device
from custom_components.navien_nwp500.navilink.session import (
    NaviLinkSession,
    SessionConfig,
    SessionState,
)
from custom_components.navien_nwp500.navilink.session.transport import Link
from navilink_sim.simulator import NaviLinkSimulator

if TYPE_CHECKING:
    from collections.abc import Callable

DEVICE = Device(
    mac="aabbccddeeff", additional_value="1234", device_type=52, name="NWP500"
)
MIB = 1024 * 1024
WARM_UP = 20
CONFIG = SessionConfig(
    backoff_min=0.01,
    backoff_first_max=0.02,
    backoff_quick_min=0.01,
    backoff_quick_max=0.02,
    backoff_max=0.05,
    stable_after=0.02,
    flap_limit=1_000_000,  # a soak is not a flapping network
    request_timeout=5.0,
)


def run_simulator(pipe: multiprocessing.connection.Connection) -> None:
    """Child process: run the simulator and obey "drop", "live" and "stop"."""
    asyncio.run(_serve_simulator(pipe))


async def _serve_simulator(pipe: multiprocessing.connection.Connection) -> None:
    loop = asyncio.get_running_loop()
    async with NaviLinkSimulator(push_interval=None) as sim:
        pipe.send(sim.endpoints_kwargs)
        while True:
            command = await loop.run_in_executor(None, pipe.recv)
            if command == "stop":
                return
            if command == "drop":
                pipe.send(sim.faults.drop_all())
            elif command == "live":
                pipe.send(sim.front_door.live_connections)


class Simulator:
    """The simulator in its child process."""

    def __init__(self) -> None:
        """Start the child and wait for its endpoints."""
        context = multiprocessing.get_context("spawn")
        self._pipe, child = context.Pipe()
        self._process = context.Process(target=run_simulator, args=(child,))
        self._process.start()
        self.endpoints: dict[str, Any] = self._pipe.recv()

    async def ask(self, command: str) -> Any:
        """Send ``command`` and return the answer (off the event loop)."""
        self._pipe.send(command)
        return await asyncio.to_thread(self._pipe.recv)

    def stop(self) -> None:
        """Stop the child."""
        with contextlib.suppress(OSError):
            self._pipe.send("stop")
        self._process.join(30)
        if self._process.is_alive():
            self._process.kill()


async def wait_until(predicate: Callable[[], bool], limit: float) -> None:
    """Poll ``predicate`` every 5 ms; raise TimeoutError after ``limit`` s."""
    deadline = time.monotonic() + limit
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"condition not met within {limit} s")
        await asyncio.sleep(0.005)


def snapshot(process: psutil.Process) -> dict[str, int]:
    """Collect garbage, then count what a leak would grow."""
    gc.collect()
    kinds = [type(o) for o in gc.get_objects()]
    return {
        "rss": process.memory_info().rss,
        "connections": kinds.count(mqtt.Connection),
        "links": kinds.count(Link),
        "threads": threading.active_count(),
        "fds": process.num_fds(),
    }


async def soak(sim: Simulator, cycles: int) -> None:
    """Run ``cycles`` connect -> subscribe -> drop cycles and print the figures."""
    process = psutil.Process()
    endpoints = Endpoints(**sim.endpoints)
    async with aiohttp.ClientSession() as http:
        auth = NaviLinkAuth(
            http, "demo@example.com", "demo-password", endpoints=endpoints
        )
        session = NaviLinkSession(auth, [DEVICE], endpoints=endpoints, config=CONFIG)
        await session.start()
        before: dict[str, int] = {}
        started = time.monotonic()
        try:
            for cycle in range(WARM_UP + cycles):
                if cycle == WARM_UP:
                    await wait_until(
                        lambda: session.statistics()["closing_links"] == 0, 10
                    )
                    before = snapshot(process)
                    started = time.monotonic()
                generation = session.statistics()["generation"]
                await sim.ask("drop")
                await wait_until(
                    lambda g=generation: (
                        session.state is SessionState.CONNECTED
                        and session.statistics()["generation"] > g
                    ),
                    10,
                )
            elapsed = time.monotonic() - started
            await wait_until(lambda: session.statistics()["closing_links"] == 0, 10)
            after = snapshot(process)
            live = await sim.ask("live")
            generation = session.statistics()["generation"]
        finally:
            await session.close()
    print(f"soak: {cycles} connect -> subscribe -> drop cycles in {elapsed:.1f} s")
    print(f"  ({elapsed / cycles * 1000:.0f} ms a cycle; generation {generation})")
    print(f"  {'':24}{'before':>12}{'after':>12}{'growth':>12}")
    for key, label in (
        ("connections", "awscrt connections"),
        ("links", "links"),
        ("threads", "threads"),
        ("fds", "open fds"),
    ):
        growth = after[key] - before[key]
        print(f"  {label:24}{before[key]:>12}{after[key]:>12}{growth:>+12}")
    rss = (after["rss"] - before["rss"]) / MIB
    print(
        f"  {'RSS (MiB)':24}{before['rss'] / MIB:>12.1f}"
        f"{after['rss'] / MIB:>12.1f}{rss:>+12.2f}"
    )
    print(f"  live connections at the front door: {live} (ours)")
    verdict = after["connections"] <= 1 and rss < 1.0
    print(f"  target (<= 1 connection alive, RSS growth < 1 MiB): {verdict}")


def main() -> None:
    """Parse the options, start the simulator process and soak."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=1000)
    args = parser.parse_args()
    sim = Simulator()
    try:
        asyncio.run(soak(sim, args.cycles))
    finally:
        sim.stop()


if __name__ == "__main__":
    main()
