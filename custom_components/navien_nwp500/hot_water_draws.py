"""The cold water a tank took in since it was last hot, and the hot water it leaves.

Pure computations on the heater's status messages (no Home Assistant).

The two tank probes sit in the middle of each half, a quarter and three
quarters up (``hot_water`` counts each for its half). A draw lets cold water in
at the bottom and hot water out at the top, one over the other: a short draw
fills the bottom quarter with cold water while both probes still read hot, and
a longer one puts the boundary between the probes, anywhere. No temperature
shows where it is; the litres that came in do. They come from the heater's
lifetime count of the hot water it delivered (``cumulatedDhwFlowRate``,
protocol §8.1), which counts every litre however rarely status comes. Some
units report 0 there (§17.1); for them the flow rate of each status
(``currentDhwFlowRate``), held until the next status, is integrated over time:
the heater pushes a status when a draw starts or stops.

That many litres of cold water lie at the bottom, bounded by the probes: a hot
upper probe has none above it (an element heats what reaches it). Warm water
rises, so the top quarter lies between what the upper probe reads and the
hottest it read since the cold water came in. The heater warms the cold water:
under the lower probe it warms as the probe does while it heats (the heat
pump's coil and the lower element sit in the lower half); once it is as warm
as the probe, or once the lower probe, inside it, reads as hot as the upper
one, the tank is hot again and the count starts over. With no cold litres the
figure is the probes' own (``hot_water.hot_water_litres``).

Cold water that came in before the first status seen (a first start, a heater
without a count after a restart, a count that went back) is not known: the
figure leaves it out, so it can be too high until the tank is hot again
(`ColdWater.known`).
"""

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Final

from .hot_water import MIX_C, hot_water_litres, tank_litres

if TYPE_CHECKING:
    from .navilink.codec import DeviceFeature, DeviceStatus

CAUGHT_UP_K: Final = 1.0
"""Cold water this close to the lower probe (or a lower probe this close to the
upper one) has caught up: the tank is hot again."""


def _mixed_share(temperature: float | None, cold_water_c: float) -> float:
    """Litres of 40 °C water one litre at `temperature` makes with cold water."""
    if temperature is None or temperature <= MIX_C:
        return 0.0
    return (temperature - cold_water_c) / (MIX_C - cold_water_c)


@dataclass(slots=True)
class ColdWater:
    """What one heater's statuses told about the cold water in its tank."""

    litres: float = 0.0
    """Litres of cold water that came in since the tank was last hot."""
    known: bool = False
    """Whether `litres` is all of it: false until the tank was seen hot again
    (or a whole tank was drawn), since water may have come in unseen before."""
    warmed_k: float = 0.0
    """How much that water warmed since it came in, while it lies under the lower probe."""
    counter: int | None = None
    """The heater's lifetime hot water count (litres) at the last status; None: none."""
    flow_lpm: float = 0.0
    """The flow rate of the last status (for heaters whose count reads 0)."""
    at: float | None = None
    """When the last status came (a timestamp, seconds), for the flow rate."""
    lower_c: float | None = None
    """The lower probe at the last status."""
    top_c: float | None = None
    """The hottest the upper probe read since cold water came in: warm water
    rises, so the top quarter lies between that and what it reads now."""

    def take(
        self, capacity: float, status: DeviceStatus, now: float, cold_water_c: float
    ) -> None:
        """Follow a new status that came at `now` (a timestamp, seconds)."""
        upper, lower = status.tank_upper_temperature, status.tank_lower_temperature
        drawn = self._drawn(status, now)
        if upper is None or lower is None:
            return
        quarter = capacity / 4
        if self.litres <= quarter and self.lower_c is not None:
            self.warmed_k += max(0.0, lower - self.lower_c)
        if self.top_c is None or (self.litres <= 0 and drawn <= 0):
            self.top_c = upper
        self.top_c = max(self.top_c, upper)
        if drawn > 0:
            self.warmed_k *= self.litres / (self.litres + drawn)
            self.litres = min(capacity, self.litres + drawn)
            self.known = self.known or self.litres >= capacity  # all came in seen
        self.lower_c = lower
        if upper > MIX_C:  # a hot upper probe: the cold water ends below it
            self.litres = min(self.litres, 3 * quarter)
        if self._caught_up(quarter, upper, lower, cold_water_c):
            self.litres = self.warmed_k = 0.0
            self.known = True

    def _drawn(self, status: DeviceStatus, now: float) -> float:
        """Litres drawn since the last status: from the count, else the flow."""
        counter, flow = status.cumulated_dhw_flow, status.current_dhw_flow_rate
        drawn = 0.0
        if counter:  # a unit whose count reads 0 has none (§17.1)
            if self.counter is not None and counter >= self.counter:
                drawn = float(counter - self.counter)
            elif self.counter is not None:  # a new count: what came in is unknown
                self.known = False
            self.counter = counter
        elif self.at is not None:
            drawn = self.flow_lpm * max(0.0, now - self.at) / 60
        self.flow_lpm, self.at = flow or 0.0, now
        return drawn

    def _caught_up(
        self, quarter: float, upper: float, lower: float, cold_water_c: float
    ) -> bool:
        """Whether the cold water (or, unknown, any under the lower probe) warmed up."""
        if self.litres <= 0 and self.known:
            return False
        if lower <= MIX_C:
            return False
        if self.litres <= quarter:  # under the lower probe: it warmed with it
            return cold_water_c + self.warmed_k >= lower - CAUGHT_UP_K
        return upper - lower <= CAUGHT_UP_K

    def mixed_litres(
        self, capacity: float, status: DeviceStatus, cold_water_c: float
    ) -> float | None:
        """Litres of 40 °C water the tank holds, cold water included; None if unknown."""
        upper, lower = status.tank_upper_temperature, status.tank_lower_temperature
        if upper is None or lower is None or cold_water_c >= MIX_C:
            return None
        cold, half, quarter = self.litres, capacity / 2, capacity / 4
        bottom = _mixed_share(lower, cold_water_c)
        middle = _mixed_share(upper, cold_water_c)
        hottest = upper if self.top_c is None else max(self.top_c, upper)
        top = _mixed_share((upper + hottest) / 2, cold_water_c)
        if cold <= quarter:  # both probes above it: the lower one shows its half
            warmed = _mixed_share(cold_water_c + self.warmed_k, cold_water_c)
            return cold * warmed + (half - cold) * bottom + quarter * (middle + top)
        if cold <= 3 * quarter:  # the lower probe in it, the upper above it
            return cold * bottom + (3 * quarter - cold) * middle + quarter * top
        # Both probes in it: the water above it left the upper probe's sight
        # hot, unless some came in unseen (then none is claimed).
        above = _mixed_share(hottest, cold_water_c) if self.known else 0.0
        return half * bottom + (cold - half) * middle + (capacity - cold) * above

    def as_stored(self) -> dict[str, Any]:
        """Return what to keep over a restart (JSON)."""
        return asdict(self) | {"at": None}

    @classmethod
    def from_stored(cls, raw: dict[str, Any]) -> ColdWater:
        """Read a stored state back; the probes' figure when it is not one.

        Only a heater that counts its litres keeps its cold water over a
        restart: the count says what came in meanwhile. For one that does not
        (§17.1), nobody watched the flow while Home Assistant was down, so the
        figure starts over from the probes alone.
        """
        try:
            kept = cls(**raw)
        except TypeError:
            return cls()
        if not isinstance(kept.counter, int) or kept.counter <= 0:
            return cls()
        return kept


def available_litres(
    feature: DeviceFeature,
    status: DeviceStatus,
    cold_water: ColdWater | None,
    cold_water_c: float,
) -> float | None:
    """Hot water available: the probes' figure less the cold water they cannot see."""
    capacity = tank_litres(feature)
    if capacity is None or cold_water is None:
        return hot_water_litres(feature, status, cold_water_c)
    return cold_water.mixed_litres(capacity, status, cold_water_c)
