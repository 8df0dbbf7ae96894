"""Invariants under random faults, by the thousand (issue 15 §2).

Plays ``--scenarios N`` seeded scenarios from ``--seed S`` through the end-to-end
test ``tests/integration/test_invariants.py`` (Home Assistant, the integration,
the realistic simulator, a real broker), in batches of pytest runs, and prints
how many scenarios ran, how many broke an invariant, the seed of each that did
with its violations, the outcomes seen and the tank stratifications reached.
A seed replays exactly: ``NAVIEN_INVARIANT_SEED=S NAVIEN_INVARIANT_SCENARIOS=1
pytest tests/integration/test_invariants.py``.

Run: ``python -m bench.invariants_bench --scenarios 200 --seed 1000``.
"""

from __future__ import annotations

import argparse
from collections import Counter
import json
import os
from pathlib import Path
import subprocess
import sys
import tempfile
import time
from typing import Any

TEST = "tests/integration/test_invariants.py"


def run_batch(first: int, count: int, report: Path, steps: int) -> None:
    """Play `count` scenarios from seed `first`; each appends its line to `report`."""
    env = os.environ | {
        "NAVIEN_INVARIANT_SEED": str(first),
        "NAVIEN_INVARIANT_SCENARIOS": str(count),
        "NAVIEN_INVARIANT_REPORT": str(report),
        "NAVIEN_INVARIANT_STEPS": str(steps),
    }
    subprocess.run(  # noqa: S603 (our own interpreter and test file)
        [sys.executable, "-m", "pytest", TEST, "-q", "--no-cov", "-p", "no:logging"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )


def _pending_kind(text: str) -> str:
    """Name the known open limit one pending line is about."""
    if "hot water" in text:
        return "hot water: cold water that came in before the integration watched"
    if "never applied" in text:
        return "delivered by a status, not applied"
    if "but applied" in text:
        return "not applied though applied, then overridden by the app"
    return "applied twice after a resend"


def summarize(
    lines: list[dict[str, Any]], seconds: float, first: int, wanted: int
) -> str:
    """Return the bench's figures, one per line."""
    broken = [line for line in lines if line["violations"]]
    outcomes: Counter[str] = Counter()
    strata: Counter[int] = Counter()
    for line in lines:
        outcomes.update(line["outcomes"])
        strata.update(line["strata"])
    out = [
        f"scenarios: {len(lines)} of {wanted} (the rest crashed before reporting)",
        f"violations: {len(broken)} scenarios",
        f"seconds: {seconds:.0f} ({seconds / max(len(lines), 1):.1f} per scenario)",
        f"commands: {sum(line['commands'] for line in lines)}",
        "outcomes: " + ", ".join(f"{k} {v}" for k, v in outcomes.most_common()),
        "hot water samples by water hidden from the probes (K): "
        + ", ".join(f"{k}: {v}" for k, v in sorted(strata.items())),
    ]
    out += [f"seed {line['seed']}: {line['violations']}" for line in broken]
    reported = {line["seed"] for line in lines}
    missing = [s for s in range(first, first + wanted) if s not in reported]
    if missing:
        out.append(f"crashed (no report, replay them): {missing}")
    pending = [line for line in lines if line.get("pending")]
    out.append(f"pending (known, open): {len(pending)} scenarios")
    kinds: Counter[str] = Counter()
    for line in pending:
        kinds.update(_pending_kind(text) for text in line["pending"])
    out.append("pending by kind: " + ", ".join(f"{k} {v}" for k, v in kinds.items()))
    out += [f"seed {line['seed']} pending: {line['pending']}" for line in pending[:5]]
    return "\n".join(out)


def main() -> None:
    """Parse the arguments, play the scenarios, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1000)
    parser.add_argument(
        "--batch", type=int, default=25, help="scenarios per pytest run"
    )
    parser.add_argument("--steps", type=int, default=25, help="steps per scenario")
    args = parser.parse_args()
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as directory:
        report = Path(directory) / "report.jsonl"
        report.touch()
        for first in range(args.seed, args.seed + args.scenarios, args.batch):
            count = min(args.batch, args.seed + args.scenarios - first)
            run_batch(first, count, report, args.steps)
        lines = [json.loads(text) for text in report.read_text().splitlines()]
    print(summarize(lines, time.monotonic() - started, args.seed, args.scenarios))


if __name__ == "__main__":
    main()
