"""CommandQueue on its own: order, bounds, age, supersede, one outcome each."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from custom_components.navien_nwp500.navilink.session.queue import (
    CommandOutcome,
    CommandQueue,
    QueueEntry,
)


@dataclass(frozen=True)
class Cmd:
    """The part of a Command the queue reads."""

    kind: str
    mac: str = "aabbccddeeff"
    supersede_key: str | None = None


class Clock:
    """A hand-moved monotonic clock."""

    def __init__(self) -> None:
        """Start at zero."""
        self.now = 0.0

    def __call__(self) -> float:
        """Return the current reading."""
        return self.now


def make(
    max_size: int = 100, max_age: float | None = 300.0
) -> tuple[CommandQueue[Cmd], list[tuple[str, CommandOutcome]], Clock]:
    outcomes: list[tuple[str, CommandOutcome]] = []
    clock = Clock()

    def record(entry: QueueEntry[Cmd], outcome: CommandOutcome) -> None:
        outcomes.append((entry.command.kind, outcome))

    queue = CommandQueue[Cmd](
        max_size=max_size, max_age=max_age, on_outcome=record, clock=clock
    )
    return queue, outcomes, clock


def take(queue: CommandQueue[Cmd]) -> QueueEntry[Cmd] | None:
    """Hand out the oldest entry waiting (of whichever heater)."""
    oldest = next(iter(queue), None)
    if oldest is None:
        return None
    entries = queue.take_ready(lambda mac: mac == oldest.mac)
    return entries[0] if entries else None


def drain(queue: CommandQueue[Cmd]) -> list[str]:
    sent = []
    while (entry := take(queue)) is not None:
        sent.append(entry.command.kind)
        queue.delivered(entry)
    return sent


def test_fifo_and_delivered_outcomes() -> None:
    queue, outcomes, _ = make()
    for name in "abc":
        queue.put(Cmd(name))
    assert drain(queue) == ["a", "b", "c"]
    assert outcomes == [(n, CommandOutcome.DELIVERED) for n in "abc"]
    assert queue.stats.as_dict() == {
        "queued": 3,
        "sent": 3,
        "superseded": 0,
        "dropped": {},
    }


def test_overflow_drops_the_oldest() -> None:
    queue, outcomes, _ = make(max_size=2)
    for name in "abcd":
        queue.put(Cmd(name))
    assert outcomes == [("a", CommandOutcome.OVERFLOW), ("b", CommandOutcome.OVERFLOW)]
    assert queue.full
    assert drain(queue) == ["c", "d"]


def test_too_old_dropped_at_take() -> None:
    queue, outcomes, clock = make(max_age=10.0)
    queue.put(Cmd("old"))
    clock.now = 5.0
    queue.put(Cmd("young"))
    clock.now = 12.0
    assert drain(queue) == ["young"]
    assert outcomes[0] == ("old", CommandOutcome.TOO_OLD)


def test_a_sent_command_waiting_again_ends_by_the_heaters_answer() -> None:
    """Past its age, one sent before is not too_old: refused, or not applied."""
    queue, outcomes, clock = make(max_age=10.0)
    queue.put(Cmd("refused", mac="a"))
    queue.put(Cmd("not_shown", mac="b"))
    refused, not_shown = queue.take_ready(lambda _mac: True)
    refused.refusals += 1  # the heater answered ctrl-fail
    not_shown.resends += 1  # a status after the window lacked it
    queue.requeue(refused)
    queue.requeue(not_shown)
    clock.now = 12.0
    queue.expire()
    assert sorted(outcomes) == [
        ("not_shown", CommandOutcome.NOT_APPLIED),
        ("refused", CommandOutcome.REFUSED),
    ]


def test_supersede_moves_the_newest_to_the_tail() -> None:
    queue, outcomes, _ = make()
    queue.put(Cmd("t50", supersede_key="temp"))
    queue.put(Cmd("power_on"))
    queue.put(Cmd("t55", supersede_key="temp"))
    queue.put(Cmd("other_device", mac="001122334455", supersede_key="temp"))
    assert outcomes == [("t50", CommandOutcome.SUPERSEDED)]
    assert drain(queue) == ["power_on", "t55", "other_device"]
    assert queue.stats.superseded == 1


def test_in_flight_entry_is_not_superseded() -> None:
    queue, outcomes, _ = make()
    queue.put(Cmd("t50", supersede_key="temp"))
    entry = take(queue)
    assert entry is not None
    queue.put(Cmd("t55", supersede_key="temp"))
    queue.delivered(entry)
    assert drain(queue) == ["t55"]
    assert [o for _k, o in outcomes] == [CommandOutcome.DELIVERED] * 2


def test_failed_send_goes_back_to_the_front() -> None:
    queue, outcomes, _ = make()
    for name in "abc":
        queue.put(Cmd(name))
    entry = take(queue)
    assert entry is not None
    queue.requeue(entry)
    assert outcomes == []
    assert list(queue) == [Cmd("a"), Cmd("b"), Cmd("c")]


def test_clear_settles_waiting_and_in_flight() -> None:
    queue, outcomes, _ = make()
    for name in "abc":
        queue.put(Cmd(name))
    assert take(queue) is not None
    assert queue.clear() == 3
    assert outcomes == [(n, CommandOutcome.CLOSED) for n in "abc"]
    assert not queue.busy("aabbccddeeff")
    assert len(queue) == 0
    assert queue.stats.dropped == {"closed": 3}


def test_drop_with_reason_and_misuse_is_refused() -> None:
    queue, outcomes, _ = make()
    queue.put(Cmd("a"))
    entry = take(queue)
    assert entry is not None
    assert queue.take_ready(lambda _mac: True) == []  # its heater is busy
    queue.drop(entry, CommandOutcome.REFUSED)
    assert outcomes == [("a", CommandOutcome.REFUSED)]
    with pytest.raises(RuntimeError):
        queue.delivered(entry)
    with pytest.raises(ValueError, match="max_size"):
        CommandQueue[Cmd](max_size=0)


def test_each_heater_has_its_own_lane_and_order() -> None:
    queue, outcomes, _ = make()
    for name, mac in (("a1", "a"), ("b1", "b"), ("a2", "a"), ("b2", "b")):
        queue.put(Cmd(name, mac=mac))
    first = queue.take_ready(lambda _mac: True)
    assert [e.command.kind for e in first] == ["a1", "b1"]
    assert queue.take_ready(lambda _mac: True) == []  # both heaters busy
    queue.requeue(first[0])  # heater a waits (refused); b goes on
    queue.delivered(first[1])
    assert [e.command.kind for e in queue.take_ready(lambda m: m == "b")] == ["b2"]
    assert [e.command.kind for e in queue.take_ready(lambda _m: True)] == ["a1"]
    assert outcomes == [("b1", CommandOutcome.DELIVERED)]


def test_held_heater_commands_still_age_out() -> None:
    queue, outcomes, clock = make(max_age=10.0)
    queue.put(Cmd("held", mac="a"))
    assert queue.take_ready(lambda mac: mac != "a") == []
    assert queue.next_expiry() == 10.0
    clock.now = 11.0
    queue.expire()
    assert outcomes == [("held", CommandOutcome.TOO_OLD)]
    assert queue.next_expiry() is None
