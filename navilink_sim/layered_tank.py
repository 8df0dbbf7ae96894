"""A stratified NWP500 tank: many stacked layers of water, as a real tank holds it.

Cold water enters at the bottom and hot water leaves at the top (plug flow), so a
long draw leaves a hot top over a cold bottom; warm water rises, so a layer hotter
than the one above mixes with it. The compressor's coil wraps the lower half, the
upper element sits beside the upper probe, the lower one near the bottom.
`tankUpperTemperature` and `tankLowerTemperature` (§8.1) are two probes, by
default at a quarter and three quarters of the height (their real heights are
not published; the profile's ``probe_heights`` moves them).

The energy fields are what the captures show (protocol.md §17.11), not the
two-halves model of `navilink_sim.tank`: the deficit (`availableEnergyCapacity`)
is the whole tank's heat capacity times the set-point minus the MEAN of the two
probes (about 345 Wh/K on a 300 L tank), so a hot top and a cold bottom cancel; the
full-recovery cost (`totalEnergyCapacity`) is that capacity from 40.5 °C to the
set-point (§8.1), so it moves with the set-point. The captures' spread of
`totalEnergyCapacity` at one set-point has no known cause and is not modelled.

`hot_water_litres` is the ground truth for hot water available: it runs the
model's own draw on a copy of the layers until the outlet is no longer hot enough.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, override

from navilink_sim.tank import AMBIENT_C, INLET_C, LOSS_W_PER_K, REFERENCE_C, Tank

if TYPE_CHECKING:
    import random

    from navilink_sim.accounts import SimDevice
    from navilink_sim.profile import HeaterProfile

LAYERS = 96
WH_PER_LITRE_K = 4.186 / 3.6  # water: about 1.163 Wh per litre per kelvin
TANK_LITRES = {1: 189.3, 2: 246.1, 3: 302.8}  # volumeCode: 50, 65, 80 US gal (§9.1)
HALF = LAYERS // 2
LOWER_ELEMENT = 1
TANK_LOSS_W_PER_K = 2 * LOSS_W_PER_K  # the same standby loss as the two-layer tank
TRUTH_STEP_LITRES = 0.5  # the ground truth draws this much at a time
CONDENSER_MARGIN_K = 2.0  # the heat pump's condenser runs this much above the set-point


class LayeredTank(Tank):
    """A tank of `LAYERS` equal layers (index 0 at the bottom) sized by the device's volume code."""

    def __init__(
        self,
        rng: random.Random,
        *,
        draw_interval: float | None,
        device: SimDevice,
        probe_heights: tuple[float, float] = (0.25, 0.75),
        heat_pump_output: float = 1.0,
    ) -> None:
        """Start nearly full, like `Tank`; the volume comes from `device.volume_code`.

        `probe_heights`: where the lower and upper probes sit, shares of the height;
        the upper element sits beside the upper probe (its thermostat), as the
        element's own thermostat must see the heat it makes. `heat_pump_output`
        scales the heat pump's heat (the profile's knob).
        """
        self.lower_probe, self.upper_probe = (
            min(LAYERS - 1, max(0, int(LAYERS * height))) for height in probe_heights
        )
        self.tank_litres = TANK_LITRES.get(device.volume_code, TANK_LITRES[2])
        self.layer_litres = self.tank_litres / LAYERS
        self.layers = [0.0] * LAYERS
        self.inlet_c: float | None = None
        self._target = 60.0
        self._heat_pump_output = heat_pump_output
        """The set-point the heater last heated towards."""
        self.drawn_litres = 0.0
        """Litres drawn since the layers last moved up (less than one layer)."""
        super().__init__(rng, draw_interval=draw_interval)

    @property
    def wh_per_k(self) -> float:
        """Heat capacity of the whole tank, Wh per kelvin."""
        return self.tank_litres * WH_PER_LITRE_K

    @property  # type: ignore[explicit-override]  # mypy misreads an overridden setter
    @override
    def upper(self) -> float:
        """The upper probe's temperature; setting it sets the whole upper half."""
        return self.layers[self.upper_probe]

    @upper.setter
    def upper(self, value: float) -> None:
        self.layers[HALF:] = [value] * (LAYERS - HALF)

    @property  # type: ignore[explicit-override]  # mypy misreads an overridden setter
    @override
    def lower(self) -> float:
        """The lower probe's temperature; setting it sets the whole lower half."""
        return self.layers[self.lower_probe]

    @lower.setter
    def lower(self, value: float) -> None:
        self.layers[:HALF] = [value] * HALF

    @override
    def full_recovery_wh(self, target: float) -> float:
        """Energy to heat the whole tank from 40.5 °C to `target` (§8.1 `totalEnergyCapacity`)."""
        return self.wh_per_k * max(0.0, target - REFERENCE_C)

    @override
    def needed_wh(self, target: float) -> float:
        """Return the deficit as captured (§17.11): set-point minus the mean of the probes."""
        return self.wh_per_k * max(0.0, target - (self.upper + self.lower) / 2)

    @override
    def hot_water_litres(self, mix_c: float, cold_c: float) -> float:
        """Litres of `mix_c` water a shower gets from this tank, with `cold_c` cold water.

        Ground truth from the model itself: a copy of the tank is drawn half a
        litre at a time with `cold_c` water coming in, and each half litre of
        outlet water counts, mixed down to `mix_c`, until the outlet is no hotter
        than `mix_c`.
        """
        if cold_c >= mix_c:
            raise ValueError("cold water must be colder than the mixed water")
        probe = copy.copy(self)
        probe.layers = list(self.layers)
        probe.inlet_c = cold_c
        litres = 0.0
        step_litres = TRUTH_STEP_LITRES
        for _ in range(2 * round(self.tank_litres / step_litres)):
            outlet = probe.layers[-1]
            if outlet <= mix_c:
                break
            litres += step_litres * (outlet - cold_c) / (mix_c - cold_c)
            probe.flow(step_litres)
        return litres

    @override
    def _lose_heat(self, dt: float) -> None:
        share = TANK_LOSS_W_PER_K / LAYERS * dt / 3600 / (self.wh_per_k / LAYERS)
        self.layers = [t - (t - AMBIENT_C) * share for t in self.layers]

    @override
    def _control(self, mode: int, target: float) -> None:
        self._target = target
        super()._control(mode, target)

    @override
    def _heat_by_compressor(self, heat_wh: float) -> None:
        """Warm the lower half from the coil, the coldest water most.

        The condenser is only a little hotter than the set-point, so each layer
        takes heat in proportion to how far it is below that (§17.11: captured
        tanks never read above the set-point by more than about a kelvin); the
        heat the lower half cannot take warms it alike.
        """
        condenser = self._target + CONDENSER_MARGIN_K
        room = [max(0.0, condenser - t) for t in self.layers[:HALF]]
        rise = heat_wh * self._heat_pump_output / (self.wh_per_k / LAYERS)
        taken = min(rise, sum(room))
        for index in range(HALF):
            share = room[index] / sum(room) if taken else 0.0
            self.layers[index] += taken * share + (rise - taken) / HALF

    @override
    def _heat_by_element(self, heat_wh: float, *, upper: bool) -> None:
        index = self.upper_probe if upper else LOWER_ELEMENT
        self.layers[index] += heat_wh / (self.wh_per_k / LAYERS)

    @override
    def _settle(self) -> None:
        """Warm water rises: each inversion mixes into one pool at its mean, bottom up."""
        pools: list[tuple[float, int]] = []
        for temperature in self.layers:
            total, count = temperature, 1
            while pools and pools[-1][0] / pools[-1][1] > total / count + 1e-9:
                below_total, below_count = pools.pop()
                total, count = total + below_total, count + below_count
            pools.append((total, count))
        self.layers = [total / count for total, count in pools for _ in range(count)]

    @override
    def flow(self, litres: float) -> None:
        """Push `litres` up through the layers: out at the top, cold in at the bottom.

        Plug flow without blending: the layers move up one whole layer at a time,
        once a layer's worth has left, so a draw sharpens no thermocline and
        blurs none (mixing at the inlet is real but not measured; not modelled).
        """
        self.drawn_litres += litres
        inlet = INLET_C if self.inlet_c is None else self.inlet_c
        while self.drawn_litres >= self.layer_litres:
            self.drawn_litres -= self.layer_litres
            self.layers = [inlet, *self.layers[:-1]]


def make_tank(
    rng: random.Random,
    draw_interval: float | None,
    device: SimDevice,
    profile: HeaterProfile,
) -> Tank:
    """Build the heater's tank: layered if the profile says so, else the two-halves `Tank`."""
    if profile.stratified_tank:
        return LayeredTank(
            rng,
            draw_interval=draw_interval,
            device=device,
            probe_heights=profile.probe_heights,
            heat_pump_output=profile.heat_pump_output,
        )
    return Tank(rng, draw_interval=draw_interval)
