"""Small parts of the session on their own: decoder, listeners, replies, guards."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest

from custom_components.navien_nwp500.navilink.codec.inbound import (
    InboundDecoder,
    InboundKind,
)
from custom_components.navien_nwp500.navilink.session.context_guard import ContextGuard
from custom_components.navien_nwp500.navilink.session.link_watch import (
    LinkLostError,
    LinkWatch,
)
from custom_components.navien_nwp500.navilink.session.listeners import Listeners
from custom_components.navien_nwp500.navilink.session.replies import ReplyRouter

MAC = "aabbccddeeff"
TOPIC = f"cmd/52/navilink-{MAC}/res"


@pytest.mark.parametrize(
    ("payload", "counter"),
    [
        (b'{"response": {"status": {"a": 1', "truncated"),
        (b"{nope}", "malformed"),
        (b"\xff\xfe", "malformed"),
        (b'"text"', "not_object"),
        (b"{}", "unrecognized"),
        (b'{"request": {"command": 1}}', "echo"),
        (b'{"event": {"connection": {}}}', "event"),
    ],
)
def test_decoder_drops_and_counts(payload: bytes, counter: str) -> None:
    decoder = InboundDecoder()
    assert decoder.decode(TOPIC, payload) is None
    assert decoder.counters[counter] == 1


def test_decoder_oversized_is_not_parsed_and_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    decoder = InboundDecoder(max_bytes=10)
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            assert decoder.decode(TOPIC, b"{" + b" " * 20 + b"}") is None
    assert decoder.counters["oversized"] == 3
    assert len(caplog.records) == 1


def test_decoder_classifies_replies() -> None:
    decoder = InboundDecoder()

    def reply(**response: object) -> bytes:
        body = {"sessionID": "s1", "response": {"macAddress": MAC, **response}}
        return json.dumps(body).encode()

    status = decoder.decode(TOPIC, reply(status={"command": 5, "newKey": 1}))
    assert status is not None
    assert status.kind is InboundKind.STATUS
    assert status.mac == MAC
    assert status.session_id == "s1"
    assert decoder.counters["unknown_fields"] == 1
    feature = decoder.decode(TOPIC, reply(feature={}))
    assert feature is not None
    assert feature.kind is InboundKind.FEATURE
    fail = decoder.decode(f"cmd/52/navilink-{MAC}/res/ctrl-fail", reply(failCode=2))
    assert fail is not None
    assert fail.kind is InboundKind.CTRL_FAIL
    other = decoder.decode("cmd/52/cid/res/rsv/rd", reply(reservationUse=1))
    assert other is not None
    assert other.kind is InboundKind.RESPONSE


def test_listener_exceptions_are_contained(caplog: pytest.LogCaptureFixture) -> None:
    heard: list[int] = []
    listeners: Listeners[int] = Listeners("test")

    def broken(_value: int) -> None:
        raise RuntimeError("boom")

    listeners.add(broken)
    remove = listeners.add(heard.append)
    listeners.emit(1)
    remove()
    remove()
    listeners.emit(2)
    assert heard == [1]
    assert len(listeners) == 1
    assert "A test listener raised" in caplog.text


async def test_reply_router_needs_our_client_id_then_matches_echo_then_oldest() -> None:
    loop = asyncio.get_running_loop()
    router = ReplyRouter("navien-ha-test")
    ours = router.new_session_id(MAC)  # e.g. a status request's
    first, second = loop.create_future(), loop.create_future()
    q1 = router.expect_reply(TOPIC, MAC, "q1", first)
    router.expect_reply(TOPIC, MAC, "q2", second)
    decoder = InboundDecoder()

    def message(session_id: str, client_id: str = "navien-ha-test") -> bytes:
        body = {
            "clientID": client_id,
            "sessionID": session_id,
            "response": {"macAddress": MAC, "n": 1},
        }
        return json.dumps(body).encode()

    for session_id in (ours, "q2"):  # ours but not q1's; then q2's echo
        inbound = decoder.decode(TOPIC, message(session_id))
        assert inbound is not None
        router.route(inbound)
    assert not first.done()
    assert second.done()
    for client_id in ("navien-app-1", f"navilink-{MAC}"):  # the app's; a push
        inbound = decoder.decode(TOPIC, message("7", client_id))
        assert inbound is not None
        router.route(inbound)
        assert not first.done()
    inbound = decoder.decode(TOPIC, message("7"))  # a device that does not echo
    assert inbound is not None
    router.route(inbound)
    assert first.done()
    router.forget(q1)
    router.fail_all(RuntimeError("closed"))


async def test_link_watch_race() -> None:
    watch = LinkWatch(1)
    assert await watch.unless_lost(asyncio.sleep(0, result=5)) == 5
    assert watch.report_lost("gone")
    assert not watch.report_lost("again")
    with pytest.raises(LinkLostError, match="gone"):
        await watch.unless_lost(asyncio.sleep(10))


async def test_context_guard_binds_loop_and_process() -> None:
    guard = ContextGuard()
    assert guard.problem() is None
    other = await asyncio.to_thread(lambda: asyncio.run(_problem(guard)))
    assert other is not None
    assert "another event loop" in other
    guard.pid = -1
    assert "process" in (guard.problem() or "")


async def _problem(guard: ContextGuard) -> str | None:
    return guard.problem()


def test_context_guard_created_outside_a_loop_binds_on_first_use() -> None:
    guard = ContextGuard()
    assert guard.loop is None
    assert guard.problem() is None  # plain synchronous use is fine

    async def first_use() -> str | None:
        return guard.problem()

    assert asyncio.run(first_use()) is None
    assert guard.loop is not None
    assert asyncio.run(first_use()) is not None  # a second, different loop
