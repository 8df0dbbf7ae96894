"""Lifecycle against the simulator (issue 9): start(), TLS setup, last_error."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pytest

from custom_components.navien_nwp500.navilink.cloud.errors import (
    InvalidCredentialsError,
)
from custom_components.navien_nwp500.navilink.session import (
    SessionState,
    connection as connection_module,
)
from tests.session import eventually, fast, open_session

if TYPE_CHECKING:
    from custom_components.navien_nwp500.navilink.cloud.auth import AwsCredentials
    from custom_components.navien_nwp500.navilink.session.transport import (
        LinkSettings,
        MqttClient,
    )
    from navilink_sim.simulator import NaviLinkSimulator

OUTAGE = fast(backoff_min=0.05, backoff_max=0.3, stable_after=0.5)
SIGNED_URL = (
    "wss://gw.example/mqtt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
    "&X-Amz-Credential=ASIAABCDEFGHIJKLMNOP&X-Amz-Signature=0123abcd"
)


async def test_start_after_the_loop_ended_with_auth_failed_raises(
    simulator: NaviLinkSimulator,
) -> None:
    async with open_session(simulator, config=OUTAGE) as h:
        simulator.faults.reject_passwords = True
        simulator.faults.expire_credentials()
        simulator.faults.expire_tokens()
        simulator.accounts.revoke_refresh_tokens()
        simulator.faults.drop_all()
        await eventually(
            lambda: h.session.state is SessionState.AUTH_FAILED, 30.0, "auth failure"
        )
        # Before issue 9 this returned quietly: the finished task looked started.
        with pytest.raises(InvalidCredentialsError):
            await h.session.start()
        assert h.session.state is SessionState.AUTH_FAILED


async def test_tls_context_is_built_once_per_session_off_the_event_loop(
    simulator: NaviLinkSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    built_on: list[threading.Thread] = []
    build = connection_module.build_client

    def recording_build(settings: LinkSettings) -> MqttClient:
        built_on.append(threading.current_thread())
        return build(settings)

    monkeypatch.setattr(connection_module, "build_client", recording_build)
    async with open_session(simulator, config=OUTAGE) as h:
        for connects in (2, 3, 4):
            simulator.faults.drop_all()
            await eventually(
                lambda n=connects: (
                    h.session.state is SessionState.CONNECTED
                    and h.stats()["connects"] == n
                ),
                30.0,
                f"connection {connects}",
            )
    assert len(built_on) == 1
    assert built_on[0] is not threading.main_thread()  # the loop runs on main


async def test_last_error_is_redacted_and_cleared_once_connected(
    simulator: NaviLinkSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with open_session(simulator, config=OUTAGE) as h:
        renew = h.auth.async_aws_credentials
        failing = True

        async def leaky_failure(*, force_renew: bool = False) -> AwsCredentials:
            if failing:
                raise RuntimeError(f"could not open {SIGNED_URL}")
            return await renew(force_renew=force_renew)

        monkeypatch.setattr(h.auth, "async_aws_credentials", leaky_failure)
        simulator.faults.drop_all()
        await eventually(lambda: h.stats()["last_error"] is not None, 30.0, "failure")
        error = h.stats()["last_error"]
        assert "could not open" in error
        assert "X-Amz-Signature" not in error
        assert "ASIAABCDEFGHIJKLMNOP" not in error
        failing = False
        await eventually(
            lambda: h.session.state is SessionState.CONNECTED, 30.0, "reconnect"
        )
        assert h.stats()["last_error"] is None


async def test_start_again_after_a_refused_password_raises_at_once(
    simulator: NaviLinkSimulator,
) -> None:
    simulator.faults.reject_passwords = True
    async with open_session(simulator, config=OUTAGE, start=False) as h:
        with pytest.raises(InvalidCredentialsError):
            await h.session.start()
        attempts = h.stats()["attempts_total"]
        # Before issue 9 this waited first_connect_timeout for a state change
        # the state machine refuses, then raised CannotConnectError.
        with pytest.raises(InvalidCredentialsError):
            await h.session.start()
        assert h.stats()["attempts_total"] == attempts  # no new attempt
