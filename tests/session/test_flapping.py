"""Connections that drop right after they are made (issue 9): flapping, not takeover.

A flapping network and a second client with our client ID look alike to the
session: links that die young. It backs off gently, reports an error only once
that lasted ``flap_report_after``, keeps the report steady while it lasts, and
is back within one short slot once the network is stable again.
"""

from __future__ import annotations

import asyncio
import itertools
from typing import TYPE_CHECKING

from awscrt import auth as crt_auth, mqtt
from awsiot import mqtt_connection_builder

from custom_components.navien_nwp500.navilink.session.session_types import (
    SessionState,
    UnstableConnectionError,
)
from tests.session import eventually, fast, open_session

if TYPE_CHECKING:
    from navilink_sim.simulator import NaviLinkSimulator
    from tests.session import Harness

FLAPPY = fast(
    backoff_min=0.05,
    backoff_first_max=0.1,
    backoff_quick_min=0.05,
    backoff_quick_max=0.1,
    backoff_max=1.0,
    flap_backoff_min=0.2,
    flap_backoff_max=0.4,
    stable_after=1.5,
    flap_window=20.0,
    flap_limit=3,
    flap_report_after=3600.0,
)


async def flap(h: Harness, times: int) -> None:
    """Drop the connection right after the session made it, ``times`` times."""
    for _ in range(times):
        await eventually(
            lambda: h.session.state is SessionState.CONNECTED, 20.0, "a connection"
        )
        generation = h.stats()["generation"]
        h.sim.faults.drop_all()
        await eventually(
            lambda g=generation: (
                h.session.state is not SessionState.CONNECTED
                or h.stats()["generation"] > g
            ),
            30.0,
            "the drop noticed",
        )


def reported(h: Harness) -> list[tuple[SessionState, object]]:
    """Every state the session reported, with its error."""
    return [(state, error) for _t, state, error, _a in h.recorder.states]


async def test_flapping_network_raises_no_error_before_it_lasts_and_recovers_in_one_slot(
    simulator: NaviLinkSimulator,
) -> None:
    async with open_session(simulator, config=FLAPPY) as h:
        await flap(h, 9)
        assert h.stats()["flapping"]
        await eventually(lambda: h.session.state is SessionState.CONNECTED, 20.0)
        marker = len(h.recorder.states)
        await flap(h, 1)  # the last drop: the network is stable from now on
        await eventually(
            lambda: (
                h.session.state is SessionState.CONNECTED and not h.stats()["flapping"]
            ),
            30.0,
            "a stable connection",
        )
        # One short flapping slot, and its one attempt connected.
        after = h.recorder.states[marker:]
        assert sum(1 for _t, s, _e, _a in after if s is SessionState.CONNECTING) == 1
        stats = h.stats()
        assert stats["last_backoff_s"] <= FLAPPY.flap_backoff_max
        assert stats["flap_runs"] == 1  # noticed once, not once per drop
        assert all(error is None for _state, error in reported(h))


async def test_lasting_flapping_is_reported_steadily_and_cleared_when_stable(
    simulator: NaviLinkSimulator,
) -> None:
    config = fast(
        **{
            k: getattr(FLAPPY, k)
            for k in (
                "backoff_min",
                "backoff_first_max",
                "backoff_quick_min",
                "backoff_quick_max",
                "backoff_max",
                "flap_backoff_min",
                "flap_backoff_max",
                "stable_after",
                "flap_window",
                "flap_limit",
            )
        },
        flap_report_after=1.0,
    )
    async with open_session(simulator, config=config) as h:
        while not h.stats()["unstable_reported"]:
            await flap(h, 1)
        await flap(h, 4)  # it goes on: connecting, connected, backing off ...
        await eventually(
            lambda: (
                h.session.state is SessionState.CONNECTED
                and not h.stats()["unstable_reported"]
            ),
            30.0,
            "the report cleared by a stable connection",
        )
        states = reported(h)
        first = next(
            i
            for i, (_s, e) in enumerate(states)
            if isinstance(e, UnstableConnectionError)
        )
        *during, last = states[first:]
        # While it lasts, every state carries the report: no flicker.
        assert len(during) >= 8
        assert all(isinstance(e, UnstableConnectionError) for _s, e in during)
        assert "keeps dropping right after it is made" in str(during[0][1])
        assert last == (SessionState.CONNECTED, None)
        # Nothing reported before it had lasted: the earlier states were clean.
        assert all(e is None for _s, e in states[:first])


def intruder(sim: NaviLinkSimulator, client_id: str) -> mqtt.Connection:
    """Another awscrt client with our ID whose SDK reconnects 1 s after a kick."""
    keys = sim.issue_aws()
    provider = crt_auth.AwsCredentialsProvider.new_static(
        keys.access_key_id, keys.secret_key, keys.session_token
    )
    return mqtt_connection_builder.websockets_with_default_aws_signing(
        region="us-east-1",
        credentials_provider=provider,
        endpoint="127.0.0.1",
        port=sim.iot_port,
        ca_filepath=sim.ca_file,
        client_id=client_id,
        clean_session=True,
        keep_alive_secs=30,
        reconnect_min_timeout_secs=1,
        reconnect_max_timeout_secs=1,
    )


async def test_client_id_fight_backs_off_with_flapping_slots_and_recovers(
    simulator: NaviLinkSimulator,
) -> None:
    config = fast(
        backoff_min=0.05,
        backoff_max=2.0,
        flap_backoff_min=1.0,
        flap_backoff_max=2.0,
        stable_after=2.5,
        flap_window=20.0,
        flap_limit=3,
        flap_report_after=0.5,
    )
    async with open_session(simulator, config=config) as h:
        await eventually(lambda: h.stats()["generation"] == 1, 30.0)
        other = intruder(simulator, h.session.client_id)
        await asyncio.wrap_future(other.connect())
        try:
            await eventually(lambda: h.stats()["flapping"], 20.0, "flapping noticed")
            marker = len(h.recorder.states)
            await eventually(lambda: h.stats()["unstable_reported"], 20.0, "the report")
            await eventually(
                lambda: h.recorder.count(SessionState.CONNECTING) >= 4 + marker // 4,
                30.0,
                "a few more attempts",
            )
        finally:
            await asyncio.wait_for(asyncio.wrap_future(other.disconnect()), 5.0)
        fighting = [
            t
            for t, s, _e, _a in h.recorder.states[marker:]
            if s is SessionState.CONNECTING
        ]
        # Unprotected, the fight is a reconnect about every second forever.
        gaps = [b - a for a, b in itertools.pairwise(fighting)]
        assert all(gap >= config.flap_backoff_min for gap in gaps)
        # The other client is gone: the next stable connection clears the report.
        await eventually(
            lambda: (
                h.session.state is SessionState.CONNECTED
                and not h.stats()["unstable_reported"]
            ),
            config.flap_backoff_max + config.stable_after + 10.0,
            "recovery",
        )
        _t, state, error, _a = h.recorder.states[-1]
        assert state is SessionState.CONNECTED
        assert error is None
