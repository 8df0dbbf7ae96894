"""Per-heater liveness: when each heater last spoke and whether it still answers.

Plain bookkeeping, no Home Assistant calls: the coordinator asks and decides.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import datetime


@dataclass(slots=True)
class HeaterLiveness:
    """What the coordinator knows about one heater's own link to the cloud."""

    last_message: datetime | None = None
    """When the heater last sent anything (status or feature)."""
    reachable: bool = True
    """False once it answered no status request for too long; True at its next status."""
    fresh: bool = True
    """False after a cloud outage until the heater reports a status again."""
    missed_polls: int = 0
    """Safety polls in a row whose status request the heater did not answer."""
    _asked: bool = False
    _answered: bool = False

    def heard(self, now: datetime, *, status: bool) -> None:
        """Note a message from the heater; only a status answers a poll and is fresh.

        A feature message (the reply to a device-info request) says nothing of the
        heater's state now, so it neither answers a status poll nor brings it back.
        """
        self.last_message = now
        if status:
            self._answered = True
            self.missed_polls = 0
            self.fresh = True

    def count_missed_poll(self) -> int:
        """Close the previous poll: count it missed if the heater stayed silent."""
        if self._asked and not self._answered:
            self.missed_polls += 1
        self._asked = False
        return self.missed_polls

    def poll_sent(self) -> None:
        """Note that this poll's status request is going out."""
        self._asked = True
        self._answered = False

    def poll_not_sent(self) -> None:
        """Note that this poll's status request could not be sent after all."""
        self._asked = False

    def as_dict(self) -> dict[str, Any]:
        """Plain data for diagnostics."""
        return {
            "reachable": self.reachable,
            "fresh": self.fresh,
            "missed_polls": self.missed_polls,
            "last_message": self.last_message.isoformat()
            if self.last_message
            else None,
        }
