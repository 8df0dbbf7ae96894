"""The unstable-connection repair (issue 9): only when it lasts, steady, then gone."""

from functools import partial
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntryState
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.translation import async_get_translations
import pytest

from custom_components.navien_nwp500.const import DOMAIN
from custom_components.navien_nwp500.navilink.session.session_types import (
    SessionConfig,
    SessionState,
    UnstableConnectionError,
)

from .helpers import wait_for

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from pytest_homeassistant_custom_component.common import MockConfigEntry

    from custom_components.navien_nwp500.navilink.session.session_types import (
        SessionError,
    )
    from navilink_sim.simulator import NaviLinkSimulator

pytestmark = pytest.mark.simulator(time_scale=0, push_interval=None)

FLAPPY = partial(
    SessionConfig,
    backoff_min=0.05,
    backoff_first_max=0.1,
    backoff_quick_min=0.05,
    backoff_quick_max=0.1,
    backoff_max=0.5,
    flap_backoff_min=0.2,
    flap_backoff_max=0.4,
    stable_after=1.5,
    flap_window=20.0,
    flap_limit=3,
    flap_report_after=1.0,
)


async def test_repair_appears_only_once_drops_last_stays_steady_and_clears(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    point_at_simulator: NaviLinkSimulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        "custom_components.navien_nwp500.coordinator.SessionConfig", FLAPPY
    )
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    assert mock_config_entry.state is ConfigEntryState.LOADED
    session = mock_config_entry.runtime_data.session
    issue_id = f"connection_unstable_{mock_config_entry.entry_id}"
    registry = ir.async_get(hass)
    seen: list[tuple[SessionState, SessionError | None, bool]] = []

    def record(state: SessionState, error: SessionError | None) -> None:
        # Registered after the coordinator's listener: the issue is up to date.
        issue = registry.async_get_issue(DOMAIN, issue_id)
        seen.append((state, error, issue is not None))

    session.add_state_listener(record)
    while not any(isinstance(e, UnstableConnectionError) for _s, e, _i in seen):
        await wait_for(hass, lambda: session.state is SessionState.CONNECTED)
        generation = session.statistics()["generation"]
        point_at_simulator.faults.drop_all()
        await wait_for(
            hass,
            lambda g=generation: (
                session.state is not SessionState.CONNECTED
                or session.statistics()["generation"] > g
            ),
        )
    await wait_for(
        hass,
        lambda: (
            session.state is SessionState.CONNECTED
            and not session.statistics()["unstable_reported"]
        ),
        30.0,
    )
    first = next(
        i
        for i, (_s, e, _i) in enumerate(seen)
        if isinstance(e, UnstableConnectionError)
    )
    assert not any(issue for _s, _e, issue in seen[:first])  # not before it lasted
    assert all(issue for _s, _e, issue in seen[first:-1])  # no flicker meanwhile
    assert seen[-1] == (SessionState.CONNECTED, None, False)  # gone once stable
    issue = registry.async_get_issue(DOMAIN, issue_id)
    assert issue is None
    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)


async def test_repair_text_does_not_claim_a_sign_in_elsewhere(
    hass: HomeAssistant,
) -> None:
    texts = await async_get_translations(hass, "en", "issues", [DOMAIN])
    title = texts[f"component.{DOMAIN}.issues.connection_unstable.title"]
    assert "keeps dropping" in title
    assert "signed in elsewhere" not in title
