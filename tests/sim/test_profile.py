"""The heater profiles' knobs and the seeded draws `Lag` makes from them."""

from __future__ import annotations

import pytest

from navilink_sim.__main__ import _parse_args
from navilink_sim.heater_codes import DHW_MODE, DHW_TEMPERATURE
from navilink_sim.lag import Lag
from navilink_sim.profile import IDEAL, REALISTIC, resolve
from navilink_sim.simulator import NaviLinkSimulator
from script.demo.run import _parse_args as _demo_args


def _apply_delays(lag: Lag, command: int, count: int) -> list[float]:
    """Draw `count` apply delays, each control arriving after the last applied."""
    delays = []
    now = 0.0
    for _ in range(count):
        due = lag.apply_at(command, now)
        delays.append(due - now)
        now = due
    return delays


def test_realistic_controls_mostly_take_seconds_and_set_points_sometimes_half_a_minute() -> (
    None
):
    lag = Lag(REALISTIC, "seed", scale=1.0)
    modes = _apply_delays(lag, DHW_MODE, 200)
    assert all(1.0 - 1e-9 <= delay <= 5.0 + 1e-9 for delay in modes)
    setpoints = _apply_delays(Lag(REALISTIC, "seed", scale=1.0), DHW_TEMPERATURE, 200)
    slow = [delay for delay in setpoints if delay > 5.0]
    assert all(16.0 - 1e-9 <= delay <= 30.0 + 1e-9 for delay in slow)
    assert 30 <= len(slow) <= 90  # 30 % of 200, within 3 sigma


def test_delays_scale_and_repeat_with_the_seed() -> None:
    first = _apply_delays(Lag(REALISTIC, "a", scale=0.01), DHW_TEMPERATURE, 50)
    again = _apply_delays(Lag(REALISTIC, "a", scale=0.01), DHW_TEMPERATURE, 50)
    other = _apply_delays(Lag(REALISTIC, "b", scale=0.01), DHW_TEMPERATURE, 50)
    assert first == again
    assert first != other
    assert max(first) <= 0.30


def test_a_later_control_never_applies_before_an_earlier_one() -> None:
    lag = Lag(REALISTIC, "order", scale=1.0)
    dues = [lag.apply_at(DHW_TEMPERATURE, now=float(n)) for n in range(100)]
    assert dues == sorted(dues)


def test_realistic_replies_are_late_by_up_to_five_seconds() -> None:
    lag = Lag(REALISTIC, "replies", scale=1.0)
    copies = [lag.reply_delays() for _ in range(300)]
    assert all(0.0 <= delays[0] <= 5.0 for delays in copies if delays)
    assert all(delays[0] <= delays[1] for delays in copies if len(delays) == 2)
    assert copies.count([]) == lag.stats.lost > 0
    assert sum(len(delays) == 2 for delays in copies) == lag.stats.duplicated > 0


def test_the_ideal_profile_keeps_everything_instant() -> None:
    lag = Lag(IDEAL, "ideal", scale=1.0)
    assert not IDEAL.apply_delays()
    assert not IDEAL.lags_replies()
    assert lag.apply_at(DHW_TEMPERATURE, 5.0) == 5.0
    assert [lag.reply_delays() for _ in range(50)] == [[0.0]] * 50


def test_profiles_are_named_or_given_and_unknown_names_refused() -> None:
    assert resolve("realistic") is REALISTIC
    assert resolve(IDEAL) is IDEAL
    with pytest.raises(ValueError, match="unknown heater profile"):
        NaviLinkSimulator(profile="perfect")  # type: ignore[arg-type]
    args = _parse_args(
        ["--profile", "realistic", "--seed", "4", "--delay-scale", "0.1"]
    )
    assert (args.profile, args.seed, args.delay_scale) == ("realistic", 4, 0.1)


def test_the_realistic_profile_is_the_default_of_the_simulator_cli_and_demo() -> None:
    assert NaviLinkSimulator().profile is REALISTIC
    assert NaviLinkSimulator().delay_scale == 1.0
    assert (_parse_args([]).profile, _parse_args([]).seed) == ("realistic", 0)
    demo = _demo_args([])
    assert (demo.profile, demo.seed, demo.installed_days) == ("realistic", 0, None)
    assert _demo_args(["--installed-days", "400"]).installed_days == 400


def test_a_heater_without_a_litre_count_reports_0_but_its_flow() -> None:
    """§17.1: one unit's ``cumulatedDhwFlowRate`` reads 0; its flow rate still shows a draw."""
    from dataclasses import replace

    from navilink_sim.accounts import demo_account
    from navilink_sim.heater import SimulatedHeater

    device = demo_account().devices[0]
    counting = SimulatedHeater(device, draw_interval=None, profile=REALISTIC)
    silent = SimulatedHeater(
        device, draw_interval=None, profile=replace(REALISTIC, counts_litres=False)
    )
    for heater in (counting, silent):
        heater.start_draw(6.0, 600.0)
        heater.advance(300.0)

    assert counting.status["cumulatedDhwFlowRate"] > 0
    assert silent.status["cumulatedDhwFlowRate"] == 0
    assert silent.status["currentDhwFlowRate"] == 60  # 6.0 L/min in tenths
