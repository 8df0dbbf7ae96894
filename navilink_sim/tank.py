"""Physics of a simulated NWP500 tank: two water layers, a heat pump and two elements.

Temperatures here are plain °C floats and energies Wh; `heater_wire.py` turns them into
wire encodings. The model is deliberately simple but keeps the relations the client
relies on: heating raises the tank, draws and standby loss lower it, and the electric
energy counters only move while something heats.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import random

HEAT_PUMP = 1
ELECTRIC = 2
ENERGY_SAVER = 3
HIGH_DEMAND = 4
VACATION = 5
POWER_OFF = 6

NODE_LITRES = 123.0  # half of a 65-gal tank
NODE_WH_PER_K = NODE_LITRES * 4.186 / 3.6  # about 143 Wh per kelvin per layer
REFERENCE_C = 40.5  # §8.1: energy fields count from 104.9 °F
AMBIENT_C = 21.0
INLET_C = 15.0
LOSS_W_PER_K = 0.8  # standby loss per layer (about 60 W for a hot tank)
ELEMENT_W = 5100.0
RESTART_LOCKOUT_S = 330.0  # compressor minimum off time (§17.8: about 5.5 min)
HP_START_LOWER_K = 6.0  # compressor starts when the lower layer is this far short
HP_START_UPPER_K = 4.0  # ... or the upper layer this far short
LOWER_ELEMENT_START_K = 6.0
# How far the upper layer must be short before the upper element starts, per mode.
UPPER_ELEMENT_START_K = {ELECTRIC: 4.0, HIGH_DEMAND: 8.0, ENERGY_SAVER: 15.0}
COMPRESSOR_MODES = frozenset({HEAT_PUMP, ENERGY_SAVER, HIGH_DEMAND})


@dataclass(slots=True)
class EnergyStep:
    """Electric energy and run time spent in one step, split by heat source."""

    hp_wh: float = 0.0
    he_wh: float = 0.0
    hp_s: float = 0.0
    he_s: float = 0.0


class Tank:
    """Two stacked water layers heated by a compressor (lower) and elements."""

    def __init__(self, rng: random.Random, *, draw_interval: float | None) -> None:
        """Start with a nearly full tank; `draw_interval` is the mean gap between random draws."""
        self._rng = rng
        self._draw_interval = draw_interval
        self.upper = 59.5
        self.lower = 57.5
        self.compressor = False
        self.upper_element = False
        self.lower_element = False
        self.lockout = 0.0
        self.flow_lpm = 0.0
        self.draw_left = 0.0
        self.draw_elapsed = 0.0
        self.litres = 18250.0
        self.fan_hours = 120.0
        self.idle_w = 6
        self.fan_rpm = 0

    @property
    def heating(self) -> bool:
        """Whether any heat source runs."""
        return self.compressor or self.upper_element or self.lower_element

    @property
    def compressor_w(self) -> float:
        """Electric power of the compressor; it rises with the water temperature."""
        return 400.0 + 1.6 * (self.lower - AMBIENT_C) if self.compressor else 0.0

    @property
    def element_w(self) -> float:
        """Electric power of whichever element is on."""
        return ELEMENT_W if self.upper_element or self.lower_element else 0.0

    @property
    def power_w(self) -> int:
        """Whole-unit power as `currentInstPower` reports it (elements included)."""
        if not self.heating:
            return self.idle_w
        return round(self.compressor_w + self.element_w + 8)

    def start_draw(self, flow_lpm: float, seconds: float) -> None:
        """Open a hot-water tap."""
        self.flow_lpm = flow_lpm
        self.draw_left = seconds
        self.draw_elapsed = 0.0

    def full_recovery_wh(self, target: float) -> float:
        """Energy to heat the whole tank from 40.5 °C to `target`."""
        return 2 * NODE_WH_PER_K * max(0.0, target - REFERENCE_C)

    def needed_wh(self, target: float) -> float:
        """Energy still needed to bring both layers to `target`."""
        return sum(
            NODE_WH_PER_K * max(0.0, target - max(t, REFERENCE_C))
            for t in (self.upper, self.lower)
        )

    def hot_water_litres(self, mix_c: float, cold_c: float) -> float:
        """Litres of `mix_c` water the layers above it make with `cold_c` water.

        The validation figure for hot water available: each layer hotter than
        `mix_c` is mixed with cold water down to `mix_c` (ideal mixing).
        """
        return sum(
            NODE_LITRES * (t - cold_c) / (mix_c - cold_c)
            for t in (self.upper, self.lower)
            if t > mix_c
        )

    def step(self, dt: float, mode: int, target: float) -> EnergyStep:
        """Move the model `dt` seconds on under `mode` heating towards `target` °C."""
        self._draw(dt)
        self._control(mode, target)
        self._lose_heat(dt)
        used = EnergyStep()
        if self.compressor:
            cop = 4.2 - 0.04 * (self.lower - AMBIENT_C)
            used.hp_wh = self.compressor_w * dt / 3600
            used.hp_s = dt
            self._heat_by_compressor(used.hp_wh * cop)
            self.fan_hours += dt / 3600
            self.fan_rpm = 540 + self._rng.randint(0, 20)
        else:
            self.fan_rpm = 0
            self.lockout = max(0.0, self.lockout - dt)
        if self.upper_element or self.lower_element:
            used.he_wh = ELEMENT_W * dt / 3600
            used.he_s = dt
            self._heat_by_element(used.he_wh, upper=self.upper_element)
        self._settle()
        self.idle_w = self._rng.randint(1, 17)
        return used

    def _lose_heat(self, dt: float) -> None:
        """Lose `dt` seconds of standby heat to the room."""
        loss = LOSS_W_PER_K * dt / 3600 / NODE_WH_PER_K
        self.upper -= (self.upper - AMBIENT_C) * loss
        self.lower -= (self.lower - AMBIENT_C) * loss

    def _heat_by_compressor(self, heat_wh: float) -> None:
        """Put the compressor's `heat_wh` into the water (it wraps the lower part)."""
        self.lower += heat_wh / NODE_WH_PER_K

    def _heat_by_element(self, heat_wh: float, *, upper: bool) -> None:
        """Put an element's `heat_wh` into the water around it."""
        if upper:
            self.upper += heat_wh / NODE_WH_PER_K
        else:
            self.lower += heat_wh / NODE_WH_PER_K

    def _settle(self) -> None:
        """Warm water rises: a lower layer hotter than the upper one mixes with it."""
        if self.lower > self.upper:
            self.upper = self.lower = (self.upper + self.lower) / 2

    def flow(self, litres: float) -> None:
        """Let `litres` of hot water out at the top and as much cold water in."""
        share = litres / NODE_LITRES
        self.upper += (self.lower - self.upper) * share
        self.lower += (INLET_C - self.lower) * share

    def _draw(self, dt: float) -> None:
        if (
            self.draw_left <= 0
            and self._draw_interval is not None
            and self._rng.random() < dt / self._draw_interval
        ):
            self.start_draw(
                round(self._rng.uniform(3.0, 10.0), 1), self._rng.uniform(30.0, 600.0)
            )
        if self.draw_left <= 0:
            return
        seconds = min(dt, self.draw_left)
        self.draw_left -= seconds
        self.draw_elapsed += seconds
        self.litres += self.flow_lpm * seconds / 60
        self.flow(self.flow_lpm * seconds / 60)
        if self.draw_left <= 0:
            self.flow_lpm = 0.0
            self.draw_elapsed = 0.0

    def _control(self, mode: int, target: float) -> None:
        short_upper = target - self.upper
        short_lower = target - self.lower
        if mode not in COMPRESSOR_MODES or (self.compressor and short_lower <= 0):
            if self.compressor:
                self.lockout = RESTART_LOCKOUT_S
            self.compressor = False
        elif not self.compressor and self.lockout <= 0:
            self.compressor = (
                short_lower > HP_START_LOWER_K or short_upper > HP_START_UPPER_K
            )
        start_upper = UPPER_ELEMENT_START_K.get(mode)
        if start_upper is None:
            self.upper_element = self.lower_element = False
            return
        self.upper_element = short_upper > (0.0 if self.upper_element else start_upper)
        self.lower_element = (
            mode == ELECTRIC
            and not self.upper_element
            and short_lower > (0.0 if self.lower_element else LOWER_ELEMENT_START_K)
        )
