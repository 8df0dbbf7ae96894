"""The timings of the invariant scenarios: the simulator's and the integration's, compressed.

The realistic profile's delays are compressed tenfold and the integration's
timeouts with them, keeping their order: the patience window outlasts the
slowest set-point, the queue's wait outlasts the outages that do not test it.
"""

from dataclasses import replace
from typing import Any

from navilink_sim.profile import REALISTIC

DELAY_SCALE = 0.1
"""The realistic profile's delays, compressed tenfold (apply 0.1-0.5 s, slow set-point 1.6-3 s)."""
MAX_AGE = 6.0
"""The entry's *Maximum command wait* (seconds)."""
ACTION_BOUND = 4.0
"""How long an action may take in all (the integration's 15 s, compressed)."""
PATIENCE = 4.0
"""How long an unconfirmed control may take to show (past the slowest set-point)."""
SLACK = 3.0
"""Lateness a loaded machine may add to a timer before it counts as a violation."""
SESSION_TIMINGS: dict[str, Any] = {
    "keep_alive_s": 2,
    "ping_timeout_ms": 1000,
    "backoff_min": 0.05,
    "backoff_first_max": 0.2,
    "backoff_quick_min": 0.2,
    "backoff_quick_max": 0.5,
    "backoff_max": 1.0,
    "stable_after": 1.0,
    "flap_backoff_min": 0.3,
    "flap_backoff_max": 0.8,
    "request_timeout": 3.0,
    "control_spacing": 0.25,
    "control_confirm_timeout": 1.0,
    "control_patience": PATIENCE,
    "status_poll_interval": 0.4,
    "feature_retry_min": 1.5,
}
SIMULATOR_OPTIONS: dict[str, Any] = {
    "profile": "realistic",
    "delay_scale": DELAY_SCALE,
    "time_scale": 0,
    "push_interval": 2.0,
}

WITHOUT_LITRE_COUNT_EVERY = 4
"""One scenario in this many plays a heater whose litre count reads 0 (§17.1)."""


def simulator_options(seed: int) -> dict[str, Any]:
    """Return the simulator's options for scenario `seed`.

    Every `WITHOUT_LITRE_COUNT_EVERY`-th heater reports no litre count, so hot
    water available follows its draws by ``currentDhwFlowRate`` alone; its
    draws are the scenario's own, each pushed as its tap opens and closes
    (``runner``), none at random.
    """
    if seed % WITHOUT_LITRE_COUNT_EVERY:
        return SIMULATOR_OPTIONS
    return SIMULATOR_OPTIONS | {
        "profile": replace(REALISTIC, counts_litres=False),
        "draw_interval": None,
    }
