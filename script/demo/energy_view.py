"""Show the heater's energy with its imported history: Energy dashboard prefs, a year chart."""

from typing import TYPE_CHECKING, Any, Final

from .shared import DOMAIN, DemoError

if TYPE_CHECKING:
    from .hass_client import HassClient

HISTORY_DASHBOARD: Final = "water-heater-energy"
SOURCES: Final = ("heat_pump_energy", "element_energy")
TOTAL: Final = "energy_total"


async def statistic_ids(
    client: HassClient, macs: list[str], keys: tuple[str, ...] = SOURCES
) -> list[str]:
    """Return the heaters' energy sensors of ``keys`` (their statistics hold the year)."""
    entries: list[dict[str, Any]] = await _ws(
        client, {"type": "config/entity_registry/list"}
    )
    by_unique_id = {
        entry["unique_id"]: entry["entity_id"]
        for entry in entries
        if entry.get("platform") == DOMAIN
    }
    wanted = [f"{mac.lower()}_{key}" for mac in macs for key in keys]
    missing = [unique_id for unique_id in wanted if unique_id not in by_unique_id]
    if missing:
        raise DemoError(f"energy sensors not registered yet: {missing}")
    return [by_unique_id[unique_id] for unique_id in wanted]


async def _ws(client: HassClient, command: dict[str, Any]) -> Any:
    answer = await client.ws_command(command)
    if not answer.get("success"):
        raise DemoError(f"{command['type']} failed: {answer.get('error')}")
    return answer.get("result")


async def show_energy_history(client: HassClient, macs: list[str]) -> None:
    """Show the heaters' energy: the Energy dashboard and a year of weeks.

    Each heater's *Energy* sensor is an individual device of the Energy
    dashboard; a dashboard of its own charts the sources week by week.
    Idempotent: prefs the owner already chose and an existing dashboard are kept.
    """
    totals = await statistic_ids(client, macs, (TOTAL,))
    prefs = await client.ws_command({"type": "energy/get_prefs"})
    if not (prefs.get("result") or {}).get("device_consumption"):
        await _ws(
            client,
            {
                "type": "energy/save_prefs",
                "device_consumption": [{"stat_consumption": stat} for stat in totals],
            },
        )
    stats = await statistic_ids(client, macs)
    dashboards: list[dict[str, Any]] = await _ws(
        client, {"type": "lovelace/dashboards/list"}
    )
    if any(d.get("url_path") == HISTORY_DASHBOARD for d in dashboards):
        return
    await _ws(
        client,
        {
            "type": "lovelace/dashboards/create",
            "url_path": HISTORY_DASHBOARD,
            "title": "Water heater energy",
            "icon": "mdi:water-boiler",
            "mode": "storage",
            "show_in_sidebar": True,
            "require_admin": False,
        },
    )
    card = {
        "type": "statistics-graph",
        "title": "Energy per week, last 12 months (from the heater's own meters)",
        "entities": stats,
        "days_to_show": 365,
        "period": "week",
        "chart_type": "bar",
        "stat_types": ["change"],
    }
    await _ws(
        client,
        {
            "type": "lovelace/config/save",
            "url_path": HISTORY_DASHBOARD,
            "config": {"views": [{"title": "Energy", "cards": [card]}]},
        },
    )
