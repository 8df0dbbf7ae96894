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
                tasks = len(asyncio.all_tasks())
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
                3.0,
                f"reconnect after flap {flap}",
            )
        await eventually(lambda: len(h.recorder.outcomes) == len(sent), 10.0)
        await eventually(lambda: h.stats()["closing_links"] == 0, 5.0, "closes")
        await eventually(lambda: simulator.front_door.live_connections == 1, 5.0)
        gc.collect()
        stats = h.stats()
        assert stats["generation"] >= FLAPS + 1
        assert threading.active_count() <= threads + 2
        assert len(asyncio.all_tasks()) <= tasks + 2
        # Abandoned links are freed (the SDK's native callback cycle is cut);
        # RSS also holds the in-process simulator's own logs, hence the slack.
        kept = [type(o) for o in gc.get_objects() if type(o) in {Link, mqtt.Connection}]
        # The live one, plus at most one still closing and one held by the last
        # error's traceback; a leak would keep about one per flap (200).
        assert kept.count(Link) <= 3
        assert kept.count(mqtt.Connection) <= 3
        assert process.memory_info().rss - rss < 40 * 1024 * 1024
        # Exactly one outcome per command, in the order they were given.
        assert [c for c, _o in h.recorder.outcomes] == sent
        queue = stats["queue"]
        assert queue["sent"] + sum(queue["dropped"].values()) == len(sent)
        assert queue["pending"] == 0
