"""The water in one heater's tank, followed status by status, and the hot water it leaves.

Pure computations on the heater's status messages (no Home Assistant).

The two tank probes sit about a quarter and three quarters up the tank
(where exactly, draws show: ``hot_water_probes``), so a draw can put cold
water where neither sees it: a short draw fills the bottom
quarter while both probes still read hot, a longer one puts the boundary
anywhere between or above them. No temperature shows where it is; the litres
that came in do. They come from the heater's lifetime count of the hot water
it delivered (``cumulatedDhwFlowRate``, protocol §8.1), which counts every
litre however rarely status comes. Some units report 0 there (§17.1); for them
the flow rate of each status (``currentDhwFlowRate``), held until the next
status, is integrated over time.

Those litres move a stack of slices of water up the tank; the heat sources
on (``compUse``, ``heatLowerUse``, ``heatUpperUse``) say where heat came in,
and the probes how much (``hot_water_layers``). The heater's energy fields add
nothing to this: its deficit follows the mean of the same two probes (§17.11).

What lay in the tank before the first status seen (a first start, a heater
without a count after a restart, a count that went back) is not known: the
stack starts as each probe for its half, which can be wrong until a whole
tank of water has come in since (`ColdWater.known`).
"""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from .hot_water import MIX_C, heat_sources, hot_water_litres, tank_litres
from .hot_water_layers import LOWER_ELEMENT, TankLayers, heat_pump
from .hot_water_probes import ProbeHeights

if TYPE_CHECKING:
    from .hot_water_layers import Heating
    from .navilink.codec import DeviceFeature, DeviceStatus

STORED_KEYS: Final = ("temps", "part_litres", "drawn", "known", "counter")
"""What a stored state must hold; ``probes`` may be missing (stored before them)."""


@dataclass(slots=True)
class ColdWater:
    """What one heater's statuses told about the water in its tank."""

    layers: TankLayers | None = None
    """The tank's slices; None before the first status with both probes."""
    drawn: float = 0.0
    """Litres drawn since the stack started (capped at the tank's capacity)."""
    known: bool = False
    """Whether every litre in the tank came in seen: false until a whole tank
    was drawn since the stack started from the probes alone."""
    counter: int | None = None
    """The heater's lifetime hot water count (litres) at the last status; None: none."""
    flow_lpm: float = 0.0
    """The flow rate of the last status (for heaters whose count reads 0)."""
    at: float | None = None
    """When the last status came (a timestamp, seconds), for the flow rate."""
    went_back: bool = False
    """Whether the last status's count was lower than the one before (late, or new)."""
    lower_source: Heating = field(default=heat_pump)
    """What heated the lower half last: the heat pump, or the lower element."""
    probes: ProbeHeights = field(default_factory=ProbeHeights)
    """Where the probes sit, learned from draws."""

    def take(
        self, capacity: float, status: DeviceStatus, now: float, cold_water_c: float
    ) -> None:
        """Follow a new status that came at `now` (a timestamp, seconds)."""
        upper, lower = status.tank_upper_temperature, status.tank_lower_temperature
        drawn = self._drawn(status, now)
        if drawn is None or upper is None or lower is None:
            return
        if status.comp_use:
            self.lower_source = heat_pump
        elif status.heat_lower_use:
            self.lower_source = LOWER_ELEMENT
        if self.layers is None:
            self.layers = TankLayers.from_probes(upper, lower)
            return
        probes = self.probes
        self.layers.follow(
            (upper, lower),
            drawn,
            capacity,
            cold_water_c,
            self.lower_source,
            probes=(probes.lower, probes.upper),
        )
        probes.take(
            (upper, lower),
            drawn,
            capacity,
            cold_water_c,
            heating=any(heat_sources(status)),
            upper_element=bool(status.heat_upper_use),
        )
        self.drawn = min(capacity, self.drawn + drawn)
        self.known = self.known or self.drawn >= capacity

    def _drawn(self, status: DeviceStatus, now: float) -> float | None:
        """Litres drawn since the last status: from the count, else the flow.

        None for a status older than the last one (a late reply: its count is
        lower). A count that stays lower is a new count: what came in is unknown.
        """
        counter, flow = status.cumulated_dhw_flow, status.current_dhw_flow_rate
        drawn = 0.0
        if counter:  # a unit whose count reads 0 has none (§17.1)
            if self.counter is not None and counter < self.counter:
                if not self.went_back:
                    self.went_back = True
                    return None
                self.known = False
                self.drawn = 0.0
            elif self.counter is not None:
                drawn = float(counter - self.counter)
            self.went_back = False
            self.counter = counter
        elif self.at is not None:
            drawn = self.flow_lpm * max(0.0, now - self.at) / 60
        self.flow_lpm, self.at = flow or 0.0, now
        return drawn

    def mixed_litres(
        self, capacity: float, status: DeviceStatus, cold_water_c: float
    ) -> float | None:
        """Litres of 40 °C water the tank holds; None if unknown."""
        upper, lower = status.tank_upper_temperature, status.tank_lower_temperature
        if upper is None or lower is None or cold_water_c >= MIX_C:
            return None
        layers = self.layers or TankLayers.from_probes(upper, lower)
        return layers.mixed_litres(capacity, cold_water_c, MIX_C)

    def as_stored(self) -> dict[str, Any]:
        """Return what to keep over a restart (JSON)."""
        layers = self.layers
        return {
            "temps": None if layers is None else list(layers.temps),
            "part_litres": 0.0 if layers is None else layers.part_litres,
            "drawn": self.drawn,
            "known": self.known,
            "counter": self.counter,
            "probes": self.probes.as_stored(),
        }

    @classmethod
    def from_stored(cls, raw: dict[str, Any]) -> ColdWater:
        """Read a stored state back; a fresh start when it is not one.

        Only a heater that counts its litres keeps its stack over a restart:
        the count says what came in meanwhile. For one that does not (§17.1),
        nobody watched the flow while Home Assistant was down, so the stack
        starts over from the probes alone.
        """
        counter, temps = raw.get("counter"), raw.get("temps")
        if (
            not set(STORED_KEYS) <= set(raw)
            or not isinstance(counter, int)
            or counter <= 0
            or not isinstance(temps, list)
        ):
            return cls()
        try:
            layers = TankLayers([float(t) for t in temps], float(raw["part_litres"]))
            probes = ProbeHeights.from_stored(raw.get("probes"))
            return cls(
                layers,
                float(raw["drawn"]),
                bool(raw["known"]),
                counter,
                probes=probes,
            )
        except TypeError, ValueError:
            return cls()


def available_litres(
    feature: DeviceFeature,
    status: DeviceStatus,
    cold_water: ColdWater | None,
    cold_water_c: float,
) -> float | None:
    """Hot water available: from the tank's followed slices, else its probes alone."""
    capacity = tank_litres(feature)
    if capacity is None or cold_water is None:
        return hot_water_litres(feature, status, cold_water_c)
    return cold_water.mixed_litres(capacity, status, cold_water_c)
