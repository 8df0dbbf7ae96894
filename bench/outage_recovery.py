"""Outage recovery: how soon the session is back after the broker returns.

Production reconnect timings (quick jittered slots for the first two minutes
of an outage, then growing to the cap). Each run kills the simulated broker
for the given time, starts it again and measures the time from its return to
the session's CONNECTED; printed per outage length: every run, median and max,
and the attempts made during the outage.

Run: ``python -m bench.outage_recovery [--runs 3] [--outages 30 90]``.
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import replace
import statistics
import time
from typing import TYPE_CHECKING

import aiohttp

from custom_components.navien_nwp500.navilink.cloud import Endpoints, NaviLinkAuth
from custom_components.navien_nwp500.navilink.codec import Device
from custom_components.navien_nwp500.navilink.session import (
    NaviLinkSession,
    SessionConfig,
    SessionState,
)
from navilink_sim.simulator import NaviLinkSimulator

if TYPE_CHECKING:
    from collections.abc import Callable

DEVICE = Device(
    mac="aabbccddeeff", additional_value="1234", device_type=52, name="NWP500"
)
# Production timings, except that a link is "stable" (ends the outage) sooner,
# so that runs need not wait 30 s for a fresh start.
CONFIG = replace(SessionConfig(), stable_after=2.0)


async def wait_until(predicate: Callable[[], bool], limit: float) -> None:
    """Poll ``predicate`` every 10 ms; raise TimeoutError after ``limit`` s."""
    deadline = time.monotonic() + limit
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"condition not met within {limit} s")
        await asyncio.sleep(0.01)


async def one_outage(
    sim: NaviLinkSimulator, session: NaviLinkSession, seconds: float
) -> tuple[float, int]:
    """Kill the broker for ``seconds``; return (recovery time, attempts made)."""
    # A fresh outage: the last connection has proved stable.
    await wait_until(lambda: session.statistics()["attempt"] == 0, 60)
    attempts = session.statistics()["attempts_total"]
    sim.faults.kill_broker()
    await wait_until(lambda: session.state is not SessionState.CONNECTED, 30)
    await asyncio.sleep(seconds)
    await sim.faults.start_broker()
    back = time.monotonic()
    await wait_until(lambda: session.state is SessionState.CONNECTED, 300)
    recovery = time.monotonic() - back
    return recovery, session.statistics()["attempts_total"] - attempts


async def bench(runs: int, outages: list[float]) -> None:
    """Measure ``runs`` recoveries for each outage length and print them."""
    async with (
        NaviLinkSimulator(push_interval=None) as sim,
        aiohttp.ClientSession() as http,
    ):
        endpoints = Endpoints(**sim.endpoints_kwargs)
        auth = NaviLinkAuth(
            http, "demo@example.com", "demo-password", endpoints=endpoints
        )
        session = NaviLinkSession(auth, [DEVICE], endpoints=endpoints, config=CONFIG)
        await session.start()
        try:
            print(
                "outage recovery (slots: first "
                f"{CONFIG.backoff_min:g}-{CONFIG.backoff_first_max:g} s, then "
                f"{CONFIG.backoff_quick_min:g}-{CONFIG.backoff_quick_max:g} s for "
                f"{CONFIG.backoff_quick_for:g} s, cap {CONFIG.backoff_max:g} s)"
            )
            for seconds in outages:
                results = [await one_outage(sim, session, seconds) for _ in range(runs)]
                times = [r for r, _a in results]
                print(
                    f"  {seconds:>4.0f} s outage, {runs} runs: back after broker "
                    f"median {statistics.median(times):.1f} s, max {max(times):.1f} s"
                    f" (runs: {', '.join(f'{t:.1f}' for t in times)};"
                    f" attempts: {', '.join(str(a) for _r, a in results)})"
                )
        finally:
            await session.close()


def main() -> None:
    """Parse the options and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--outages", type=float, nargs="+", default=[30.0, 90.0])
    args = parser.parse_args()
    asyncio.run(bench(args.runs, args.outages))


if __name__ == "__main__":
    main()
