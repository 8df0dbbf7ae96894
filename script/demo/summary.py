"""Step 5: print what runs where, and how to log in."""

from typing import TYPE_CHECKING

from .shared import OWNER_PASSWORD, OWNER_USERNAME

if TYPE_CHECKING:
    from navilink_sim.simulator import NaviLinkSimulator

    from .server import HomeAssistantServer


def print_summary(
    server: HomeAssistantServer,
    sim: NaviLinkSimulator,
    entities: list[str],
    up: float,
    total: float,
) -> None:
    """Print the URL, the logins, the simulator and how long the start took."""
    account = sim.account_list[0]
    heater = next(iter(sim.heaters))
    examples = f" (e.g. {', '.join(sorted(entities)[:3])})" if entities else ""
    lines = [
        "",
        "=" * 72,
        f"Home Assistant is running: {server.url}",
        f"  login           : {OWNER_USERNAME} / {OWNER_PASSWORD}",
        f"  NaviLink account: {account.email} / {account.password} (NWP500 {heater})",
        f"  simulator       : {sim.api_base_url}, IoT port {sim.iot_port}",
        f"  time scale      : x{sim.time_scale:g} (the tank cools and reheats faster)",
        f"  entities        : {len(entities)}{examples}",
        f"  logs            : {server.log_file}",
        f"  started in {total:.1f} s (Home Assistant answered after {up:.1f} s)",
        "Press Ctrl-C to stop everything.",
        "=" * 72,
    ]
    print("\n".join(lines), flush=True)
