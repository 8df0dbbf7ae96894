"""How the heater answers a slot's command: its own start and stop rules.

A stopped heater starts only when its upper sensor is `start_margin_k`, or its
lower one `lower_start_margin_k`, short of the set-point; a running one goes
on until its bottom reaches the set-point. So a plan cannot stop the heater
for a slot and expect it back for a small shortfall, and a big draw that
cools the bottom restarts it even while the set-point only holds the floor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from .model import Mode

if TYPE_CHECKING:
    from .schedule import Action, Targets
    from .tank_model import TankModel
    from .timeline import Slot

RECOVERY_HOURS: Final = 2.0
"""Longest recovery a draw sets off while only a set-point is held."""


@dataclass(frozen=True, slots=True)
class Choice:
    """One action and how the heater runs under it."""

    action: Action
    mode: Mode
    target_c: float
    thermostat: bool
    """True: only the set-point is held, the heater starts by itself when short."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """Where a slot takes the tank."""

    mean_c: float
    heated_h: float
    running: bool
    """Whether the heater still runs at the end of the slot."""


def _starts(upper: float, lower: float, setpoint: float, targets: Targets) -> bool:
    """Whether a stopped heater starts for `setpoint`."""
    return (
        upper < setpoint - targets.start_margin_k
        or lower < setpoint - targets.lower_start_margin_k
    )


def transition(
    model: TankModel,
    choice: Choice,
    mean_c: float,
    slot: Slot,
    targets: Targets,
    *,
    running: bool,
    layers: tuple[float, float] | None = None,
) -> Outcome:
    """Where `slot` takes the tank under `choice`, from a running or stopped heater.

    `layers`: the measured (upper, lower) temperatures, for the slot that starts
    now; later slots start from a mixed tank at `mean_c`. A bottom a draw left
    cold only cools slowly after it: the planner sees it in the measured layers
    at each re-plan, so ahead of time only a draw's own cooling starts the heater.
    """
    upper, lower = layers or (mean_c, mean_c)
    if slot.draw_litres:
        upper, lower = model.draw_layered(upper, lower, slot.draw_litres)
        mean_c = (upper + lower) / 2
    setpoint = choice.target_c
    if choice.thermostat:
        on = (running and lower < setpoint) or _starts(upper, lower, setpoint, targets)
        # The heater stops once its bottom reaches the set-point; a top still
        # hotter than that keeps its heat.
        ceiling = (max(upper, setpoint) + setpoint) / 2
        mode: Mode | None = Mode.HEAT_PUMP
    else:
        on = running or _starts(upper, lower, setpoint, targets)
        ceiling, mode = setpoint, choice.mode
    if not on:
        after, _ = model.step(mean_c, None, setpoint, slot.hours)
        return Outcome(after, 0.0, running=False)
    after, heated = model.step(mean_c, mode, ceiling, slot.hours)
    running = heated >= slot.hours - 1e-9
    recovery_c = (max(upper, targets.floor_c) + targets.floor_c) / 2
    if slot.draw_litres and lower < targets.floor_c and after < recovery_c:
        # Only this slot knows how cold the draw left the bottom: the heater
        # runs until the bottom is back at the set-point, counted here.
        after, heated = model.step(
            mean_c, mode, max(ceiling, recovery_c), max(slot.hours, RECOVERY_HOURS)
        )
        running = False
    return Outcome(after, heated, running=running)
