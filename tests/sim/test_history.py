"""The simulated heater's year of energy history and its diagnostics answer."""

from __future__ import annotations

from datetime import date, timedelta

from navilink_sim.history import simulate_day, year_before

from .test_heater import CID, envelope, make_heater, only

TD_TOPIC = f"cmd/52/1/0/{CID}/res/td/rd"  # the five-segment reply form (§17.4)


def test_history_covers_a_year_with_seasons() -> None:
    history = year_before(date(2026, 11, 1), seed=0)
    assert len(history) == 365
    assert min(history) == date(2025, 11, 1)
    assert max(history) == date(2026, 10, 31)
    january = [u.hp_wh + u.he_wh for d, u in history.items() if d.month == 1]
    july = [u.hp_wh + u.he_wh for d, u in history.items() if d.month == 7]
    assert sum(january) / len(january) > sum(july) / len(july)
    yearly_kwh = sum(u.hp_wh + u.he_wh for u in history.values()) / 1000
    assert 600 < yearly_kwh < 2500  # a heat-pump water heater's typical year


def test_history_is_repeatable_per_seed() -> None:
    end = date(2026, 11, 1)
    assert year_before(end, seed=3) == year_before(end, seed=3)
    assert year_before(end, seed=3) != year_before(end, seed=4)


def test_a_day_uses_the_element_only_when_heavy() -> None:
    class Light:
        def gauss(self, mu: float, sigma: float) -> float:
            return mu * 0.5

        def random(self) -> float:
            return 0.5

    day = simulate_day(date(2026, 7, 1), Light())  # type: ignore[arg-type]
    assert day.he_wh == 0
    assert day.hp_wh > 0
    assert day.hp_s > 0


def test_energy_query_answers_the_history_and_a_consistent_lifetime() -> None:
    heater = make_heater(draw_interval=None)
    topic = f"cmd/52/{CID}/res/energy-usage-daily-query/rd"
    request = envelope(
        "st/energy-usage-daily-query/rd",
        16777225,
        response_topic=topic,
        year=2025,
        month=[11, 12],
    )
    response = only(heater.handle(*request))[1]["response"]
    november, december = response["usage"]
    assert all(day["hpUsage"] > 0 for day in november["data"] + december["data"])
    # Installed 400 days before start: the lifetime total covers every day.
    assert response["total"]["hpUsage"] > sum(
        day["hpUsage"] for day in november["data"] + december["data"]
    )


def test_diagnostics_match_the_energy_totals_and_grow_with_the_compressor() -> None:
    heater = make_heater(draw_interval=None)
    request = envelope("st/td/rd", 16777228, response_topic=TD_TOPIC)
    reply_topic, body = only(heater.handle(*request))
    assert reply_topic == TD_TOPIC
    response = body["response"]
    assert response["typeOfTD"] == 2
    data = response["data"]
    energy = only(
        heater.handle(
            *envelope(
                "st/energy-usage-daily-query/rd",
                16777225,
                response_topic=f"cmd/52/{CID}/res/energy-usage-daily-query/rd",
                year=2026,
                month=[11],
            )
        )
    )[1]["response"]["total"]
    assert data["tsData"]["cumulatedPwrHp"] == energy["hpUsage"]
    assert data["tsData"]["cumulatedPwrHe"] == energy["heUsage"]
    assert data["taData"]["cumulatedOpTimeComp"] == energy["hpTime"]
    assert data["tsData"]["daysSinceInstallation"] == 400
    before = data["taData"]

    heater.start_draw(10.0, 1800)  # empties the tank enough to start the compressor
    heater.advance(timedelta(days=1).total_seconds())
    after = only(heater.handle(*request))[1]["response"]["data"]
    assert after["taData"]["cumulatedOpNumComp"] > before["cumulatedOpNumComp"]
    assert after["taData"]["cumulatedOpTimeComp"] >= before["cumulatedOpTimeComp"]
    assert after["tsData"]["cumulatedPwrHp"] > data["tsData"]["cumulatedPwrHp"]
    assert after["tsData"]["daysSinceInstallation"] == 401
    assert after["tdData"]["numOfdhwUse"] == data["tdData"]["numOfdhwUse"] + 1
    assert after["tdData"]["numOfLongDhwUse"] == data["tdData"]["numOfLongDhwUse"] + 1
