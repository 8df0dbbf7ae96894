"""How fast this heater's heat pump heats its tank, learned from its own runs.

Pure computations (no Home Assistant). The planner starts from the heat pump
output measured on the simulator's NWP500; a real one heats slower in a cold
garage or as it ages, and a plan made with the wrong rate starts too late. So
every `WINDOW_S` of a run of the heat pump alone (no element, no draw) on a
tank whose lower half is still well short of the set-point (the bulk of a
recovery, where the lower probe stands for the water being heated), the rise
of the tank's heat from its two probes, plus what the tank lost to the room
meanwhile, is the heat pump's output at that temperature. Its ratio to the
measured NWP500's output at the same temperature, the median over the last
runs, scales the planner's heat pump rates once `MIN_WINDOWS` were seen.
"""

from dataclasses import dataclass, field, replace
from statistics import median
from typing import TYPE_CHECKING, Any, Final

from .hot_water import WH_PER_LITRE_KELVIN, heat_sources
from .planner import HeatingRates

if TYPE_CHECKING:
    from .navilink.codec import DeviceStatus

NWP500_RATES: Final = HeatingRates(
    heat_pump_heat_w_at_40=1450.0,
    heat_pump_heat_w_at_60=1160.0,
    heat_pump_electric_w=430.0,
    hybrid_heat_w=6500.0,
    hybrid_electric_w=5530.0,
    loss_w_per_k=1.6,
)
"""Heat output and draw of an NWP500 (measured on the simulator's tank model)."""

WINDOW_S: Final = 600.0
"""Seconds of one measurement: the probes read tenths of a kelvin."""
MIN_WINDOWS: Final = 6
"""Windows seen before the learned rate is used: an hour of heating."""
MAX_WINDOWS: Final = 48
"""The newest windows kept."""
SHORT_K: Final = 10.0
"""The lower probe this far below the set-point: the bulk of a recovery."""
SCALE_RANGE: Final = (0.4, 1.6)
"""The learned output stays within these shares of the measured NWP500's."""


@dataclass(slots=True)
class HeatPumpRate:
    """The heat pump's output as measured on this heater, window by window."""

    windows: list[tuple[float, float]] = field(default_factory=list)
    """(mean tank temperature, °C; heat output, W) of each window, newest last."""
    _start: tuple[float, float] | None = None
    """When the window under way began, and the tank's mean temperature then."""

    def take(
        self,
        status: DeviceStatus,
        now: float,
        capacity: float,
        rates: HeatingRates,
    ) -> None:
        """Follow one status received at `now` (seconds) on a tank of `capacity` litres."""
        upper, lower = status.tank_upper_temperature, status.tank_lower_temperature
        setpoint = status.dhw_temperature_setting
        compressor, element = heat_sources(status)
        alone = compressor and not element and not status.dhw_use
        if (
            not alone
            or upper is None
            or lower is None
            or setpoint is None
            or setpoint - lower < SHORT_K
        ):
            self._start = None
            return
        mean = (upper + lower) / 2
        if self._start is None:
            self._start = (now, mean)
            return
        started, mean_before = self._start
        if now - started < WINDOW_S:
            return
        hours = (now - started) / 3600
        middle = (mean + mean_before) / 2
        stored_w = capacity * WH_PER_LITRE_KELVIN * (mean - mean_before) / hours
        lost_w = rates.loss_w_per_k * (middle - rates.ambient_c)
        self.windows = [*self.windows, (middle, stored_w + lost_w)][-MAX_WINDOWS:]
        self._start = (now, mean)

    def rates(self, measured: HeatingRates) -> HeatingRates:
        """Return `measured` with its heat pump output scaled to what was seen here."""
        ratios = [
            heat_w / expected
            for tank_c, heat_w in self.windows
            if (expected := measured.heat_pump_heat_w(tank_c)) > 0
        ]
        if len(ratios) < MIN_WINDOWS:
            return measured
        low, high = SCALE_RANGE
        scale = min(high, max(low, median(ratios)))
        return replace(
            measured,
            heat_pump_heat_w_at_40=measured.heat_pump_heat_w_at_40 * scale,
            heat_pump_heat_w_at_60=measured.heat_pump_heat_w_at_60 * scale,
        )

    def as_stored(self) -> list[list[float]]:
        """Return the windows to keep over a restart (JSON)."""
        return [[tank_c, heat_w] for tank_c, heat_w in self.windows]

    @classmethod
    def from_stored(cls, raw: Any) -> HeatPumpRate:
        """Read stored windows back; none when they are not readable."""
        try:
            windows = [(float(t), float(w)) for t, w in raw]
        except TypeError, ValueError:
            return cls()
        return cls(windows[-MAX_WINDOWS:])
