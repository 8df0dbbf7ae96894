"""Invariants under random faults, by the thousand (issue 15 §2).

Plays ``--scenarios N`` seeded scenarios from ``--seed S`` through the end-to-end
test ``tests/integration/test_invariants.py`` (Home Assistant, the integration,
the realistic simulator, a real broker), in batches of pytest runs, ``--workers``
of them at once (separate processes, each scenario with its own simulator and
broker), and stops starting scenarios after ``--minutes`` if given. It prints
how many scenarios ran and how fast, how many broke an invariant, the seed of
each that did with its violations, the outcomes seen, the tank stratifications
reached and where a scenario's time goes.
A seed replays exactly: ``NAVIEN_INVARIANT_SEED=S NAVIEN_INVARIANT_SCENARIOS=1
pytest tests/integration/test_invariants.py``.

A scenario spends most of its time waiting on purpose (outages, the heater's
delays), not computing, so several workers fit on two cores.

Run: ``python -m bench.invariants_bench --scenarios 2000 --workers 4 --minutes 600``.
"""

from __future__ import annotations

import argparse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
import json
import os
from pathlib import Path
import subprocess
import sys
import tempfile
import time
from typing import Any

TEST = "tests/integration/test_invariants.py"


def run_batch(
    first: int, count: int, report: Path, steps: int, deadline: float
) -> range:
    """Play `count` scenarios from seed `first`; each appends its line to `report`.

    Return the seeds started: none once the deadline has passed.
    """
    if time.time() > deadline:
        return range(0)
    env = os.environ | {
        "NAVIEN_INVARIANT_SEED": str(first),
        "NAVIEN_INVARIANT_SCENARIOS": str(count),
        "NAVIEN_INVARIANT_REPORT": str(report),
        "NAVIEN_INVARIANT_STEPS": str(steps),
        "NAVIEN_INVARIANT_DEADLINE": str(deadline),
    }
    subprocess.run(  # noqa: S603 (our own interpreter and test file)
        [sys.executable, "-m", "pytest", TEST, "-q", "--no-cov", "-p", "no:logging"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    return range(first, first + count)


def _pending_kind(text: str) -> str:
    """Name the known open limit one pending line is about."""
    if "hot water" in text:
        return "hot water: cold water that came in before the integration watched"
    if "never applied" in text:
        return "delivered by a status, not applied"
    if "but applied" in text:
        return "not applied though applied, then overridden by the app"
    return "applied twice after a resend"


def _phases(lines: list[dict[str, Any]]) -> str:
    """Return the mean seconds per scenario of each phase, longest first."""
    total: Counter[str] = Counter()
    for line in lines:
        total.update(line.get("phases", {}))
    count = max(len(lines), 1)
    return ", ".join(f"{k} {v / count:.1f}" for k, v in total.most_common())


def summarize(
    lines: list[dict[str, Any]], seconds: float, started: list[int], workers: int
) -> str:
    """Return the bench's figures, one per line; `started`: the seeds given to pytest."""
    skipped = {line["seed"] for line in lines if line.get("skipped")}
    lines = [line for line in lines if not line.get("skipped")]
    broken = [line for line in lines if line["violations"]]
    outcomes: Counter[str] = Counter()
    strata: Counter[int] = Counter()
    for line in lines:
        outcomes.update(line["outcomes"])
        strata.update(line["strata"])
    reported = {line["seed"] for line in lines} | skipped
    missing = [s for s in started if s not in reported]
    out = [
        (
            f"scenarios: {len(lines)} played, {len(missing)} crashed before reporting"
            f" (replay them), {len(skipped)} skipped in a batch that ran out of time"
        ),
        f"violations: {len(broken)} scenarios",
        (
            f"seconds: {seconds:.0f} with {workers} workers:"
            f" {len(lines) / seconds * 60:.1f} scenarios per minute"
        ),
        f"per scenario (s): {_phases(lines)}",
        f"commands: {sum(line['commands'] for line in lines)}",
        "outcomes: " + ", ".join(f"{k} {v}" for k, v in outcomes.most_common()),
        "hot water samples by water hidden from the probes (K): "
        + ", ".join(f"{k}: {v}" for k, v in sorted(strata.items())),
    ]
    out += [f"seed {line['seed']}: {line['violations']}" for line in broken]
    if missing:
        out.append(f"crashed: {missing}")
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
    parser.add_argument(
        "--workers", type=int, default=1, help="pytest runs at once (processes)"
    )
    parser.add_argument(
        "--minutes",
        type=float,
        default=None,
        help="start no scenario after this long (the ones under way finish)",
    )
    args = parser.parse_args()
    seeds = range(args.seed, args.seed + args.scenarios)
    began = time.monotonic()
    deadline = time.time() + args.minutes * 60 if args.minutes else float("inf")
    with tempfile.TemporaryDirectory() as directory:
        reports = []
        batches = []
        with ThreadPoolExecutor(max_workers=args.workers) as pool:
            for first in range(seeds.start, seeds.stop, args.batch):
                report = Path(directory) / f"report-{first}.jsonl"
                report.touch()
                reports.append(report)
                count = min(args.batch, seeds.stop - first)
                batches.append(
                    pool.submit(run_batch, first, count, report, args.steps, deadline)
                )
        started = [seed for batch in batches for seed in batch.result()]
        lines = [
            json.loads(text)
            for report in reports
            for text in report.read_text().splitlines()
        ]
    print(summarize(lines, time.monotonic() - began, started, args.workers))


if __name__ == "__main__":
    main()
