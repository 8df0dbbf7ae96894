"""Invariants under random faults, end to end (issue 15 §2).

Each test plays one seeded scenario (`invariants.scenario`) against Home
Assistant, the integration and the realistic simulator on a real broker, then
checks what every command became, what the entities showed and what the tank
held (`invariants.checks`). CI plays a few seeds; `bench/invariants_bench.py`
plays thousands through this same test, choosing them with the environment:
``NAVIEN_INVARIANT_SCENARIOS`` (how many), ``NAVIEN_INVARIANT_SEED`` (the
first), ``NAVIEN_INVARIANT_REPORT`` (a file to append one JSON line per
scenario to) and ``NAVIEN_INVARIANT_DEADLINE`` (a Unix time after which the
remaining scenarios are skipped, reported as such).
"""

from datetime import UTC, datetime, timedelta
from functools import partial
import json
import os
from pathlib import Path
import time
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_EMAIL, CONF_PASSWORD, Platform
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.navien_nwp500.cloud_override import (
    ENV_API_URL,
    ENV_CA_FILE,
    ENV_IOT_HOST,
    ENV_IOT_PORT,
)
from custom_components.navien_nwp500.const import CONF_QUEUE_MAX_AGE, DOMAIN
from custom_components.navien_nwp500.navilink.session import SessionConfig

from .conftest import DEMO
from .helpers import find_entity_id, wait_for
from .invariants.observer import Observer
from .invariants.runner import ScenarioRun
from .invariants.scenario import generate
from .invariants.timings import (
    ACTION_BOUND,
    MAX_AGE,
    SESSION_TIMINGS,
    simulator_options,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from navilink_sim.simulator import NaviLinkSimulator
    from tests.simulator_fixture import SimulatorFactory

SCENARIOS = int(os.environ.get("NAVIEN_INVARIANT_SCENARIOS", "3"))
FIRST_SEED = int(os.environ.get("NAVIEN_INVARIANT_SEED", "1"))
REPORT = os.environ.get("NAVIEN_INVARIANT_REPORT")
STEPS = int(os.environ.get("NAVIEN_INVARIANT_STEPS", "20"))
DEADLINE = float(os.environ.get("NAVIEN_INVARIANT_DEADLINE", "inf"))

SIMULATED_START = datetime(2026, 11, 1, tzinfo=UTC)
"""What the integration's hot water clock reads before the simulator advances."""

pytestmark = pytest.mark.platforms(
    Platform.WATER_HEATER, Platform.SENSOR, Platform.BINARY_SENSOR
)


@pytest.fixture(autouse=True)
def compressed_timings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Compress the integration's timeouts like the simulator's delays."""
    monkeypatch.setattr(
        "custom_components.navien_nwp500.coordinator.SessionConfig",
        partial(SessionConfig, **SESSION_TIMINGS),
    )
    monkeypatch.setattr(
        "custom_components.navien_nwp500.availability.UNAVAILABLE_GRACE_PERIOD", 0.5
    )
    monkeypatch.setattr(
        "custom_components.navien_nwp500.command_result.COMMAND_OUTCOME_TIMEOUT",
        ACTION_BOUND,
    )


@pytest.mark.parametrize("seed", range(FIRST_SEED, FIRST_SEED + SCENARIOS))
async def test_invariants_hold_under_random_faults(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    monkeypatch: pytest.MonkeyPatch,
    seed: int,
) -> None:
    """Every invariant holds after one random scenario of commands and faults."""
    if time.time() > DEADLINE:
        if REPORT:
            line = json.dumps({"seed": seed, "skipped": True})
            await hass.async_add_executor_job(_append, Path(REPORT), line)
        pytest.skip("the bench's time is up")
    started = time.monotonic()
    observer = Observer()
    observer.install(monkeypatch)
    simulator = await simulator_factory(seed=seed, **simulator_options(seed))
    monkeypatch.setattr(  # the cold water's clock: the heater's, as tests move it
        "custom_components.navien_nwp500.hot_water_tanks.utcnow",
        lambda: SIMULATED_START + timedelta(seconds=simulator.simulated_seconds),
    )
    phases = {"simulator": time.monotonic() - started}
    entry = await _set_up(hass, simulator, monkeypatch)
    run = ScenarioRun(hass, simulator, entry, observer)
    try:  # the entities come with the heater's first answers (late ones too)
        await wait_for(
            hass,
            lambda: find_entity_id(hass, "water_heater", "water_heater") is not None,
        )
    except TimeoutError:
        violations = ["no water heater entity 30 s after setup"]
    else:
        phases["setup"] = time.monotonic() - started - phases["simulator"]
        observer.listen(hass, run.water_heater)
        violations = await run.run(generate(seed, STEPS))
        phases |= run.phases

    if REPORT:
        line = {
            "seed": seed,
            "seconds": round(time.monotonic() - started, 1),
            "violations": violations,
            "pending": run.pending(),
            "notes": observer.notes,
            "commands": len(observer.given()),
            "returns": len(observer.returns),
            "outcomes": sorted(
                f"{r.outcomes[0][0]}/{r.outcomes[0][1]}"
                for r in observer.given()
                if r.outcomes
            ),
            "strata": [round(s.hidden_k) for s in observer.hot_water],
            "phases": {k: round(v, 2) for k, v in phases.items()},
        }
        await hass.async_add_executor_job(_append, Path(REPORT), json.dumps(line))
    assert not violations, f"seed {seed}: {violations}"
    if entry.state is ConfigEntryState.LOADED:
        assert await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()


def _append(report: Path, line: str) -> None:
    """Append one line to the bench's report."""
    with report.open("a", encoding="utf-8") as file:
        file.write(line + "\n")


async def _set_up(
    hass: HomeAssistant, simulator: NaviLinkSimulator, monkeypatch: pytest.MonkeyPatch
) -> MockConfigEntry:
    """Point the integration at `simulator` and set up the demo account's entry."""
    endpoints = simulator.endpoints_kwargs
    monkeypatch.setenv(ENV_API_URL, endpoints["api_base_url"])
    monkeypatch.setenv(ENV_IOT_HOST, endpoints["iot_host"])
    monkeypatch.setenv(ENV_IOT_PORT, str(endpoints["iot_port"]))
    monkeypatch.setenv(ENV_CA_FILE, endpoints["ca_file"])
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=DEMO.email,
        unique_id=str(DEMO.user_seq),
        data={CONF_EMAIL: DEMO.email, CONF_PASSWORD: DEMO.password},
        options={CONF_QUEUE_MAX_AGE: MAX_AGE},
        version=1,
        minor_version=1,
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    # A device list that hiccups (the realistic cloud) has setup retried.
    for _ in range(3):
        if entry.state is ConfigEntryState.LOADED:
            break
        await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    return entry
