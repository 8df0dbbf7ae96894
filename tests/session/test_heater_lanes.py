"""Each heater has its own lane (issue 9 points 2 and 9 "pacing per heater").

One heater's refusal back-off never holds another heater's commands, and a
heater marked unreachable keeps its commands queued (the maximum age still
applies) while the others flow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from custom_components.navien_nwp500.navilink.codec import commands
from custom_components.navien_nwp500.navilink.codec.enums import DhwOperationSetting
from custom_components.navien_nwp500.navilink.codec.models import Device
from custom_components.navien_nwp500.navilink.session.queue import CommandOutcome
from custom_components.navien_nwp500.navilink.session.session_types import SendOutcome
from navilink_sim.accounts import SimAccount, SimDevice, demo_account
from tests.session import DEVICE, MAC, eventually, fast, open_session

if TYPE_CHECKING:
    from custom_components.navien_nwp500.navilink.codec import Command
    from navilink_sim.simulator import NaviLinkSimulator

OTHER_MAC = "001122334455"
OTHER = Device(mac=OTHER_MAC, additional_value="9", device_type=52, name="Garage")
CLIENT_ID = "navien-ha-lanes"
DHW_MODE = 33554437


def two_heaters() -> list[SimAccount]:
    """Return the demo account with a second heater."""
    account = demo_account()
    account.devices.append(
        SimDevice(mac=OTHER_MAC, additional_value="9", name="Garage")
    )
    return [account]


def controls(sim: NaviLinkSimulator, mac: str) -> list[int]:
    """Return the DHW modes ``mac`` received from us, in order."""
    return [
        m["request"]["param"][0]
        for m in sim.heaters[mac].received
        if m["clientID"] == CLIENT_ID and m["request"]["command"] == DHW_MODE
    ]


def modes(device: Device, *settings: DhwOperationSetting) -> list[Command]:
    """Return one DHW mode control per setting for ``device``."""
    return [commands.set_dhw_mode(device, None, s) for s in settings]


@pytest.mark.simulator(accounts=two_heaters())
async def test_one_heaters_refusal_backoff_does_not_hold_the_other(
    simulator: NaviLinkSimulator,
) -> None:
    simulator.heaters[MAC].refuse_clients.add(CLIENT_ID)
    config = fast(  # waits 1, 2, 4 s
        control_spacing=1.0, control_refusal_limit=4, control_refusal_budget=10.0
    )
    async with open_session(
        simulator, config=config, client_id=CLIENT_ID, devices=[DEVICE, OTHER]
    ) as h:
        await eventually(lambda: len(h.recorder.statuses) >= 2, 30.0, "statuses")
        refused = commands.set_dhw_mode(DEVICE, None, DhwOperationSetting.ELECTRIC)
        others = modes(
            OTHER,
            DhwOperationSetting.HEAT_PUMP,
            DhwOperationSetting.HIGH_DEMAND,
            DhwOperationSetting.ELECTRIC,
        )
        for command in [refused, *others]:
            await h.session.send(command)
        await eventually(lambda: len(h.recorder.outcomes) == 4, 30.0, "4 outcomes")
        # The other heater's three controls (each paced 1 s) all ended while
        # the refused one was still backing off (1 s, 2 s, then 4 s).
        assert h.recorder.outcomes == [
            *[(c, CommandOutcome.DELIVERED) for c in others],
            (refused, CommandOutcome.REFUSED),
        ]
        assert controls(simulator, OTHER_MAC) == [1, 4, 2]
        assert controls(simulator, MAC) == [2, 2, 2, 2]


@pytest.mark.simulator(accounts=two_heaters())
async def test_an_unreachable_heater_keeps_its_commands_until_it_is_back(
    simulator: NaviLinkSimulator,
) -> None:
    async with open_session(
        simulator, client_id=CLIENT_ID, devices=[DEVICE, OTHER]
    ) as h:
        await eventually(lambda: len(h.recorder.statuses) >= 2, 30.0, "statuses")
        h.session.set_device_reachable(MAC, False)
        held = modes(
            DEVICE, DhwOperationSetting.ELECTRIC, DhwOperationSetting.HEAT_PUMP
        )
        for command in held:
            assert await h.session.send(command) is SendOutcome.QUEUED
        flowing = commands.set_dhw_mode(OTHER, None, DhwOperationSetting.HIGH_DEMAND)
        assert await h.session.send(flowing) is SendOutcome.SENT
        await eventually(lambda: bool(h.recorder.outcomes), 30.0, "the other's outcome")
        assert h.recorder.outcomes == [(flowing, CommandOutcome.DELIVERED)]
        assert controls(simulator, MAC) == []
        assert h.stats()["queue"]["pending"] == 2
        h.session.set_device_reachable(MAC, True)
        await eventually(lambda: len(h.recorder.outcomes) == 3, 30.0, "3 outcomes")
        assert h.recorder.outcomes[1:] == [(c, CommandOutcome.DELIVERED) for c in held]
        assert controls(simulator, MAC) == [2, 1]


async def test_an_unreachable_heaters_commands_still_get_too_old(
    simulator: NaviLinkSimulator,
) -> None:
    config = fast(queue_max_age=1.0)
    async with open_session(simulator, config=config, client_id=CLIENT_ID) as h:
        await eventually(lambda: bool(h.recorder.statuses), 30.0, "first status")
        h.session.set_device_reachable(MAC, False)
        command = commands.set_dhw_mode(DEVICE, None, DhwOperationSetting.ELECTRIC)
        assert await h.session.send(command) is SendOutcome.QUEUED
        await eventually(lambda: bool(h.recorder.outcomes), 30.0, "an outcome")
        assert h.recorder.outcomes == [(command, CommandOutcome.TOO_OLD)]
        h.session.set_device_reachable(MAC, True)
        assert controls(simulator, MAC) == []
        with pytest.raises(ValueError, match="not a device"):
            h.session.set_device_reachable(OTHER_MAC, True)
