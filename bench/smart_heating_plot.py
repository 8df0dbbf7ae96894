"""Draw one day of the bench: tank temperature, price, surplus and heating windows."""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib as mpl

mpl.use("Agg")
import matplotlib.pyplot as plt

from .smart_heating_run import per_minute
from .smart_heating_world import WEEK_START

if TYPE_CHECKING:
    from pathlib import Path

    from .smart_heating_run import Case, Result

MINUTES_PER_DAY = 24 * 60


def _windows(flags: list[bool], first: int) -> list[tuple[float, float]]:
    """(start hour, length in hours) of each run of True in one day of `flags`."""
    spans: list[tuple[float, float]] = []
    start: int | None = None
    day = [*flags[first : first + MINUTES_PER_DAY], False]
    for minute, on in enumerate(day):
        if on and start is None:
            start = minute
        elif not on and start is not None:
            spans.append((start / 60, (minute - start) / 60))
            start = None
    return spans


def plot_day(
    case: Case, results: dict[str, Result], day: int, strategy: str, path: Path
) -> None:
    """Plot day `day` (0 = Monday) of `case` for the fixed setting, `strategy` and the oracle."""
    first = day * MINUTES_PER_DAY
    hours = [m / 60 for m in range(MINUTES_PER_DAY)]
    fig, (temp_ax, price_ax) = plt.subplots(
        2, 1, figsize=(11, 7), sharex=True, height_ratios=(3, 2)
    )
    colours = {"fixed Eco 60 °C": "tab:grey", strategy: "tab:red", "oracle": "tab:blue"}
    for name, colour in colours.items():
        trace = results[name].trace
        mean = [
            (u + low) / 2
            for u, low in zip(
                trace.upper[first : first + MINUTES_PER_DAY],
                trace.lower[first : first + MINUTES_PER_DAY],
                strict=True,
            )
        ]
        temp_ax.plot(hours, mean, color=colour, label=f"{name}: mean tank °C")
    ours = results[strategy].trace
    temp_ax.plot(
        hours,
        ours.setpoint[first : first + MINUTES_PER_DAY],
        color="tab:red",
        linestyle=":",
        label=f"{strategy}: set-point",
    )
    temp_ax.broken_barh(
        _windows(ours.compressor, first),
        (30, 1.5),
        color="tab:green",
        label="heat pump on",
    )
    temp_ax.broken_barh(
        _windows(ours.element, first),
        (31.5, 1.5),
        color="tab:orange",
        label="element on",
    )
    for draw in case.draws:
        offset = (draw.at - WEEK_START).total_seconds()
        if day * 86400 <= offset < (day + 1) * 86400:
            temp_ax.axvline((offset - day * 86400) / 3600, color="k", alpha=0.2)
    temp_ax.set_ylabel("°C")
    temp_ax.set_ylim(28, 68)
    temp_ax.legend(loc="upper left", fontsize=8, ncol=2)
    temp_ax.set_title(
        f"{case.tariff}, {case.sky} sky, day {day + 1} of the week "
        "(grey lines: draws; bars: our heating windows)"
    )
    prices = per_minute(case.prices)[first : first + MINUTES_PER_DAY]
    surplus = per_minute(case.surplus)[first : first + MINUTES_PER_DAY]
    price_ax.step(hours, prices, where="post", color="tab:purple", label="price $/kWh")
    price_ax.set_ylabel("$/kWh")
    price_ax.set_ylim(0, max(prices) * 1.2)
    surplus_ax = price_ax.twinx()
    surplus_ax.fill_between(hours, surplus, step="post", color="gold", alpha=0.5)
    surplus_ax.set_ylabel("solar surplus W")
    price_ax.set_xlabel("hour of the day")
    price_ax.set_xticks(range(0, 25, 2))
    price_ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
