"""
Faults: the one fault-injection API tests use against a running simulator.

Transport faults act on the front door (the AWS IoT gateway stand-in) and the
mosquitto process; account and REST faults delegate to the account store and
``RestFaults``; device faults delegate to the per-device links.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .device_link import MALFORMATIONS

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from .accounts import AccountStore
    from .broker import MosquittoBroker
    from .device_link import DeviceLink
    from .frontdoor import FrontDoor
    from .rest import RestFaults


class Faults:
    """Break the simulated cloud in controlled ways (see each method)."""

    def __init__(
        self,
        *,
        front_door: FrontDoor,
        broker: MosquittoBroker,
        store: AccountStore,
        rest: RestFaults,
        device_links: Callable[[], Mapping[str, DeviceLink]],
    ) -> None:
        """Bind to the simulator's parts (``device_links`` gives MAC -> link)."""
        self._door = front_door
        self._broker = broker
        self._store = store
        self.rest = rest
        self._links = device_links

    # ------------------------------------------------------------- transport
    def drop_all(self) -> int:
        """
        Cut every client connection at once (no close frame, no TLS goodbye).

        Returns how many were cut. awscrt reports ``on_connection_interrupted``
        and, unless told otherwise, starts its own reconnect.
        """
        return self._door.drop_all()

    def refuse_for(self, seconds: float, *, status: int | None = 503) -> None:
        """
        Refuse new WebSocket upgrades for ``seconds`` (live connections stay).

        By default the refusal is HTTP 503 (awscrt:
        ``AWS_ERROR_HTTP_WEBSOCKET_UPGRADE_FAILURE``, the same error as a key
        refusal, which is 403). ``status=None`` closes the TLS connection with
        no HTTP answer instead (awscrt: ``AWS_IO_SOCKET_CLOSED``), like a
        gateway that is down.
        """
        self._door.refuse_for(seconds, status=status)

    def stop_refusing(self) -> None:
        """End a refuse_for() window early."""
        self._door.stop_refusing()

    def stall(self) -> None:
        """
        Keep every connection open but move no bytes either way.

        Data sent meanwhile is held, not lost: after ``unstall()`` it is
        delivered late, as on a real congested path. New connections are still
        accepted (the upgrade completes) but their MQTT CONNECT is held too.
        """
        self._door.stall()

    def unstall(self, *, lose_held: bool = False) -> None:
        """
        Let held and new bytes flow again.

        ``lose_held=True``: the held bytes are lost instead; every connection
        that was open during the stall is cut (as a path that dropped the data
        and then reset), new ones flow.
        """
        if lose_held:
            self._door.drop_all(count=False)
        self._door.unstall()

    @property
    def stalled(self) -> bool:
        """Whether the path is stalled."""
        return self._door.stalled

    async def restart_broker(self) -> None:
        """Restart mosquitto gracefully on the same port (every session is lost)."""
        await self._broker.restart()

    def kill_broker(self) -> None:
        """Kill mosquitto with SIGKILL; new upgrades are accepted then closed."""
        self._broker.kill()

    async def start_broker(self) -> None:
        """Start mosquitto again after ``kill_broker()`` (same port)."""
        await self._broker.start()

    # ------------------------------------------------------------- accounts
    def expire_credentials(self) -> None:
        """Expire every AWS key issued so far; new upgrades with them get 403."""
        self._store.expire_all_credentials()

    def expire_tokens(self) -> None:
        """Expire every JWT access token issued so far (REST answers 401)."""
        self._store.expire_all_tokens()

    @property
    def reject_passwords(self) -> bool:
        """Whether password sign-in refuses even the right password."""
        return self.rest.reject_passwords

    @reject_passwords.setter
    def reject_passwords(self, value: bool) -> None:
        self.rest.reject_passwords = value

    def rest_fail(
        self,
        status: int,
        count: int = 1,
        retry_after: float | None = None,
        *,
        path: str | None = None,
    ) -> None:
        """Answer the next ``count`` REST calls (to ``path`` if given) with ``status``."""
        self.rest.fail_next(status, count, retry_after, path=path)

    # ------------------------------------------------------------- devices
    def _targets(self, mac: str | None) -> list[DeviceLink]:
        links = self._links()
        if mac is None:
            return list(links.values())
        try:
            return [links[mac.lower()]]
        except KeyError:
            raise KeyError(f"no simulated device {mac!r}") from None

    def device(self, mac: str) -> DeviceLink:
        """Return the link of one device, for knobs this class does not wrap."""
        return self._targets(mac)[0]

    def _set(self, mac: str | None, name: str, value: object) -> None:
        for link in self._targets(mac):
            setattr(link, name, value)

    def reply_delay(self, seconds: float, *, mac: str | None = None) -> None:
        """Delay every device reply by ``seconds`` (all devices unless ``mac``)."""
        self._set(mac, "reply_delay", seconds)

    def drop_replies(self, enabled: bool = True, *, mac: str | None = None) -> None:
        """Make devices receive requests but publish nothing (replies and pushes)."""
        self._set(mac, "drop_replies", enabled)

    def lose_replies(
        self,
        match: Callable[[Mapping[str, Any]], bool],
        *,
        times: int = 1,
        mac: str | None = None,
    ) -> None:
        """
        Lose the replies to the next ``times`` requests ``match`` accepts.

        ``match`` gets the request's ``request`` object (``command``, its
        parameters). The device handles each such request but its answer never
        leaves, like a reply lost on the way.
        """
        for link in self._targets(mac):
            link.lose_replies(match, times)

    def silence_device(self, mac: str) -> None:
        """
        Take one heater off its Wi-Fi while the broker stays up.

        It receives no request and publishes nothing, and REST ``/device/list``
        reports it as disconnected (``connected`` 1) until ``unsilence_device``.
        """
        link = self.device(mac)
        link.silent = True
        link.heater.device.connected = 1

    def unsilence_device(self, mac: str) -> None:
        """Put a silenced heater back on its Wi-Fi (``connected`` 2 again)."""
        link = self.device(mac)
        link.silent = False
        link.heater.device.connected = 2

    def malform_next_reply(self, kind: str, *, mac: str | None = None) -> None:
        """
        Break the next message each device publishes, once.

        ``kind``: ``truncated`` (half the JSON), ``not_json`` (an HTML page),
        ``unknown_fields`` (extra keys and out-of-range enum values),
        ``wrong_types`` (numbers as strings) or ``oversized`` (300 KiB padding).
        """
        if kind not in MALFORMATIONS:
            raise ValueError(
                f"unknown malformation {kind!r}; one of {sorted(MALFORMATIONS)}"
            )
        self._set(mac, "next_reply_malformed", kind)

    def reset(self) -> None:
        """Undo the lasting transport faults: unstall and stop refusing."""
        self._door.unstall()
        self._door.stop_refusing()
