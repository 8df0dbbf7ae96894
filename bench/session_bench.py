"""Benchmark of the MQTT session against the simulator (real mosquitto, real awscrt).

Scenarios:
- outage: the broker is killed for 30 s (default timings) while 20 commands are
  given; prints connection attempts, recovery time after the broker returns and
  commands lost;
- flapping: 1,000 connection drops in a row (compressed timings); prints leaks
  (threads, tasks, links, memory) and commands lost;
- throughput: status messages published straight to the broker; prints the rate
  the session decodes and dispatches them;
- the resident memory of the process holding one session.

Run: ``python -m bench.session_bench`` (``--quick`` for a short smoke run).
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
import gc
import json
import logging
import threading
import time
from typing import TYPE_CHECKING

import aiohttp
import aiomqtt
import psutil

from custom_components.navien_nwp500.navilink.cloud import Endpoints, NaviLinkAuth
from custom_components.navien_nwp500.navilink.codec import (
    Device,
    DhwOperationSetting,
    commands,
)
from custom_components.navien_nwp500.navilink.session import (
    CommandOutcome,
    NaviLinkSession,
    SessionConfig,
    SessionState,
)
from navilink_sim.official_app import APP_CLIENT_PREFIX
from navilink_sim.profile import REALISTIC, app_at_real_pace
from navilink_sim.simulator import NaviLinkSimulator

if TYPE_CHECKING:
    from collections.abc import Callable

    from custom_components.navien_nwp500.navilink.codec import Command

MAC = "aabbccddeeff"
DEVICE = Device(mac=MAC, additional_value="1234", device_type=52, name="NWP500")
MB = 1024 * 1024
DELAY_SCALE = 0.05
"""The realistic heater's delays, compressed like the flapping session's timings
(an apply of 1-5 s takes 50-250 ms; the patience of 60 s takes 2 s)."""
PROFILE = app_at_real_pace(REALISTIC, DELAY_SCALE)
"""The realistic heater, its household app at its real pace."""

FLAP_CONFIG = SessionConfig(
    backoff_min=0.01,
    backoff_max=0.05,
    stable_after=0.02,
    flap_limit=1_000_000,
    control_spacing=0.0,
    control_confirm_timeout=0.5,
    control_patience=2.0,  # compressed like the other timings
    status_poll_interval=0.25,
    request_timeout=3.0,
)


async def wait_until(predicate: Callable[[], bool], limit: float) -> float:
    """Poll ``predicate`` every 10 ms; return the time it took (raise on timeout)."""
    started = time.monotonic()
    while not predicate():
        if time.monotonic() - started > limit:
            raise TimeoutError(f"condition not met within {limit} s")
        await asyncio.sleep(0.01)
    return time.monotonic() - started


class Bench:
    """One simulator and one session at a time."""

    def __init__(self, sim: NaviLinkSimulator, http: aiohttp.ClientSession) -> None:
        """Share one simulator and HTTP session between scenarios."""
        self.sim = sim
        self.http = http

    def session(self, config: SessionConfig) -> NaviLinkSession:
        """Build a session on the demo account."""
        endpoints = Endpoints(**self.sim.endpoints_kwargs)
        auth = NaviLinkAuth(
            self.http, "demo@example.com", "demo-password", endpoints=endpoints
        )
        return NaviLinkSession(auth, [DEVICE], endpoints=endpoints, config=config)

    async def outage(self, seconds: float) -> None:
        """Kill the broker for ``seconds`` with production timings."""
        session = self.session(SessionConfig(control_spacing=0.5))
        outcomes: list[CommandOutcome] = []
        attempts: list[tuple[float, int]] = []
        session.add_command_listener(lambda _c, o: outcomes.append(o))

        def on_state(state: SessionState, _error: object) -> None:
            if state is SessionState.CONNECTING:
                attempts.append((time.monotonic(), session.statistics()["attempt"]))

        session.add_state_listener(on_state)
        await session.start()
        try:
            await asyncio.sleep(SessionConfig().stable_after + 1)
            killed = time.monotonic()
            self.sim.faults.kill_broker()
            await wait_until(lambda: session.state is not SessionState.CONNECTED, 5)
            noticed = time.monotonic() - killed
            sent = [
                commands.set_dhw_mode(DEVICE, None, DhwOperationSetting(1 + i % 4))
                for i in range(20)
            ]
            for command in sent:
                await session.send(command)
            await asyncio.sleep(max(0.0, seconds - (time.monotonic() - killed)))
            await self.sim.faults.start_broker()
            back = time.monotonic()
            recovery = await wait_until(
                lambda: session.state is SessionState.CONNECTED, 180
            )
            await wait_until(lambda: len(outcomes) == len(sent), 60)
        finally:
            await session.close()
        during = [a for t, a in attempts if killed <= t <= back + recovery]
        delivered = outcomes.count(CommandOutcome.DELIVERED)
        seen = [  # our mode controls (the household app sends its own)
            r["request"]["param"]
            for r in self.sim.heaters[MAC].received
            if r["request"]["command"] == 33554437
            and not str(r.get("clientID")).startswith(APP_CLIENT_PREFIX)
        ]
        in_order = seen[-len(sent) :] == [list(c.request["param"]) for c in sent]
        print(
            f"outage {seconds:.0f} s (slots 0.5-2 s, then 5-10 s for 2 min, cap 120 s)"
        )
        print(f"  loss noticed after         {noticed * 1000:.0f} ms")
        print(f"  connection attempts        {len(during)} (numbers {during})")
        print(f"  connected after broker up  {recovery:.2f} s")
        print(f"  commands given offline     {len(sent)}")
        print(f"  delivered / lost           {delivered} / {len(sent) - delivered}")
        print(f"  device saw them in order   {in_order}")

    async def flapping(self, flaps: int, *, until_status: bool = False) -> None:
        """Cut the connection ``flaps`` times in a row (compressed timings).

        ``until_status``: each link lives until it carried one status message
        (else it is cut as soon as the session reads connected, before its
        first reply can arrive).
        """
        session = self.session(FLAP_CONFIG)
        outcomes: list[tuple[Command, CommandOutcome]] = []
        session.add_command_listener(lambda c, o: outcomes.append((c, o)))
        statuses = [0]
        session.add_status_listener(
            lambda _d, _s: statuses.__setitem__(0, statuses[0] + 1)
        )
        process = psutil.Process()
        await session.start()
        sent: list[Command] = []
        base: dict[str, float] = {}
        started = time.monotonic()
        try:
            for flap in range(flaps):
                if flap == 20:
                    gc.collect()
                    base = {
                        "threads": threading.active_count(),
                        "tasks": len(asyncio.all_tasks()),
                        "rss": process.memory_info().rss,
                    }
                generation = session.statistics()["generation"]
                heard = statuses[0]
                if flap % 4 == 0:
                    command = commands.set_dhw_mode(
                        DEVICE, None, DhwOperationSetting(1 + flap % 3)
                    )
                    sent.append(command)
                    await session.send(command)
                self.sim.faults.drop_all()

                def reconnected(g: int = generation, h: int = heard) -> bool:
                    return (
                        session.state is SessionState.CONNECTED
                        and session.statistics()["generation"] > g
                        and (not until_status or statuses[0] > h)
                    )

                await wait_until(reconnected, 5)
            elapsed = time.monotonic() - started
            decided_while_flapping = len(outcomes)
            # What is still queued is sent one at a time, each bounded by its wait
            # for an answer and its patience for a status (the heater answers late).
            per_command = (
                FLAP_CONFIG.control_confirm_timeout + FLAP_CONFIG.control_patience
            )
            drained = await wait_until(
                lambda: len(outcomes) == len(sent),
                30 + (len(sent) - decided_while_flapping) * per_command,
            )
            await wait_until(lambda: session.statistics()["closing_links"] == 0, 10)
            await wait_until(lambda: self.sim.front_door.live_connections == 1, 10)
            gc.collect()
            stats = session.statistics()
            live = self.sim.front_door.live_connections
        finally:
            await session.close()
        delivered = sum(1 for _c, o in outcomes if o is CommandOutcome.DELIVERED)
        ordered = [c for c, _o in outcomes] == sent
        lives = "until its first status" if until_status else "until connected"
        print(f"flapping: {flaps} drops in {elapsed:.1f} s (each link lives {lives})")
        print(f"  generations                {stats['generation']}")
        print(
            f"  stale/repeated reports     {stats['stale_reports']}/{stats['repeated_reports']}"
        )
        print(f"  live links at the end      {live} (ours)")
        print(
            "  threads / tasks growth     "
            f"{threading.active_count() - base['threads']:+.0f} / "
            f"{len(asyncio.all_tasks()) - base['tasks']:+.0f}"
        )
        print(
            f"  RSS growth                 {(process.memory_info().rss - base['rss']) / MB:+.1f} MiB"
        )
        print(
            f"  commands given / delivered {len(sent)} / {delivered} (one outcome each, in order: {ordered})"
        )
        print(
            f"  outcomes while flapping    {decided_while_flapping}"
            f" (the rest within {drained:.1f} s after)"
        )
        print(
            f"  outcomes                   {dict(Counter(o.value for _c, o in outcomes))}"
        )

    async def throughput(self, count: int) -> None:
        """Publish ``count`` status messages to the device topic; time the dispatch."""
        session = self.session(SessionConfig())
        heard = 0

        def on_status(_device: object, _status: object) -> None:
            nonlocal heard
            heard += 1

        session.add_status_listener(on_status)
        await session.start()
        try:
            await wait_until(lambda: heard > 0, 10)
            base = heard
            status = dict(self.sim.heaters[MAC].status)
            payload = json.dumps(
                {
                    "protocolVersion": 2,
                    "sessionID": "1",
                    "response": {"deviceType": 52, "macAddress": MAC, "status": status},
                }
            ).encode()
            topic = f"cmd/52/navilink-{MAC}/res"
            async with aiomqtt.Client(
                self.sim.broker.host,
                self.sim.broker.port,
                max_queued_outgoing_messages=count + 10,
            ) as mq:
                started = time.monotonic()
                for _ in range(count):
                    await mq.publish(topic, payload, qos=0)
                await wait_until(lambda: heard - base >= count * 0.99, 120)
                elapsed = time.monotonic() - started
            got = heard - base
            # The same work without the broker and the SDK thread hop: what
            # the event loop itself can decode and dispatch.
            generation = session.statistics()["generation"]
            handle = session._connection._link_message  # noqa: SLF001 (measuring it)
            started_local = time.perf_counter()
            for _ in range(count):
                handle(generation, topic, payload)
            local = time.perf_counter() - started_local
        finally:
            await session.close()
        print(f"throughput: {got}/{count} status messages ({len(payload)} B each)")
        print(f"  through the broker (QoS 0) {got / elapsed:,.0f} messages/s")
        print(
            f"  decode + dispatch on loop  {(heard - base - got) / local:,.0f} messages/s"
        )

    async def resident(self) -> None:
        """RSS of this process with one idle connected session."""
        gc.collect()
        before = psutil.Process().memory_info().rss
        session = self.session(SessionConfig())
        await session.start()
        await asyncio.sleep(2)
        gc.collect()
        after = psutil.Process().memory_info().rss
        await session.close()
        print(f"memory: process RSS {after / MB:.1f} MiB with one session")
        print(
            f"  (the session and its connection added {(after - before) / MB:+.1f} MiB)"
        )


async def main(args: argparse.Namespace) -> None:
    """Run every scenario against one simulator."""
    async with (
        NaviLinkSimulator(
            push_interval=None, profile=PROFILE, delay_scale=DELAY_SCALE
        ) as sim,
        aiohttp.ClientSession() as http,
    ):
        bench = Bench(sim, http)
        await bench.resident()
        await bench.throughput(args.messages)
        await bench.flapping(args.flaps)
        await bench.flapping(args.flaps, until_status=True)
        await bench.outage(args.outage)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outage", type=float, default=30.0, help="seconds")
    parser.add_argument("--flaps", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parsed = parser.parse_args()
    if parsed.quick:
        parsed = argparse.Namespace(outage=5.0, flaps=100, messages=2000, quick=True)
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main(parsed))
