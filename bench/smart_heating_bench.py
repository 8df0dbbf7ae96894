"""A simulated week of smart heating against the owner's fixed setting and an oracle.

For three tariffs and two skies, one summer week of draws (two morning
showers, dishes in the evening, a bath on weekends) runs minute by minute on
the simulator's tank (`navilink_sim/tank.py`) under: the owner's fixed Eco
setting at 60 °C; each strategy of our planner, re-planning every 15 minutes
from the tank's state; and the oracle, the cheapest plan that keeps the same
promises, found offline by dynamic programming over the same tank.

Run: ``python -m bench.smart_heating_bench [--jobs 3] [--only "TARIFF/SKY"]``. Writes
``docs/smart_heating_bench.json`` and ``docs/smart_heating_day.png``.
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor
import json
from pathlib import Path
from typing import Final

from custom_components.navien_nwp500.planner import Strategy

from .smart_heating_measure import measure_delivery_curve, measure_rates
from .smart_heating_oracle import OracleControl, OracleModel
from .smart_heating_plot import plot_day
from .smart_heating_run import (
    Case,
    Controller,
    FixedSetting,
    PlannerControl,
    Result,
    run_week,
)
from .smart_heating_world import SKIES, TARIFFS, week_draws

DOCS: Final = Path(__file__).resolve().parent.parent / "docs"
STRATEGIES: Final = {
    "ready-by": frozenset({Strategy.READY_BY}),
    "cheap hours": frozenset({Strategy.CHEAP_HOURS}),
    "ready-by + solar": frozenset({Strategy.READY_BY, Strategy.SOLAR_SURPLUS}),
    "cheap hours + solar": frozenset({Strategy.CHEAP_HOURS, Strategy.SOLAR_SURPLUS}),
}
JUDGED: Final = "cheap hours + solar"
"""The strategy held to the targets (everything our planner does at once)."""
COST_TARGET: Final = 1.05
SURPLUS_TARGET: Final = 0.90
PLOT_CASE: Final = ("day-ahead hourly", "cloudy")
PLOT_DAY: Final = 5  # Saturday: showers, dishes and a bath


def _row(name: str, result: Result) -> dict[str, float | int | str]:
    """One line of the table."""
    return {
        "controller": name,
        "kwh": round(result.kwh, 2),
        "cost": round(result.cost, 2),
        "surplus_share": round(result.surplus_share, 3),
        "promises_met": result.promises_met,
        "promises": result.promises_total,
        "minutes_below_floor": result.floor_minutes,
    }


def _verdict(ours: Result, oracle: Result) -> dict[str, bool]:
    """Whether our planner meets each target in one case."""
    return {
        "no_missed_promise": ours.promises_met == ours.promises_total,
        "never_below_floor": ours.floor_minutes == 0,
        "cost_within_5pc": ours.cost <= COST_TARGET * oracle.cost,
        "surplus_within_10pc": ours.surplus_share
        >= SURPLUS_TARGET * oracle.surplus_share,
    }


def run_case(
    tariff: str, sky: str
) -> tuple[Case, dict[str, Result], tuple[float, float]]:
    """Run every controller through the week of one tariff under one sky.

    Also returns the judged strategy's plan time, mean and longest, in seconds.
    """
    rates = measure_rates()
    curve = measure_delivery_curve()
    case = Case(tariff, sky, TARIFFS[tariff](), SKIES[sky](), tuple(week_draws()))
    controllers: dict[str, Controller] = {"fixed Eco 60 °C": FixedSetting()}
    for name, strategies in STRATEGIES.items():
        controllers[name] = PlannerControl(case, strategies, rates, curve)
    controllers["oracle"] = OracleControl(case, OracleModel(case))
    results = {name: run_week(case, c) for name, c in controllers.items()}
    judged = controllers[JUDGED]
    assert isinstance(judged, PlannerControl)
    seconds = judged.plan_seconds
    return case, results, (sum(seconds) / len(seconds), max(seconds))


def _arguments() -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--jobs", type=int, default=1, help="cases run at once, one process each"
    )
    parser.add_argument(
        "--only",
        metavar="TARIFF/SKY",
        help='one case while iterating, e.g. "flat 0.45/cloudy" (writes nothing)',
    )
    return parser.parse_args()


def main() -> None:
    """Run every case, print the table, write the JSON and the day plot."""
    arguments = _arguments()
    print(f"measured: {measure_rates()}\ndelivery curve (°C, litres): ", end="")
    print(measure_delivery_curve())
    cases = [(tariff, sky) for tariff in TARIFFS for sky in SKIES]
    if arguments.only:
        tariff, sky = arguments.only.split("/", 1)
        cases = [(tariff, sky)]
    report: list[dict[str, object]] = []
    print(
        f"{'tariff':24} {'sky':7} {'controller':22} {'kWh':>6} {'cost $':>7} "
        f"{'surplus':>8} {'promises':>9} {'min<floor':>9}"
    )
    with ProcessPoolExecutor(arguments.jobs) as pool:
        runs = [pool.submit(run_case, tariff, sky) for tariff, sky in cases]
        for run in runs:
            case, results, (mean_s, longest_s) = run.result()
            tariff, sky = case.tariff, case.sky
            for name, result in results.items():
                print(
                    f"{tariff:24} {sky:7} {name:22} {result.kwh:6.2f} "
                    f"{result.cost:7.2f} {result.surplus_share:8.1%} "
                    f"{result.promises_met:>4}/{result.promises_total:<4} "
                    f"{result.floor_minutes:9d}"
                )
            verdict = _verdict(results[JUDGED], results["oracle"])
            print(f"{'':33} {JUDGED} vs oracle: {verdict}")
            print(
                f"{'':33} {JUDGED}: a plan takes {mean_s:.2f} s "
                f"(longest {longest_s:.2f} s) on this machine",
                flush=True,
            )
            report.append(
                {
                    "tariff": tariff,
                    "sky": sky,
                    "rows": [_row(name, r) for name, r in results.items()],
                    "targets": verdict,
                    "plan_seconds": {
                        "mean": round(mean_s, 3),
                        "longest": round(longest_s, 3),
                    },
                }
            )
            if (tariff, sky) == PLOT_CASE and not arguments.only:
                plot_day(
                    case, results, PLOT_DAY, JUDGED, DOCS / "smart_heating_day.png"
                )
    if not arguments.only:
        (DOCS / "smart_heating_bench.json").write_text(
            json.dumps({"judged": JUDGED, "cases": report}, indent=1) + "\n"
        )


if __name__ == "__main__":
    main()
