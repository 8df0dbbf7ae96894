"""When to ask the gateway whether it refuses our AWS keys (one probe, not one per attempt).

awscrt names every refused WebSocket upgrade alike, so a refused attempt is
followed by a probe that reads the HTTP status (``transport.keys_refused``).
A 401/403 means "renew the keys": they are renewed once per outage, and the
next attempt follows at once. A 5xx (the gateway or its broker is down) is not
cured by new keys: once a probe said so, the refused attempts that follow are
not probed again for ``quiet_for`` seconds (each probe is one more upgrade).
"""

import time
from typing import TYPE_CHECKING

from .transport import LinkError, keys_refused

if TYPE_CHECKING:
    from ..cloud import AwsCredentials
    from .transport import LinkSettings, MqttClient


class KeyProbe:
    """The probing policy of one session; ``connected()`` ends an outage."""

    def __init__(self, quiet_for: float) -> None:
        """Probe again ``quiet_for`` seconds after a probe blamed the gateway."""
        self._quiet_for = quiet_for
        self._renewed = False  # keys were force-renewed once in this outage
        self._quiet_until = 0.0

    def connected(self) -> None:
        """Forget the outage: the next one may probe and renew again."""
        self._renewed = False
        self._quiet_until = 0.0

    async def keys_refused(
        self,
        err: Exception,
        settings: LinkSettings,
        credentials: AwsCredentials | None,
        client: MqttClient | None,
    ) -> bool:
        """Whether the keys must be renewed before the next attempt."""
        if (
            self._renewed
            or credentials is None
            or client is None
            or not isinstance(err, LinkError)
            or not err.upgrade_refused
            or time.monotonic() < self._quiet_until
        ):
            return False
        if await keys_refused(err, settings, credentials, client):
            self._renewed = True
            return True
        self._quiet_until = time.monotonic() + self._quiet_for
        return False
