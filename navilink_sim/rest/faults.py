"""Fault injection for the simulated REST API; tests change it while the app runs."""

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from navilink_sim.accounts import AccountStore


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
    _failures: list[_Failure] = field(default_factory=list)

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

    def count(self, path: str) -> int:
        """How many requests reached ``path`` (e.g. ``"/auth/refresh"``)."""
        return self.requests[path]
