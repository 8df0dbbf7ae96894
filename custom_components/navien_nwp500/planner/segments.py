"""Turn the chosen slot actions into segments with a set-point and a reason."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Final

from .model import Mode, Reason, ReasonCode, Segment, Strategy
from .schedule import Action, surplus_action

if TYPE_CHECKING:
    from collections.abc import Hashable, Sequence

    from .schedule import Schedule, Targets
    from .tank_model import TankModel
    from .timeline import Slot

PEAK_SHARE: Final = 0.25
"""Hours priced in the top quarter of the horizon's price range are its peak."""
_HOLD_CODES: Final[dict[tuple[bool, bool], ReasonCode]] = {
    (False, False): ReasonCode.SET_BACK,
    (False, True): ReasonCode.SET_BACK_COAST,
    (True, False): ReasonCode.PRICE_PEAK,
    (True, True): ReasonCode.PRICE_PEAK_COAST,
}
"""The reason of a holding run, by (in a price peak, coasting)."""


def round_up_half(celsius: float) -> float:
    """Round up to the next half degree (the heater takes set-points in half degrees)."""
    return math.ceil(celsius * 2 - 1e-9) / 2


def _runs(keys: Sequence[Hashable]) -> list[tuple[int, int]]:
    """[start, end) index ranges of equal consecutive keys."""
    runs: list[tuple[int, int]] = []
    start = 0
    for index in range(1, len(keys) + 1):
        if index == len(keys) or keys[index] != keys[start]:
            runs.append((start, index))
            start = index
    return runs


def _heating_setpoint(
    temps: Sequence[float], start: int, end: int, targets: Targets
) -> float:
    """Set-point of a heating run: where the model ends it, high enough to start."""
    reached = max(temps[start : end + 1])
    wanted = max(reached, temps[start] + targets.start_margin_k, targets.hold_c)
    return min(targets.max_c, round_up_half(wanted))


def _peak_price(slots: Sequence[Slot]) -> float:
    """Prices above this are a peak: the top quarter of the horizon's price range."""
    prices = [slot.price for slot in slots]
    if not prices or max(prices) == min(prices):
        return math.inf
    return max(prices) - PEAK_SHARE * (max(prices) - min(prices)) - 1e-9


def build_segments(
    slots: Sequence[Slot],
    schedule: Schedule,
    targets: Targets,
    strategies: frozenset[Strategy],
    model: TankModel,
) -> tuple[Segment, ...]:
    """One segment per run of slots that share an action and a reason."""
    cheap = Strategy.CHEAP_HOURS in strategies
    peak_price = _peak_price(slots)
    holding = (Action.HOLD, Action.COAST)
    keys = [
        (
            action,
            schedule.causes[index] if action not in holding else None,
            action in holding and cheap and slots[index].price > peak_price,
            surplus_action(slots[index], model) if action is Action.SURPLUS else None,
        )
        for index, action in enumerate(schedule.actions)
    ]
    segments: list[Segment] = []
    for start, end in _runs(keys):
        action, cause, expensive, surplus_mode = keys[start]
        begin, finish = slots[start].start, slots[end - 1].end
        if action in holding:
            # While the tank holds more than the set-back, only the floor is
            # asked for: the heater's thermostat would otherwise restart on a
            # bottom cooled by a draw while the tank as a whole is still warm.
            # The reason names the set-point sent, and while coasting the set-back.
            coast = action is Action.COAST
            setpoint = targets.floor_c if coast else targets.hold_c
            code = _HOLD_CODES[expensive, coast]
            params: dict[str, str | float] = {"setpoint": setpoint}
            if coast:
                params["set_back"] = targets.hold_c
            if expensive:  # the peak's end, across holding and coasting runs
                last = end
                while last < len(keys) and keys[last][0] in holding and keys[last][2]:
                    last += 1
                params["until"] = slots[last - 1].end.isoformat()
            segments.append(
                Segment(begin, finish, Mode.HEAT_PUMP, setpoint, Reason(code, params))
            )
            continue
        if action is Action.SURPLUS:
            watts = sum(s.surplus_w for s in slots[start:end]) / (end - start)
            segments.append(
                Segment(
                    begin,
                    finish,
                    surplus_mode or Mode.HEAT_PUMP,
                    targets.surplus_c,
                    Reason(
                        ReasonCode.SOLAR_SURPLUS,
                        {"setpoint": targets.surplus_c, "watts": round(watts)},
                    ),
                )
            )
            continue
        setpoint = _heating_setpoint(schedule.temps, start, end, targets)
        params = {"setpoint": setpoint}
        if cause is None:
            code = ReasonCode.COMFORT_FLOOR
            params["litres"] = targets.floor_litres
        else:
            params["ready_by"] = cause.at.isoformat()
            params["litres"] = cause.litres
            code = ReasonCode.CHEAP_HOURS if cheap else ReasonCode.READY_BY
        mode = Mode.HEAT_PUMP
        if action is Action.BOOST:
            # The element only starts far below the set-point: ask for the
            # most, the next plan (or the end of the segment) stops it.
            code, mode = ReasonCode.HYBRID_BOOST, Mode.HIGH_DEMAND
            params["setpoint"] = setpoint = targets.max_c
        segments.append(Segment(begin, finish, mode, setpoint, Reason(code, params)))
    return tuple(segments)
