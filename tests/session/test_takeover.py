"""Client-ID takeover (lessons §5, protocol §3.3): notice it, back off, report it."""

from __future__ import annotations

import asyncio
import itertools
import time
from typing import TYPE_CHECKING

from awscrt import auth as crt_auth, mqtt
from awsiot import mqtt_connection_builder

from custom_components.navien_nwp500.navilink.session import (
    SessionState,
    TakeoverError,
)
from tests.session import eventually, fast, open_session

if TYPE_CHECKING:
    from navilink_sim.simulator import NaviLinkSimulator

CONFIG = fast(
    backoff_min=0.05,
    backoff_max=2.0,
    stable_after=2.5,
    takeover_window=20.0,
    takeover_limit=3,
)


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


async def test_takeover_backs_off_reports_and_recovers(
    simulator: NaviLinkSimulator,
) -> None:
    async with open_session(simulator, config=CONFIG) as h:
        await asyncio.sleep(0.5)
        other = intruder(simulator, h.session.client_id)
        await asyncio.wrap_future(other.connect())
        started = time.monotonic()
        try:
            await eventually(
                lambda: h.stats()["takeover_suspected"], 10.0, "takeover noticed"
            )
            detected = time.monotonic()
            await asyncio.sleep(8.0)
        finally:
            await asyncio.wait_for(asyncio.wrap_future(other.disconnect()), 5.0)
        fighting = [
            t for t, s, _e, _a in h.recorder.states if s is SessionState.CONNECTING
        ]
        fighting = [t for t in fighting if started <= t]
        after = [t for t in fighting if t > detected]
        gaps = [b - a for a, b in itertools.pairwise(after)]
        assert all(gap >= CONFIG.backoff_max / 2 for gap in gaps)
        # Unprotected, the fight is a reconnect about every second forever.
        assert len(after) <= 8.0 / (CONFIG.backoff_max / 2) + 1
        reported = [e for _t, _s, e, _a in h.recorder.states if e is not None]
        assert any(isinstance(e, TakeoverError) for e in reported)

        # The other client is gone: the next stable connection clears the report.
        await eventually(
            lambda: (
                h.session.state is SessionState.CONNECTED
                and not h.stats()["takeover_suspected"]
            ),
            CONFIG.backoff_max + CONFIG.stable_after + 2.0,
            "recovery",
        )
        _t, state, error, _a = h.recorder.states[-1]
        assert state is SessionState.CONNECTED
        assert error is None
