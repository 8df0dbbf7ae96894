"""The realistic heater's cloud and clock: device-list hiccups, a short history, its own midnight."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import aiohttp

from navilink_sim.accounts import demo_account
from navilink_sim.heater import SimulatedHeater
from navilink_sim.profile import IDEAL, REALISTIC
from tests.sim.peer import BASE, CID, DEVICE, MAC

if TYPE_CHECKING:
    from navilink_sim.profile import HeaterProfile
    from tests.simulator_fixture import SimulatorFactory

DEMO = demo_account()
START = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)  # 18:00 on 31 October at UTC-8


async def test_the_device_list_hiccups_then_recovers(
    simulator_factory: SimulatorFactory,
) -> None:
    sim = await simulator_factory(
        profile="realistic", seed=5, time_scale=0, push_interval=None
    )
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{sim.api_base_url}/user/sign-in",
            json={"userId": DEMO.email, "password": DEMO.password},
        ) as resp:
            token = (await resp.json())["data"]["token"]["accessToken"]
        listed: list[int] = []
        for _ in range(60):
            async with http.post(
                f"{sim.api_base_url}/device/list",
                json={"offset": 0, "count": 20, "userId": DEMO.email},
                headers={"authorization": token},
            ) as resp:
                assert resp.status == 200
                listed.append(len((await resp.json())["data"]))

    assert sim.rest_faults.hiccups == listed.count(0)  # one heater: short = empty
    # 60 lists at 10 %: 6 expected; seeded, so this run has some.
    assert 1 <= sim.rest_faults.hiccups <= 15
    assert listed[-1] == 1
    after_hiccups = [listed[n + 1] for n, count in enumerate(listed[:-1]) if count == 0]
    assert after_hiccups == [1] * len(after_hiccups)  # the next list is whole again


def _energy_query(heater: SimulatedHeater, suffix: str, **fields: Any) -> Any:
    command = 16777225 if "daily" in suffix else 16777226
    topic = f"{BASE}/{suffix}"
    body = {
        "clientID": CID,
        "sessionID": "e",
        "requestTopic": topic,
        "responseTopic": f"{BASE}/{CID}/res",
        "request": {
            "command": command,
            "deviceType": 52,
            "macAddress": MAC,
            "additionalValue": DEVICE.additional_value,
            **fields,
        },
    }
    ((_, reply),) = heater.handle(topic, body)
    return reply["response"]


def _heater(profile: HeaterProfile) -> SimulatedHeater:
    return SimulatedHeater(DEVICE, draw_interval=None, start=START, profile=profile)


def test_months_before_the_first_day_are_missing() -> None:
    heater = _heater(REALISTIC)  # installed 75 days before 31 October: 17 August
    daily = _energy_query(
        heater, "st/energy-usage-daily-query/rd", year=2026, month=[6, 7, 8, 9]
    )
    assert [month["month"] for month in daily["usage"]] == [8, 9]
    august = daily["usage"][0]["data"]
    assert all(day["hpUsage"] == 0 for day in august[:16])  # before the first day
    assert all(day["hpUsage"] > 0 for day in august[16:])
    monthly = _energy_query(
        heater, "st/energy-usage-monthly-query/rd", year=[2025, 2026]
    )
    assert [year["year"] for year in monthly["usage"]] == [2026]

    ideal = _energy_query(
        _heater(IDEAL), "st/energy-usage-daily-query/rd", year=2026, month=[6]
    )
    assert all(day["hpUsage"] > 0 for day in ideal["usage"][0]["data"])


def test_the_heater_counts_energy_on_its_own_clock() -> None:
    heaters = {
        offset: _heater(replace(IDEAL, clock_offset_hours=offset))
        for offset in (0.0, -8.0)
    }
    for heater in heaters.values():
        heater.start_draw(10.0, 900)  # the compressor then runs for an hour
        heater.advance(3600)
    utc, behind = heaters[0.0], heaters[-8.0]
    # At 03:00 UTC on 1 November, the heater at UTC-8 is still on 31 October:
    # the day Home Assistant calls yesterday is not closed there yet.
    assert utc.daily_wh(date(2026, 11, 1))[0] > 0
    assert behind.daily_wh(date(2026, 11, 1)) == (0, 0)
    assert behind.daily_wh(date(2026, 10, 31)) == utc.daily_wh(date(2026, 11, 1))
