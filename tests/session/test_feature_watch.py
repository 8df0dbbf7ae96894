"""A heater whose feature reply was lost is asked again, paced (protocol.md §17.8).

The live proof, with Home Assistant and the simulator, is
tests/integration/test_lost_feature_reply.py; this pins the pacing.
"""

from custom_components.navien_nwp500.navilink.session.feature_watch import (
    FeatureWatch,
)


def test_feature_watch_asks_again_with_doubling_waits_until_the_feature_comes() -> None:
    now = [0.0]
    watch = FeatureWatch(
        ["a", "b"], first_wait=15.0, max_wait=40.0, clock=lambda: now[0]
    )
    assert watch.due() == ([], 15.0), "nothing is asked while offline"
    watch.connected()  # both greeted
    watch.note_feature("a")
    assert watch.due() == ([], 15.0)
    now[0] = 15.0
    assert watch.due() == (["b"], 30.0)
    now[0] = 45.0
    assert watch.due() == (["b"], 40.0), "the wait doubles up to its cap"
    now[0] = 85.0
    assert watch.due() == (["b"], 40.0)
    watch.disconnected()
    now[0] = 500.0
    assert watch.due() == ([], 15.0)
    watch.connected()  # the next greeting asked again: the wait starts over
    now[0] = 515.0
    assert watch.due() == (["b"], 30.0)
    watch.note_feature("b")
    assert watch.due() == ([], 15.0)


def test_feature_watch_asks_a_heater_that_joined_and_forgets_a_removed_one() -> None:
    now = [0.0]
    watch = FeatureWatch(["a"], first_wait=10.0, max_wait=60.0, clock=lambda: now[0])
    watch.connected()
    now[0] = 5.0
    watch.add("c")  # greeted as it joined
    now[0] = 10.0
    assert watch.due() == (["a"], 5.0)
    watch.remove("a")
    now[0] = 15.0
    assert watch.due() == (["c"], 20.0)
