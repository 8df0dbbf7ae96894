"""Cost-aware choice of slot actions: a dynamic programme over the planner's model.

Used when prices or solar surplus matter. Time runs in the plan's slots; the
state is the mean tank temperature on a half-kelvin grid, and whether the heat
pump runs. Backwards from the horizon, each grid state gets the cheapest cost
of keeping every later promise and the comfort floor; then, from the tank now
(a layered tank counted by the hot water it delivers), each slot takes the
action whose cost plus that cost-to-go is lowest.

Heat is valued as it is paid for: grid power at the slot's price, the share
of the draw that surplus covers (even a partial one) at the export price.
How the heater answers each action (when it starts, when it stops, the
recovery a big draw sets off) is in `thermostat.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
import math
from typing import TYPE_CHECKING, Final

from .model import Mode, Promise, Strategy
from .schedule import EPSILON_K, Action, Schedule, surplus_action
from .thermostat import Choice, Outcome, transition

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .schedule import Targets
    from .tank_model import TankModel
    from .timeline import Slot

GRID_K: Final = 0.5
PENALTY_PER_K: Final = 1e6
"""Cost of each kelvin a promise or the floor falls short (only when none can be kept)."""
LAST_RESORT_PER_H: Final = 4e5
"""Added to each hour of hybrid heating: the element runs only when the heat pump
cannot keep a promise, by more than the grid's rounding (a tenth of a kelvin)."""
STORED_C: Final = 55.0
"""Where the heat pump's output is read to value the heat left at the horizon."""
LEFT_OVER_SHARE: Final = 0.9
"""Heat left at the horizon is worth this share of buying it at the lowest price:
surplus is worth storing for after the horizon, grid power is not."""
BELOW_FLOOR_K: Final = 6.0
"""How far below the floor's temperature the grid reaches (for plans that start short)."""


def _choices(
    slot: Slot, targets: Targets, model: TankModel, solar: bool
) -> list[Choice]:
    """Actions open in a slot: with a surplus that covers the heat pump, storing it."""
    full = surplus_action(slot, model) if solar else None
    heat = [
        Choice(Action.HEAT, Mode.HEAT_PUMP, targets.max_c, thermostat=False),
        Choice(Action.BOOST, Mode.HIGH_DEMAND, targets.max_c, thermostat=False),
    ]
    if full is not None:
        heat = [Choice(Action.SURPLUS, full, targets.surplus_c, thermostat=False)]
    return [
        Choice(Action.COAST, Mode.HEAT_PUMP, targets.floor_c, thermostat=True),
        Choice(Action.HOLD, Mode.HEAT_PUMP, targets.hold_c, thermostat=True),
        *heat,
    ]


@dataclass(frozen=True, slots=True)
class _Grid:
    """The temperatures the cost-to-go is kept at."""

    low_c: float
    size: int

    def temperature(self, index: int) -> float:
        """Temperature of grid point `index`."""
        return self.low_c + index * GRID_K

    def first_at(self, mean_c: float) -> int:
        """Index of the first grid point at or above `mean_c`."""
        return max(0, math.ceil((mean_c - self.low_c) / GRID_K - 1e-9))

    def locate(self, mean_c: float) -> tuple[int, float]:
        """Grid point just below `mean_c` and how far on to the next (clamped at the ends)."""
        position = min(max((mean_c - self.low_c) / GRID_K, 0.0), self.size - 1.0)
        index = min(int(position), self.size - 2)
        return index, position - index

    def value(self, values: Sequence[float], mean_c: float) -> float:
        """Cost-to-go at `mean_c`, linear between grid points."""
        index, share = self.locate(mean_c)
        return values[index] * (1 - share) + values[index + 1] * share


class _Prices:
    """What an hour of heating costs in each slot, per heating mode."""

    def __init__(
        self,
        slots: Sequence[Slot],
        model: TankModel,
        strategies: frozenset[Strategy],
        export_price: float,
    ) -> None:
        """Use the slots' prices for cheap hours, else one price for every hour."""
        known = [slot.price for slot in slots if slot.price > 0]
        flat = sum(known) / len(known) if known else 1.0
        cheap = Strategy.CHEAP_HOURS in strategies and bool(known)
        grid_prices = [slot.price for slot in slots] if cheap else [flat]
        self.cheapest_kelvin = (
            min(grid_prices)
            * model.electric_w(Mode.HEAT_PUMP)
            / max(model.heat_w(Mode.HEAT_PUMP, STORED_C), 1.0)
            * model.wh_per_k
            / 1000
        )
        """What a kelvin of heat costs from the grid at the horizon's lowest price."""
        self._rates = [
            {
                mode: self._per_hour(
                    model.electric_w(mode),
                    slot.surplus_w,
                    slot.price if cheap else flat,
                    export_price,
                )
                for mode in (Mode.HEAT_PUMP, Mode.HIGH_DEMAND)
            }
            for slot in slots
        ]

    @staticmethod
    def _per_hour(
        electric_w: float, surplus_w: float, price: float, export: float
    ) -> float:
        """Cost of an hour's heating: surplus at the export price, the rest at `price`."""
        from_surplus = min(electric_w, surplus_w)
        return ((electric_w - from_surplus) * price + from_surplus * export) / 1000

    def cost(self, index: int, choice: Choice, hours: float) -> float:
        """Cost of heating `hours` in slot `index` under `choice`."""
        extra = LAST_RESORT_PER_H if choice.action is Action.BOOST else 0.0
        return (self._rates[index][choice.mode] + extra) * hours


def _shortfall(mean_c: float, required_c: float) -> float:
    """Penalty for a boundary where the tank holds less than it must."""
    return PENALTY_PER_K * max(0.0, required_c - mean_c)


@dataclass(frozen=True, slots=True)
class _Programme:
    """What the backward pass and the forward pass share."""

    model: TankModel
    slots: Sequence[Slot]
    targets: Targets
    choices: list[list[Choice]]
    prices: _Prices
    grid: _Grid
    required: list[float]
    """Mean temperature each boundary needs: its draw and the floor, delivered hot."""

    def open_to(self, choice: Choice, mean_c: float) -> bool:
        """Coasting on the floor's set-point is open only above the set-back."""
        return choice.action is not Action.COAST or mean_c >= self.targets.hold_c

    def move(
        self,
        index: int,
        choice: Choice,
        mean_c: float,
        *,
        running: bool,
        layers: tuple[float, float] | None = None,
    ) -> Outcome:
        """Where slot `index` takes the tank under `choice` (from `layers` if measured)."""
        return transition(
            self.model,
            choice,
            mean_c,
            self.slots[index],
            self.targets,
            running=running,
            layers=layers,
        )


def search_actions(
    model: TankModel,
    slots: Sequence[Slot],
    start_c: float,
    targets: Targets,
    *,
    strategies: frozenset[Strategy],
    export_price: float,
    running: bool = False,
    layers: tuple[float, float] | None = None,
) -> Schedule:
    """Cheapest actions that keep every promise and the floor, on the planner's model.

    `running`: whether the heater runs now (it then goes on without a new start);
    `layers`: the tank's measured (upper, lower) temperatures now.
    """
    floor_temp = model.temperature_for(targets.floor_litres)
    low_c = min(start_c, floor_temp) - BELOW_FLOOR_K
    programme = _Programme(
        model,
        slots,
        targets,
        [
            _choices(slot, targets, model, Strategy.SOLAR_SURPLUS in strategies)
            for slot in slots
        ],
        _Prices(slots, model, strategies, export_price),
        _Grid(low_c, int((targets.max_c + 1 - low_c) / GRID_K) + 2),
        [
            model.temperature_for(slot.draw_litres + targets.floor_litres)
            for slot in slots
        ]
        + [floor_temp],
    )
    return _follow(programme, start_c, running, layers, _costs_to_go(programme))


Values = tuple[list[float], list[float]]
"""Cost-to-go at each grid point with the heater stopped, and running."""


def _costs_to_go(programme: _Programme) -> list[Values]:
    """Cheapest cost from each grid point of each boundary after now to the horizon.

    A boundary's own shortfall is not in its values: it is added where a slot
    ends there, at the exact temperature (not one between grid points).

    Heat left at the horizon, up to the surplus ceiling, earns a little less
    than the grid would charge for it then, so surplus is worth storing and
    grid power is not.
    """
    grid, required, prices = programme.grid, programme.required, programme.prices
    temps = [grid.temperature(i) for i in range(grid.size)]
    credit = LEFT_OVER_SHARE * prices.cheapest_kelvin
    stored_c = programme.targets.surplus_c
    last = [-credit * max(0.0, min(t, stored_c) - required[-1]) for t in temps]
    ahead: Values = (last, last)
    values = [ahead]
    moves: dict[
        tuple[Action, float, float, bool], list[tuple[int, float, Outcome]]
    ] = {}
    for index in range(len(programme.slots) - 1, 0, -1):
        slot = programme.slots[index]
        both: list[list[float]] = []
        for running in (False, True):
            current = [math.inf] * grid.size
            for choice in programme.choices[index]:
                key = (choice.action, slot.draw_litres, slot.hours, running)
                if key not in moves:
                    moves[key] = [
                        (*grid.locate(outcome.mean_c), outcome)
                        for outcome in (
                            programme.move(index, choice, t, running=running)
                            for t in temps
                        )
                    ]
                rate = prices.cost(index, choice, 1.0)
                needed = required[index + 1]
                for point in range(grid.size):
                    if not programme.open_to(choice, temps[point]):
                        continue
                    at, share, outcome = moves[key][point]
                    after = ahead[outcome.running]
                    below = after[at]
                    cost = (
                        rate * outcome.heated_h
                        + below
                        + share * (after[at + 1] - below)
                        + _shortfall(outcome.mean_c, needed)
                    )
                    current[point] = min(current[point], cost)
            both.append(current)
        ahead = (both[0], both[1])
        values.append(ahead)
    values.reverse()
    return values


def _follow(
    programme: _Programme,
    start_c: float,
    running: bool,
    layers: tuple[float, float] | None,
    values: list[Values],
) -> Schedule:
    """From the tank's temperature now, take the best action slot by slot.

    `values[index]` is the cost-to-go at the boundary after slot `index`; the
    first slot starts from the measured `layers`.
    """
    slots = programme.slots
    schedule = Schedule([], [])
    schedule.temps.append(start_c)
    upcoming: Promise | None = None
    for slot in reversed(slots):
        schedule.causes.insert(0, upcoming)
        upcoming = slot.promises[0] if slot.promises else upcoming
    mean_c = start_c
    for index, slot in enumerate(slots):
        if index and mean_c + EPSILON_K < programme.required[index]:
            schedule.unmet.extend(slot.promises)
        options = [
            (
                programme.prices.cost(index, choice, outcome.heated_h)
                + programme.grid.value(values[index][outcome.running], outcome.mean_c)
                + _shortfall(outcome.mean_c, programme.required[index + 1]),
                order,
                outcome,
            )
            for order, choice in enumerate(programme.choices[index])
            if programme.open_to(choice, mean_c)
            for outcome in (
                programme.move(
                    index,
                    choice,
                    mean_c,
                    running=running,
                    layers=None if index else layers,
                ),
            )
        ]
        _, order, outcome = min(options, key=lambda option: option[:2])
        mean_c, running = outcome.mean_c, outcome.running
        schedule.actions.append(programme.choices[index][order].action)
        schedule.temps.append(mean_c)
    return schedule
