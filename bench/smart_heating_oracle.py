"""The oracle: the cheapest way through the week that keeps the same promises.

Found offline by dynamic programming over the simulator's own tank. Time runs
in 15-minute slots; the state is the pair of layer temperatures on a 0.5 K
grid, with the compressor running or not (values between grid points are
interpolated). Every transition is the
simulator's `Tank` run for 15 minutes under one command, with the slot's
draws. The oracle knows the whole week's draws, prices and surplus, and may
only command what our planner may: hold the set-back, or just the floor's
set-point, or heat (heat pump to 44-65 °C, or hybrid to 65 °C).
When it runs, each slot's command is chosen by looking one slot ahead on the
real tank and valuing what follows with the programme's cost-to-go.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import numpy as np

from custom_components.navien_nwp500.planner import comfort_floor_setpoint
from navilink_sim.tank import HEAT_PUMP, HIGH_DEMAND

from .smart_heating_measure import deliverable_litres, new_tank
from .smart_heating_run import (
    LIMITS,
    MINUTES,
    advance_minute,
    draw_per_minute,
    minute_cost,
    per_minute,
)
from .smart_heating_world import (
    COMFORT_FLOOR_LITRES,
    EXPORT_PRICE,
    SETBACK_C,
    SLOT,
    WEEK_START,
)

if TYPE_CHECKING:
    from datetime import datetime

    from numpy.typing import NDArray

    from navilink_sim.tank import Tank

    from .smart_heating_run import Case

GRID_LOW_C: Final = 14.0
GRID_STEP_K: Final = 0.5
GRID_SIZE: Final = 105  # 14 to 66 °C
SLOT_MINUTES: Final = int(SLOT.total_seconds() // 60)
SLOTS: Final = MINUTES // SLOT_MINUTES
FLOOR_SETPOINT_C: Final = comfort_floor_setpoint(LIMITS, COMFORT_FLOOR_LITRES)
"""The set-point our planner holds while the tank coasts above the set-back."""
ACTIONS: Final = (
    (HEAT_PUMP, FLOOR_SETPOINT_C),
    (HEAT_PUMP, SETBACK_C),
    *((HEAT_PUMP, float(setpoint)) for setpoint in range(44, 66, 2)),
    (HEAT_PUMP, 65.0),
    (HIGH_DEMAND, 65.0),
)
"""(simulator mode, set-point) the oracle chooses from in each slot."""
INFEASIBLE: Final = 1e6
PROMISE_MARGIN_L: Final = 2.0
DELIVERABLE_CAP: Final = 250.0
FLOOR: Final = COMFORT_FLOOR_LITRES


@dataclass(frozen=True, slots=True)
class Transitions:
    """Where each grid state goes in one slot under each action, and what it costs."""

    upper: NDArray[np.float64]  # [action, state]
    lower: NDArray[np.float64]
    drawn_upper: NDArray[np.float64]
    """Upper layer when the slot's last draw ends (at the end if none)."""
    drawn_lower: NDArray[np.float64]
    running: NDArray[np.float64]
    """1 where the compressor still runs at the end of the slot."""
    electric_wh: NDArray[np.float64]
    run_h: NDArray[np.float64]


def _grid() -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Upper and lower temperature of every grid state (flattened)."""
    temps = GRID_LOW_C + GRID_STEP_K * np.arange(GRID_SIZE)
    upper, lower = np.meshgrid(temps, temps, indexing="ij")
    return upper.ravel(), lower.ravel()


def _grid_tank(top: float, bottom: float) -> Tank:
    """Return a simulated tank at one grid state."""
    tank = new_tank(top)
    tank.lower = bottom
    return tank


def _deliverable() -> NDArray[np.float64]:
    """Litres of 40 °C water each grid state delivers hot (layers that mix: 0)."""
    return np.array(
        [
            deliverable_litres(_grid_tank(float(top), float(bottom)), DELIVERABLE_CAP)
            if bottom <= top + 1.0
            else 0.0
            for top, bottom in zip(*_grid(), strict=True)
        ]
    )


def _transitions(flows: tuple[float, ...]) -> Transitions:
    """Run the simulator's tank from every state under every action.

    States are the grid's, first with the compressor off, then running (a
    running compressor goes on to the set-point; a stopped one waits until
    the tank is well short of it).
    """
    upper0, lower0 = _grid()
    shape = (len(ACTIONS), 2 * upper0.size)
    out = {name: np.zeros(shape) for name in Transitions.__slots__}
    last_draw = max((m for m, flow in enumerate(flows) if flow), default=len(flows))
    for a, (mode, setpoint) in enumerate(ACTIONS):
        for s, (top, bottom, running) in enumerate(_states(upper0, lower0)):
            if bottom > top + 1.0:  # the layers mix: such states never occur
                continue
            tank = _grid_tank(float(top), float(bottom))
            tank.compressor = running
            energy = run_s = 0.0
            for minute, flow in enumerate(flows):
                energy += advance_minute(tank, flow, mode, setpoint)
                run_s += 60.0 if tank.heating else 0.0
                if minute == last_draw:
                    out["drawn_upper"][a, s] = tank.upper
                    out["drawn_lower"][a, s] = tank.lower
            out["upper"][a, s], out["lower"][a, s] = tank.upper, tank.lower
            out["running"][a, s] = tank.compressor
            if last_draw == len(flows):
                out["drawn_upper"][a, s] = tank.upper
                out["drawn_lower"][a, s] = tank.lower
            out["electric_wh"][a, s], out["run_h"][a, s] = energy, run_s / 3600
    return Transitions(**out)


def _states(
    upper: NDArray[np.float64], lower: NDArray[np.float64]
) -> list[tuple[float, float, bool]]:
    """Every grid state with the compressor off, then with it running."""
    return [
        (float(top), float(bottom), running)
        for running in (False, True)
        for top, bottom in zip(upper, lower, strict=True)
    ]


def value_at(
    values: NDArray[np.float64],
    upper: NDArray[np.float64],
    lower: NDArray[np.float64],
    running: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Interpolated cost-to-go at states (upper, lower, compressor running)."""
    half = GRID_SIZE * GRID_SIZE
    return np.where(
        running > 0.5,
        interpolate(values[half:], upper, lower),
        interpolate(values[:half], upper, lower),
    )


def interpolate(
    values: NDArray[np.float64], upper: NDArray[np.float64], lower: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Bilinear interpolation of grid `values` at the states (upper, lower)."""
    grid = values.reshape(GRID_SIZE, GRID_SIZE)
    x = np.clip((upper - GRID_LOW_C) / GRID_STEP_K, 0, GRID_SIZE - 1.000001)
    y = np.clip((lower - GRID_LOW_C) / GRID_STEP_K, 0, GRID_SIZE - 1.000001)
    i, j = x.astype(int), y.astype(int)
    fx, fy = x - i, y - j
    return np.asarray(
        grid[i, j] * (1 - fx) * (1 - fy)
        + grid[i + 1, j] * fx * (1 - fy)
        + grid[i, j + 1] * (1 - fx) * fy
        + grid[i + 1, j + 1] * fx * fy
    )


class OracleModel:
    """The simulator's transitions for every kind of slot of the week's draws."""

    def __init__(self, case: Case) -> None:
        """Precompute one set of transitions per distinct 15-minute draw pattern."""
        flows = draw_per_minute(case.draws)
        self.patterns = [
            tuple(flows[k * SLOT_MINUTES : (k + 1) * SLOT_MINUTES])
            for k in range(SLOTS)
        ]
        self.transitions = {p: _transitions(p) for p in set(self.patterns)}
        self.deliverable = _deliverable()


def _promised(case: Case) -> dict[int, float]:
    """Litres promised at each slot boundary."""
    return {
        int((p.at - WEEK_START) / SLOT): p.litres
        for p in case.promises
        if p.at < WEEK_START + SLOTS * SLOT
    }


def cost_to_go(model: OracleModel, case: Case) -> list[NDArray[np.float64]]:
    """Cheapest cost from each grid state at each slot boundary to the week's end."""
    prices, surplus = per_minute(case.prices), per_minute(case.surplus)
    promised = _promised(case)
    values = [np.zeros(2 * GRID_SIZE * GRID_SIZE) for _ in range(SLOTS + 1)]
    for k in range(SLOTS - 1, -1, -1):
        t = model.transitions[model.patterns[k]]
        price, watts = prices[k * SLOT_MINUTES], surplus[k * SLOT_MINUTES]
        power = np.divide(
            t.electric_wh, t.run_h, out=np.zeros_like(t.run_h), where=t.run_h > 0
        )
        from_surplus = t.run_h * np.minimum(power, watts)
        cost = (
            (t.electric_wh - from_surplus) * price + from_surplus * EXPORT_PRICE
        ) / 1000
        ahead = np.stack(
            [
                value_at(values[k + 1], t.upper[a], t.lower[a], t.running[a])
                for a in range(len(ACTIONS))
            ]
        )
        litres = np.stack(
            [
                interpolate(model.deliverable, t.upper[a], t.lower[a])
                for a in range(len(ACTIONS))
            ]
        )
        after_draw = np.stack(
            [
                interpolate(model.deliverable, t.drawn_upper[a], t.drawn_lower[a])
                for a in range(len(ACTIONS))
            ]
        )
        bad = (litres < COMFORT_FLOOR_LITRES) | (after_draw < COMFORT_FLOOR_LITRES)
        if k + 1 in promised:
            bad |= litres < promised[k + 1] + PROMISE_MARGIN_L
        total = cost + ahead + np.where(bad, INFEASIBLE, 0.0)
        values[k] = np.minimum(total.min(axis=0), INFEASIBLE)
    return values


class OracleControl:
    """Follows the programme's cheapest command, looking one slot ahead on the real tank."""

    def __init__(self, case: Case, model: OracleModel) -> None:
        """Solve the programme for the week of `case`."""
        self._values = cost_to_go(model, case)
        self._prices = per_minute(case.prices)
        self._surplus = per_minute(case.surplus)
        self._flows = draw_per_minute(case.draws)
        self._promised = _promised(case)

    def _score(self, tank: Tank, k: int, mode: int, setpoint: float) -> float:
        """Cost of a command for slot `k` plus the cost-to-go of where it leads."""
        trial = copy.copy(tank)
        cost, short = 0.0, False
        for minute in range(k * SLOT_MINUTES, (k + 1) * SLOT_MINUTES):
            used = advance_minute(trial, self._flows[minute], mode, setpoint)
            cost += minute_cost(used, self._surplus[minute], self._prices[minute])
            if self._flows[minute] and not self._flows[min(minute + 1, MINUTES - 1)]:
                short |= deliverable_litres(trial, FLOOR) < FLOOR
        promised = self._promised.get(k + 1, 0.0)
        needed = max(FLOOR, promised)
        if short or deliverable_litres(trial, needed) < needed:
            cost += INFEASIBLE
        ahead = value_at(
            self._values[k + 1],
            np.array([trial.upper]),
            np.array([trial.lower]),
            np.array([float(trial.compressor)]),
        )
        return cost + float(ahead[0])

    def command(self, now: datetime, tank: Tank) -> tuple[int, float]:
        """Return the cheapest command for the slot starting `now`."""
        k = (now - WEEK_START) // SLOT
        return min(ACTIONS, key=lambda action: self._score(tank, k, *action))
