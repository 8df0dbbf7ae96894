"""Match device replies to what is waiting for them: queries and paced controls.

The protocol has no correlation ID (protocol.md §5.2, §14 #12), but replies
echo the request's ``sessionID``: every query gets its own, and a reply is
matched by topic, MAC address and that echo. A reply echoing an ID this
session never issued (a device that does not echo) goes to the oldest query
waiting on its topic. A control's fate is the next ack (a status whose
``command`` is the control's code) or ``ctrl-fail`` for that device; controls
to one device are sent one at a time for this reason.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .inbound import Inbound, InboundKind

if TYPE_CHECKING:
    from collections.abc import Mapping


@dataclass(eq=False, slots=True)
class PendingQuery:
    """A query waiting for its reply."""

    topic: str
    mac: str
    session_id: str
    future: asyncio.Future[Mapping[str, Any]]


@dataclass(eq=False, slots=True)
class _Control:
    code: object
    future: asyncio.Future[bool]  # True: refused (ctrl-fail); False: acknowledged


class ReplyRouter:
    """Pending queries and control confirmations, resolved from inbound messages."""

    def __init__(self, session_id: str) -> None:
        """``session_id`` is the one this session puts on everything but queries."""
        self._session_id = session_id
        self._queries: list[PendingQuery] = []
        self._controls: dict[str, _Control] = {}

    def expect_reply(
        self,
        topic: str,
        mac: str,
        session_id: str,
        future: asyncio.Future[Mapping[str, Any]],
    ) -> PendingQuery:
        """Register a query sent with ``session_id``; ``forget()`` it when done."""
        query = PendingQuery(topic, mac, session_id, future)
        self._queries.append(query)
        return query

    def forget(self, query: PendingQuery) -> None:
        """Stop waiting for a query's reply."""
        if query in self._queries:
            self._queries.remove(query)

    def expect_confirmation(self, mac: str, code: object) -> asyncio.Future[bool]:
        """Wait for the ack or ctrl-fail of the control just sent to ``mac``."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._controls[mac] = _Control(code, future)
        return future

    def confirmation_done(self, mac: str) -> None:
        """Stop waiting for a control's confirmation."""
        self._controls.pop(mac, None)

    def route(self, inbound: Inbound) -> None:
        """Resolve whatever ``inbound`` answers."""
        mac = inbound.mac
        if mac is not None and (control := self._controls.get(mac)) is not None:
            if inbound.kind is InboundKind.CTRL_FAIL:
                _settle(control.future, True)
            elif (
                inbound.kind is InboundKind.STATUS
                and inbound.payload is not None
                and inbound.payload.get("command") == control.code
            ):
                _settle(control.future, False)
        waiting = [
            q
            for q in self._queries
            if q.topic == inbound.topic and mac in (None, q.mac) and not q.future.done()
        ]
        echo = inbound.session_id
        if echo is not None and (
            echo == self._session_id or any(q.session_id == echo for q in self._queries)
        ):
            waiting = [q for q in waiting if q.session_id == echo]
        if waiting:
            waiting[0].future.set_result(inbound.response)

    def fail_all(self, error: BaseException) -> None:
        """Fail every pending query (the session is closing)."""
        for query in self._queries:
            if not query.future.done():
                query.future.set_exception(error)
        self._queries.clear()
        self._controls.clear()


def _settle(future: asyncio.Future[bool], refused: bool) -> None:
    if not future.done():
        future.set_result(refused)
