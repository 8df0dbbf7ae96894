"""AWS key renewal (issue 9): its own time budget; only key refusals renew keys."""

from __future__ import annotations

from typing import TYPE_CHECKING

from custom_components.navien_nwp500.navilink.session.session import SessionState
from tests.session import eventually, fast, open_session

if TYPE_CHECKING:
    from navilink_sim.simulator import NaviLinkSimulator
    from tests.session import Harness

# A link operation may take 1 s; the renewal chain gets 30 s of its own.
SLOW_CLOUD = fast(
    backoff_min=0.05,
    backoff_max=0.3,
    stable_after=0.5,
    first_connect_timeout=1.0,
    key_renewal_timeout=30.0,
)


def renewals(sim: NaviLinkSimulator) -> int:
    """Every REST call that hands out new AWS keys."""
    accounts = sim.accounts
    return (
        accounts.session_refresh_count
        + accounts.secured_sign_in_count
        + accounts.sign_in_count
    )


async def reconnected(h: Harness, connects: int) -> None:
    """Wait for the session's ``connects``-th connection."""
    await eventually(
        lambda: (
            h.session.state is SessionState.CONNECTED
            and h.stats()["connects"] >= connects
        ),
        30.0,
        f"connection {connects}",
    )


async def refused_several_times(h: Harness, refused: int) -> None:
    """Wait until the gateway refused three more upgrades (several attempts)."""
    await eventually(
        lambda: h.sim.front_door.stats.refused_total >= refused + 3,
        30.0,
        "three refused upgrades",
    )


async def test_slow_key_renewal_is_not_cut_short_by_the_link_timeout(
    simulator: NaviLinkSimulator,
) -> None:
    async with open_session(simulator, config=SLOW_CLOUD) as h:
        before = renewals(simulator)
        simulator.faults.rest.delay = 1.5  # each REST call outlasts a link timeout
        simulator.faults.expire_credentials()
        simulator.faults.drop_all()
        await reconnected(h, 2)
        # One renewal, not one cancelled renewal per attempt.
        assert renewals(simulator) == before + 1


async def test_gateway_503_does_not_renew_keys_and_is_probed_once(
    simulator: NaviLinkSimulator,
) -> None:
    async with open_session(simulator, config=SLOW_CLOUD) as h:
        before = renewals(simulator)
        refused = simulator.front_door.stats.refused_total
        attempts = h.stats()["attempts_total"]
        simulator.faults.refuse_for(600, status=503)
        simulator.faults.drop_all()
        await refused_several_times(h, refused)
        simulator.faults.stop_refusing()
        await reconnected(h, 2)
        refused_now = simulator.front_door.stats.refused_total - refused
        failed_attempts = h.stats()["attempts_total"] - attempts - 1
        assert failed_attempts >= 2  # it was refused
        # Every refused attempt, plus one probe (not one probe per attempt).
        assert refused_now == failed_attempts + 1
        assert renewals(simulator) == before


async def test_refused_keys_are_renewed_for_the_very_next_attempt(
    simulator: NaviLinkSimulator,
) -> None:
    async with open_session(simulator, config=SLOW_CLOUD) as h:
        before = renewals(simulator)
        attempts = h.stats()["attempts_total"]
        seen = len(h.recorder.states)
        simulator.faults.expire_credentials()
        simulator.faults.drop_all()
        await reconnected(h, 2)
        assert renewals(simulator) == before + 1
        assert h.stats()["attempts_total"] == attempts + 2  # one refused (403)
        # Lost, one back-off slot, then the refused attempt and at once the next
        # (CONNECTING twice in a row is one state), with no slot between them.
        assert [state for _t, state, _e, _a in h.recorder.states[seen:]] == [
            SessionState.BACKING_OFF,
            SessionState.CONNECTING,
            SessionState.CONNECTED,
        ]


async def test_gateway_403_renews_keys_once_per_outage(
    simulator: NaviLinkSimulator,
) -> None:
    async with open_session(simulator, config=SLOW_CLOUD) as h:
        before = renewals(simulator)
        refused = simulator.front_door.stats.refused_total
        simulator.faults.refuse_for(600, status=403)
        simulator.faults.drop_all()
        await refused_several_times(h, refused)
        simulator.faults.stop_refusing()
        await reconnected(h, 2)
        assert renewals(simulator) == before + 1
