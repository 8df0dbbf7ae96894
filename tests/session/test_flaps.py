"""Many short flaps (lessons §1, §5): nothing leaks, every command has one outcome."""

from __future__ import annotations

import asyncio
import gc
import threading
from typing import TYPE_CHECKING

from awscrt import mqtt
import psutil

from custom_components.navien_nwp500.navilink.codec import commands
from custom_components.navien_nwp500.navilink.codec.enums import DhwOperationSetting
from custom_components.navien_nwp500.navilink.session.session import SessionState
from custom_components.navien_nwp500.navilink.session.transport import Link
from tests.session import DEVICE, eventually, fast, open_session

if TYPE_CHECKING:
    from custom_components.navien_nwp500.navilink.codec import Command
    from navilink_sim.simulator import NaviLinkSimulator

FLAPS = 200
WARM_UP = 20
CONFIG = fast(
    backoff_min=0.01,
    backoff_max=0.05,
    stable_after=0.02,
    flap_limit=1_000_000,
    control_spacing=0.0,
    control_confirm_timeout=0.5,
)


def integration_task_count() -> int:
    """Return how many live tasks run the session's own code (not the simulator's)."""
    codes = [getattr(task.get_coro(), "cr_code", None) for task in asyncio.all_tasks()]
    return sum(
        1 for c in codes if c is not None and "custom_components" in c.co_filename
    )


def links_kept() -> int:
    """Collect garbage; return the most of Link and awscrt connections alive."""
    gc.collect()
    kept = [type(o) for o in gc.get_objects() if type(o) in {Link, mqtt.Connection}]
    return max(kept.count(Link), kept.count(mqtt.Connection))


async def test_many_flaps_leak_nothing_and_lose_nothing(
    simulator: NaviLinkSimulator,
) -> None:
    process = psutil.Process()
    async with open_session(simulator, config=CONFIG) as h:
        sent: list[Command] = []
        threads = tasks = rss = 0
        for flap in range(FLAPS):
            if flap == WARM_UP:
                gc.collect()
                threads = threading.active_count()
                tasks = integration_task_count()
                rss = process.memory_info().rss
            generation = h.stats()["generation"]
            if flap % 4 == 0:
                mode = DhwOperationSetting.HEAT_PUMP if flap % 8 else 3
                command = commands.set_dhw_mode(DEVICE, None, mode)
                sent.append(command)
                await h.session.send(command)
            simulator.faults.drop_all()
            await eventually(
                lambda g=generation: (
                    h.session.state is SessionState.CONNECTED
                    and h.stats()["generation"] > g
                ),
                30.0,
                f"reconnect after flap {flap}",
            )
        # Everything below settles on its own; the bounds only stop a hang. A
        # leak keeps about one of each per flap (200) and never settles.
        await eventually(lambda: len(h.recorder.outcomes) == len(sent), 30.0)
        await eventually(lambda: h.stats()["closing_links"] == 0, 30.0, "closes")
        await eventually(
            lambda: simulator.front_door.live_connections == 1, 30.0, "one relay"
        )
        await eventually(
            lambda: threading.active_count() <= threads + 2, 30.0, "threads end"
        )
        # Only the session's tasks: the simulator's heater and app start and
        # end their own as they please.
        await eventually(lambda: integration_task_count() <= tasks + 2, 30.0, "tasks")
        # Abandoned links are freed (the SDK's native callback cycle is cut):
        # the live one, plus at most one still being freed and one held by the
        # last error's traceback.
        await eventually(lambda: links_kept() <= 3, 30.0, "links freed")
        stats = h.stats()
        assert stats["generation"] >= FLAPS + 1
        # RSS also holds the in-process simulator's own logs, hence the slack.
        assert process.memory_info().rss - rss < 40 * 1024 * 1024
        # Exactly one outcome per command, in the order they were given.
        assert [c for c, _o in h.recorder.outcomes] == sent
        queue = stats["queue"]
        assert queue["sent"] + sum(queue["dropped"].values()) == len(sent)
        assert queue["pending"] == 0
