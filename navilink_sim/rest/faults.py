"""Fault injection for the simulated REST API; tests change it while the app runs."""

from collections import Counter
from dataclasses import dataclass, field
import random
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from navilink_sim.accounts import AccountStore, SimDevice


@dataclass
class _Failure:
    status: int
    remaining: int
    retry_after: float | None
    path: str | None


@dataclass
class RestFaults:
    """Fault injection for the REST app; tests change it while the app runs."""

    delay: float = 0.0
    """Seconds to wait before answering any request (to provoke client timeouts)."""
    reject_passwords: bool = False
    """Refuse every password sign-in as invalid credentials, even a correct one."""
    requests: Counter[str] = field(default_factory=Counter)
    """Requests received per path (without the ``/api/v2.1`` prefix)."""
    store: AccountStore | None = None
    """Bound by ``create_rest_app``; used by ``expire_access_tokens``."""
    list_hiccup: float = 0.0
    """Chance that one device list answers empty or short of one device (a cloud hiccup)."""
    hiccups: int = 0
    """How many device lists hiccuped so far."""
    rng: random.Random = field(default_factory=lambda: random.Random("rest-0"))
    _failures: list[_Failure] = field(default_factory=list)
    _hiccuped: bool = False

    def fail_next(
        self,
        status: int,
        count: int = 1,
        retry_after: float | None = None,
        *,
        path: str | None = None,
    ) -> None:
        """Answer the next ``count`` requests (to ``path`` only, if given) with ``status``.

        ``retry_after`` adds a ``Retry-After`` header (for 429).
        """
        self._failures.append(_Failure(status, count, retry_after, path))

    def take_failure(self, path: str) -> _Failure | None:
        """Consume one pending failure that applies to ``path``, if any."""
        for failure in self._failures:
            if failure.path is None or failure.path == path:
                failure.remaining -= 1
                if failure.remaining <= 0:
                    self._failures.remove(failure)
                return failure
        return None

    def expire_access_tokens(self) -> None:
        """Expire every access token issued so far (API calls then answer 401)."""
        if self.store is None:
            raise RuntimeError("RestFaults is not bound to an app yet")
        self.store.expire_all_tokens()

    def listed(self, devices: list[SimDevice]) -> list[SimDevice]:
        """Return what one ``/device/list`` shows of `devices`, hiccup included.

        The NaviLink cloud now and then lists no device, or all but one, and then
        recovers (§2.5: the list is the cloud's view, not the devices'); the list
        after a hiccup is always whole again.
        """
        if self._hiccuped or not devices or self.rng.random() >= self.list_hiccup:
            self._hiccuped = False
            return devices
        self._hiccuped = True
        self.hiccups += 1
        if self.rng.random() < 0.5:
            return []
        missing = self.rng.randrange(len(devices))
        return devices[:missing] + devices[missing + 1 :]

    def count(self, path: str) -> int:
        """How many requests reached ``path`` (e.g. ``"/auth/refresh"``)."""
        return self.requests[path]
