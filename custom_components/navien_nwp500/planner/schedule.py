"""Choose, slot by slot, when to heat so that every promise and the floor hold.

A greedy search on the planner's tank model, for ready-by alone (prices and
surplus go to the cost-aware search in `search.py`): while some slot boundary
falls short (a promise due there, or the comfort floor after its draw), heat
in the latest slot before it that still adds heat there. Only when the heat
pump cannot make it in any slot does a slot switch to hybrid heating.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, Final

from .model import Mode, Promise

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .tank_model import TankModel
    from .timeline import Slot

EPSILON_K: Final = 1e-6


class Action(IntEnum):
    """What the heater does in a slot."""

    HOLD = 0
    """Keep the set-back (the heater only heats if the tank falls below it)."""
    HEAT = 1
    """Heat with the heat pump."""
    BOOST = 2
    """Heat with the heat pump and the element (hybrid)."""
    SURPLUS = 3
    """Store solar surplus up to the surplus ceiling."""
    COAST = 4
    """Ask only for the comfort floor while the tank holds more than the set-back."""


@dataclass(frozen=True, slots=True)
class Targets:
    """Temperatures and thresholds the search works with."""

    hold_c: float
    floor_c: float
    """Lowest set-point that keeps the comfort floor."""
    max_c: float
    surplus_c: float
    start_margin_k: float
    floor_litres: float
    lower_start_margin_k: float = 6.5


@dataclass(slots=True)
class Schedule:
    """The chosen action of each slot, what it is for, and the modelled tank."""

    actions: list[Action]
    causes: list[Promise | None]
    """For a heating slot, the promise it heats for (None: the comfort floor)."""
    temps: list[float] = field(default_factory=list)
    """Mean tank temperature at each slot boundary, before that slot's draw."""
    unmet: list[Promise] = field(default_factory=list)


def surplus_action(slot: Slot, model: TankModel) -> Mode | None:
    """Return the mode a slot's surplus covers: the heat pump first, hybrid if both."""
    if slot.surplus_w >= model.electric_w(Mode.HIGH_DEMAND):
        return Mode.HIGH_DEMAND
    if slot.surplus_w >= model.electric_w(Mode.HEAT_PUMP):
        return Mode.HEAT_PUMP
    return None


@dataclass(slots=True)
class Trajectory:
    """The modelled tank at every slot boundary."""

    temps: list[float]
    """Mean tank temperature, before that boundary's draw."""
    running: list[bool]
    """Whether the heater was still heating when the boundary was reached."""
    heated: list[bool]
    """Whether the heater heated at all in each slot."""


def simulate(
    model: TankModel,
    slots: Sequence[Slot],
    actions: Sequence[Action],
    targets: Targets,
    *,
    base: Trajectory,
    start: int = 0,
    stop: int | None = None,
) -> Trajectory:
    """Re-run the model from boundary `start` of `base` up to boundary `stop`."""
    temps, running = base.temps[: start + 1], base.running[: start + 1]
    heated = base.heated[:start]
    mean_c, heating = temps[-1], running[-1]
    for index in range(start, len(slots) if stop is None else stop):
        slot, action = slots[index], actions[index]
        mean_c = model.after_draw(mean_c, slot.draw_litres)
        mode: Mode | None = Mode.HEAT_PUMP
        ceiling = targets.max_c
        if action is Action.HOLD:
            ceiling = targets.hold_c
            heating = heating or mean_c < ceiling - targets.start_margin_k
            mode = Mode.HEAT_PUMP if heating else None
        elif action is Action.BOOST:
            mode = Mode.HIGH_DEMAND
        mean_c, heated_h = model.step(mean_c, mode, ceiling, slot.hours)
        heating = mode is not None and heated_h >= slot.hours - 1e-9
        temps.append(mean_c)
        running.append(heating)
        heated.append(heated_h > 0)
    return Trajectory(temps, running, heated)


def _required_temps(
    model: TankModel, slots: Sequence[Slot], floor_litres: float
) -> list[float]:
    """Mean temperature each boundary needs: its draw plus the floor, delivered hot."""
    draws = [slot.draw_litres for slot in slots] + [0.0]
    return [model.temperature_for(draw + floor_litres) for draw in draws]


def _first_shortfall(
    temps: Sequence[float], required: Sequence[float], accepted: set[int]
) -> int | None:
    """Return the first boundary (after now) where the tank holds too little."""
    for boundary in range(1, len(temps)):
        if (
            temps[boundary] + EPSILON_K < required[boundary]
            and boundary not in accepted
        ):
            return boundary
    return None


def _boundary_cause(slots: Sequence[Slot], boundary: int) -> Promise | None:
    """Return the promise due at `boundary`, None when only the floor is short there."""
    if boundary < len(slots) and slots[boundary].promises:
        return slots[boundary].promises[0]
    return None


def plan_actions(
    model: TankModel,
    slots: Sequence[Slot],
    start_c: float,
    targets: Targets,
) -> Schedule:
    """Greedy choice of heating slots that keeps every promise and the floor."""
    actions = [Action.HOLD] * len(slots)
    schedule = Schedule(actions, [None] * len(slots))
    required = _required_temps(model, slots, targets.floor_litres)
    accepted: set[int] = set()
    tried: set[tuple[int, int, Action]] = set()
    path = simulate(
        model, slots, actions, targets, base=Trajectory([start_c], [False], [])
    )
    while (boundary := _first_shortfall(path.temps, required, accepted)) is not None:
        upgrade = _latest_upgrade(actions, boundary, tried)
        if upgrade is None:
            accepted.add(boundary)
            if boundary < len(slots):
                schedule.unmet.extend(slots[boundary].promises)
            continue
        index, action = upgrade
        tried.add((boundary, index, action))
        previous = actions[index]
        actions[index] = action
        trial = simulate(
            model, slots, actions, targets, base=path, start=index, stop=boundary
        )
        if trial.temps[boundary] <= path.temps[boundary] + EPSILON_K:
            actions[index] = previous
            continue
        schedule.causes[index] = _boundary_cause(slots, boundary)
        path = simulate(model, slots, actions, targets, base=trial, start=boundary)
    schedule.temps = path.temps
    schedule.actions = [
        Action.COAST if action is Action.HOLD and not heated else action
        for action, heated in zip(actions, path.heated, strict=True)
    ]
    return schedule


def _latest_upgrade(
    actions: Sequence[Action],
    boundary: int,
    tried: set[tuple[int, int, Action]],
) -> tuple[int, Action] | None:
    """Return the latest slot before `boundary` to heat in: heat pump first, then hybrid."""
    for action, upgradable in (
        (Action.HEAT, (Action.HOLD,)),
        (Action.BOOST, (Action.HOLD, Action.HEAT)),
    ):
        candidates = [
            index
            for index in range(boundary)
            if actions[index] in upgradable and (boundary, index, action) not in tried
        ]
        if candidates:
            return max(candidates), action
    return None
