"""When a simulated heater's controls apply and its replies arrive, per its profile.

A real NWP500 does not act the instant a control arrives: protocol.md §17.8 measured
set-point writes taking more than 16 s to show in status, and a reservation write
echoed 3-6 s later or lost silently. Its acknowledgement is the snapshot "sent right
after that control command was applied" (§6.5), so it shows the new values but comes
only once the control applied; a status asked or pushed in the meantime still shows
the old ones. Replies cross the cloud with QoS 1 (§3), so they can come late, twice,
or (as §17.8's lost writes show) never.

`Lag` only decides, from its own seeded random stream; `DeviceLink` does the waiting.
"""

from __future__ import annotations

from dataclasses import dataclass
import random
from typing import TYPE_CHECKING

from navilink_sim.heater_codes import DHW_TEMPERATURE

if TYPE_CHECKING:
    from navilink_sim.profile import HeaterProfile, Range


@dataclass(slots=True)
class LagStats:
    """What `Lag` decided so far, for tests to compare with what arrived."""

    delayed_controls: int = 0
    replies: int = 0
    lost: int = 0
    duplicated: int = 0


class Lag:
    """The seeded delays, losses and duplicates of one heater's controls and replies."""

    def __init__(self, profile: HeaterProfile, seed: str, scale: float) -> None:
        """Draw from `profile`'s ranges with `seed`; every delay is multiplied by `scale`."""
        self.profile = profile
        self.scale = scale
        self.stats = LagStats()
        self._rng = random.Random(f"lag-{seed}")
        self._last_apply = 0.0

    def _draw(self, span: Range) -> float:
        low, high = span
        return self._rng.uniform(low, high) * self.scale

    def apply_at(self, command: int, now: float) -> float:
        """Return when (on the clock giving `now`) a control arriving now applies.

        Controls apply in the order they came: one never overtakes an earlier one.
        """
        delay = self._draw(self.profile.apply_delay)
        if command == DHW_TEMPERATURE and (
            self._rng.random() < self.profile.slow_setpoint_chance
        ):
            delay = self._draw(self.profile.slow_setpoint_delay)
        self._last_apply = max(now + delay, self._last_apply)
        if delay > 0:
            self.stats.delayed_controls += 1
        return self._last_apply

    def reply_delays(self) -> list[float]:
        """Return the delay of each copy of one reply that arrives: none, one or two."""
        self.stats.replies += 1
        if self._rng.random() < self.profile.reply_loss:
            self.stats.lost += 1
            return []
        delays = [self._draw(self.profile.reply_delay)]
        if self._rng.random() < self.profile.reply_duplicate:
            self.stats.duplicated += 1
            delays.append(delays[0] + self._draw(self.profile.reply_delay))
        return delays
