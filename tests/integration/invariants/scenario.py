"""Seeded random scenarios: what the user, the cloud and the household do, step by step.

A scenario is a list of `Step`s drawn from one seed, so a violation found by the
bench is replayed exactly by its seed (the simulator is seeded the same way).
"""

from dataclasses import dataclass, field
import random
from typing import Any, Literal

type StepKind = Literal[
    "set_temperature",
    "set_mode",
    "power",
    "vacation",
    "anti_legionella",
    "drop",
    "outage",
    "long_outage",
    "stall",
    "slow_replies",
    "lose_acks",
    "app_control",
    "restart",
    "time_passes",
]

# Relative weights: user commands are the point, faults come between them.
WEIGHTS: dict[StepKind, int] = {
    "set_temperature": 6,
    "set_mode": 4,
    "power": 2,
    "vacation": 2,
    "anti_legionella": 2,
    "drop": 2,
    "outage": 2,
    "long_outage": 1,
    "stall": 2,
    "slow_replies": 1,
    "lose_acks": 2,
    "app_control": 2,
    "restart": 1,
    "time_passes": 4,
}
MODES = ("heat_pump", "eco", "electric", "high_demand", "off")


@dataclass(frozen=True, slots=True)
class Step:
    """One thing that happens; `args` say how (values, durations in real seconds)."""

    kind: StepKind
    args: dict[str, Any] = field(default_factory=dict)


def _args(kind: StepKind, rng: random.Random) -> dict[str, Any]:
    """Draw the arguments of one step of `kind`."""
    match kind:
        case "set_temperature":
            return {"celsius": rng.randint(41, 65)}
        case "set_mode":
            return {"mode": rng.choice(MODES)}
        case "power":
            return {"on": rng.random() < 0.5}
        case "vacation":
            return {"days": rng.randint(1, 30)}
        case "anti_legionella":
            return {"on": rng.random() < 0.6, "period": rng.randint(1, 30)}
        case "outage":
            return {"seconds": rng.uniform(0.3, 2.5)}
        case "long_outage":  # longer than the queue's wait: commands get too old
            return {"extra": rng.uniform(0.5, 2.0), "celsius": rng.randint(41, 65)}
        case "stall":
            return {"seconds": rng.uniform(0.3, 3.0), "lose_held": rng.random() < 0.5}
        case "slow_replies" | "lose_acks":
            return {"seconds": rng.uniform(0.5, 3.0), "delay": rng.uniform(0.2, 1.5)}
        case "app_control":
            return {"setpoint": rng.randint(81, 131), "mode": rng.randint(1, 4)}
        case "restart":
            return {"hiccup": rng.random() < 0.4}
        case "time_passes":
            return {
                "seconds": rng.uniform(0.1, 1.5),
                "simulated": rng.choice((60.0, 600.0, 1800.0)),
                "draw_lpm": rng.choice((0.0, 0.0, 6.0, 12.0)),
                "draw_minutes": rng.uniform(2.0, 20.0),
            }
    return {}


def generate(seed: int, length: int) -> list[Step]:
    """Return the `length` steps of scenario `seed`."""
    rng = random.Random(f"scenario-{seed}")
    kinds = list(WEIGHTS)
    weights = list(WEIGHTS.values())
    steps: list[Step] = []
    for _ in range(length):
        kind = rng.choices(kinds, weights)[0]
        steps.append(Step(kind, _args(kind, rng)))
    return steps
