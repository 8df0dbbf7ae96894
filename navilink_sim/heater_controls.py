"""The simulated NWP500's settings and the controls that change them (protocol.md).

`SimulatedHeater` (in `navilink_sim.heater`) builds on this class: it adds time,
the programmes that run on these settings (vacation, disinfection) and the
dispatch of requests. Here a control code with its `param` list is checked and
applied, counted per (clientID, sessionID), and paced when the device paces it.
"""

from __future__ import annotations

from collections import Counter
import logging
from typing import TYPE_CHECKING, Any

from navilink_sim.heater_codes import (
    AIR_FILTER_LIFE,
    AIR_FILTER_RESET,
    ANTI_LEG_OFF,
    ANTI_LEG_ON,
    DHW_MODE,
    DHW_TEMPERATURE,
    DR_OFF,
    DR_ON,
    GOOUT_DAY,
    PACED,
    POWER_OFF_CMD,
    POWER_ON_CMD,
    TEMP_MAX,
    TEMP_MIN,
    TOU_OFF,
    TOU_ON,
    int_list,
    reservation_entry,
)
from navilink_sim.tank import ENERGY_SAVER, HIGH_DEMAND, POWER_OFF, VACATION, Tank

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

_LOGGER = logging.getLogger(__name__)


class HeaterControls:
    """The settings a NaviLink control changes, with the checks the device applies."""

    def __init__(
        self, tank: Tank, clock: Callable[[], float], min_control_interval: float
    ) -> None:
        """Start in Energy Saver at 60 °C, anti-Legionella weekly, no reservations."""
        self.min_control_interval = min_control_interval
        self.refuse_clients: set[str] = set()
        """Client IDs whose every control this heater refuses (``ctrl-fail``)."""
        self.applied: Counter[tuple[str, str]] = Counter()
        """Controls applied per (clientID, sessionID): a resent request counts twice."""
        self._tank = tank
        self._clock = clock
        self._last_paced: float | None = None
        self.mode = ENERGY_SAVER
        self._mode_before_off = ENERGY_SAVER
        self.setpoint = 120
        self.vacation_days = 0
        self._vacation_s = 0.0
        self.anti_legionella = True
        self.anti_legionella_period = 7
        self.tou = False
        self.dr = False
        self.air_filter_period = 1000
        self.reservation_use = 1
        self.reservations: list[dict[str, int]] = []

    def _refuses(self, client_id: str, command: int) -> bool:
        """Whether a control from `client_id` gets ``ctrl-fail``: refused, or paced out."""
        return client_id in self.refuse_clients or (
            command in PACED and self._too_soon()
        )

    def _too_soon(self) -> bool:
        if self.min_control_interval <= 0 or self._last_paced is None:
            return False
        return self._clock() - self._last_paced < self.min_control_interval

    def _control(self, origin: Mapping[str, Any], command: int, raw_param: Any) -> bool:
        """Apply a control and count it for `origin`; False for a code this device does not know."""
        param = int_list(raw_param)
        handlers: dict[int, Callable[[list[int]], bool]] = {
            POWER_OFF_CMD: self._power_off,
            POWER_ON_CMD: self._power_on,
            DHW_MODE: self._dhw_mode,
            DHW_TEMPERATURE: self._dhw_temperature,
            GOOUT_DAY: self._goout_day,
            DR_OFF: lambda p: self._set("dr", False, p),
            DR_ON: lambda p: self._set("dr", True, p),
            TOU_OFF: lambda p: self._set("tou", False, p),
            TOU_ON: lambda p: self._set("tou", True, p),
            ANTI_LEG_OFF: lambda p: self._set("anti_legionella", False, p),
            ANTI_LEG_ON: self._anti_legionella_on,
            AIR_FILTER_RESET: self._air_filter_reset,
            AIR_FILTER_LIFE: self._air_filter_life,
        }
        handler = handlers.get(command)
        if handler is None:
            return False
        if param is None or not handler(param):
            _LOGGER.debug("ignored control %s with param %r", command, raw_param)
            return True
        self.applied[origin["clientID"], origin["sessionID"]] += 1
        if command in PACED:
            self._last_paced = self._clock()
        return True

    def _set(self, name: str, value: bool, param: list[int]) -> bool:
        if param:
            return False
        setattr(self, name, value)
        return True

    def _power_off(self, param: list[int]) -> bool:
        if param:
            return False
        if self.mode != POWER_OFF:
            self._mode_before_off = self.mode
            self.mode = POWER_OFF
        return True

    def _power_on(self, param: list[int]) -> bool:
        if param:
            return False
        if self.mode == POWER_OFF:
            self.mode = self._mode_before_off
        return True

    def _dhw_mode(self, param: list[int]) -> bool:
        if len(param) == 1 and 1 <= param[0] <= HIGH_DEMAND:
            self.mode = param[0]
            self._vacation_s = 0.0
            return True
        if len(param) == 2 and param[0] == VACATION and 1 <= param[1] <= 99:
            if self.mode not in (VACATION, POWER_OFF):
                self._mode_before_off = self.mode
            self.mode = VACATION
            self.vacation_days = param[1]
            self._vacation_s = 0.0
            return True
        return False

    def _dhw_temperature(self, param: list[int]) -> bool:
        if len(param) != 1 or not TEMP_MIN <= param[0] <= TEMP_MAX:
            return False
        self.setpoint = param[0]
        return True

    def _goout_day(self, param: list[int]) -> bool:
        if len(param) != 1 or not 1 <= param[0] <= 99:
            return False
        self.vacation_days = param[0]
        return True

    def _anti_legionella_on(self, param: list[int]) -> bool:
        if len(param) != 1 or not 1 <= param[0] <= 30:
            return False
        self.anti_legionella = True
        self.anti_legionella_period = param[0]
        return True

    def _air_filter_reset(self, param: list[int]) -> bool:
        if param:
            return False
        self._tank.fan_hours = 0.0
        return True

    def _air_filter_life(self, param: list[int]) -> bool:
        if len(param) != 1 or not (param[0] == 0 or 2 <= param[0] <= 20):
            return False
        self.air_filter_period = param[0] * 500
        return True

    def _write_reservations(
        self, origin: Mapping[str, Any], request: Mapping[str, Any]
    ) -> None:
        use = request.get("reservationUse")
        entries = request.get("reservation")
        if use not in (1, 2) or not isinstance(entries, list):
            _LOGGER.debug("ignored reservation write %s", request)
            return
        stored = [reservation_entry(entry) for entry in entries]
        if None in stored:
            _LOGGER.debug("ignored reservation write with a bad entry: %s", entries)
            return
        self.reservation_use = use
        self.reservations = [entry for entry in stored if entry is not None]
        self.applied[origin["clientID"], origin["sessionID"]] += 1
