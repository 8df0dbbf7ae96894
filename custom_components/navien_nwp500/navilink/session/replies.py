"""Match device replies to the request they answer: queries and controls.

The protocol has no correlation ID (protocol.md §5.2, §14 #12), but replies
and ``ctrl-fail`` echo the requester's ``clientID`` and ``sessionID`` (§17.4).
Every request this session publishes gets its own session ID from
``new_session_id()``, so a reply counts for a request only when both echoes
match it. The device subscription also carries the official app's replies and
refusals (other client ID) and the device's own pushes (small integer session
IDs, command 0 or 0x04xxxxxx): those are status, never an answer to us. An
answer to one of our controls that no longer waits (its confirm timeout ran
out) goes to ``on_late_answer``: a late ack still proves receipt. A status
answering a query older than a status already received is ``stale()``.

A query reply must echo our client ID; one echoing a session ID this session
never issued (a device that does not echo it) goes to the oldest query waiting
on its topic.
"""

import asyncio
from collections import OrderedDict
from dataclasses import dataclass
import logging
from typing import TYPE_CHECKING, Any
import uuid

from ..codec import InboundKind, InboundMessage

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

_LOGGER = logging.getLogger(__name__)
_REMEMBERED_IDS = 512  # issued session IDs kept to recognise late replies


@dataclass(eq=False, slots=True)
class PendingQuery:
    """A query waiting for its reply."""

    topic: str
    mac: str
    session_id: str
    future: asyncio.Future[Mapping[str, Any]]


class ReplyRouter:
    """Pending queries and control confirmations, resolved from inbound messages."""

    def __init__(self, client_id: str) -> None:
        """``client_id`` is the MQTT client ID every request of this session carries."""
        self._client_id = client_id
        # session ID -> (MAC, whether the request was a control, issue order)
        self._issued: OrderedDict[str, tuple[str | None, bool, int]] = OrderedDict()
        self._issued_count = 0
        # MAC -> issue order before which a query's answer is stale
        self._status_marks: dict[str, int] = {}
        self._queries: list[PendingQuery] = []
        # session ID -> future: True refused (ctrl-fail), False acknowledged
        self._controls: dict[str, asyncio.Future[bool]] = {}
        # (MAC, session ID, refused) of an answer to a control no longer waited for
        self.on_late_answer: Callable[[str, str, bool], None] = _ignore_late

    def new_session_id(self, mac: str, *, control: bool = False) -> str:
        """Return a fresh session ID for one request to ``mac`` and remember it."""
        session_id = uuid.uuid4().hex
        self._issued[session_id] = (mac, control, self._issued_count)
        self._issued_count += 1
        while len(self._issued) > _REMEMBERED_IDS:
            self._issued.popitem(last=False)
        return session_id

    def answers_us(self, inbound: InboundMessage) -> bool:
        """Whether ``inbound`` echoes a request this session published."""
        return (
            inbound.client_id == self._client_id
            and inbound.session_id is not None
            and inbound.session_id in self._issued
        )

    def stale(self, inbound: InboundMessage) -> bool:
        """Whether a status answers a query older than a status already received.

        Each reply leaves the device after its own delay, so replies overtake
        each other. A query's answer is composed when the query arrives: one
        asked before a later query already answered, or before one of our
        controls was answered (the heater answers a control once it applies
        it), shows the heater as it was. Call for every status; the heater's
        own pushes and a control's answer are never stale.
        """
        if inbound.mac is None or not self.answers_us(inbound):
            return False
        _mac, control, order = self._issued[inbound.session_id or ""]
        mark = self._status_marks.get(inbound.mac, 0)
        if control:
            self._status_marks[inbound.mac] = self._issued_count
            return False
        if order < mark:
            return True
        self._status_marks[inbound.mac] = order + 1
        return False

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

    def expect_confirmation(self, session_id: str) -> asyncio.Future[bool]:
        """Wait for the ack or ctrl-fail of the control sent with ``session_id``."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._controls[session_id] = future
        return future

    def confirmation_done(self, session_id: str) -> None:
        """Stop waiting for a control's confirmation."""
        self._controls.pop(session_id, None)

    def route(self, inbound: InboundMessage) -> None:
        """Resolve whatever ``inbound`` answers."""
        if inbound.kind in (InboundKind.CTRL_FAIL, InboundKind.STATUS):
            self._route_control(inbound)
        self._route_query(inbound)

    def _route_control(self, inbound: InboundMessage) -> None:
        if not self.answers_us(inbound):
            return  # another client's reply, or the device's own push
        session_id = inbound.session_id or ""
        mac, control, _order = self._issued[session_id]
        if mac is None or mac != inbound.mac or not control:
            return
        refused = inbound.kind is InboundKind.CTRL_FAIL
        future = self._controls.get(session_id)
        if future is None:
            self.on_late_answer(mac, session_id, refused)
        elif not future.done():
            future.set_result(refused)

    def _route_query(self, inbound: InboundMessage) -> None:
        if inbound.client_id != self._client_id:
            return  # another client's reply, or the device's own push
        mac = inbound.mac
        waiting = [
            q
            for q in self._queries
            if q.topic == inbound.topic and mac in (None, q.mac) and not q.future.done()
        ]
        echo = inbound.session_id
        if echo is not None and (
            echo in self._issued or any(q.session_id == echo for q in self._queries)
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


def _ignore_late(mac: str, session_id: str, refused: bool) -> None:
    """Log an answer to a control that ended already (no sender listens)."""
    _LOGGER.debug(
        "Late %s for control %s to %s ignored",
        "ctrl-fail" if refused else "ack",
        session_id,
        mac,
    )
