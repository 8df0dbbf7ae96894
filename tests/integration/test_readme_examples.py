"""Every YAML example in the README parses, and each action of ours it calls passes its schema."""

from pathlib import Path
import re
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from custom_components.navien_nwp500 import async_setup
from custom_components.navien_nwp500.const import DOMAIN

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

README = Path(__file__).parents[2] / "README.md"
_YAML_BLOCK = re.compile(r"```yaml\n(.*?)```", re.DOTALL)


def _yaml_examples() -> list[Any]:
    return [yaml.safe_load(block) for block in _YAML_BLOCK.findall(README.read_text())]


def _our_action_calls(node: Any) -> list[dict[str, Any]]:
    """Every mapping with ``action: navien_nwp500.*`` anywhere in ``node``."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        action = node.get("action")
        if isinstance(action, str) and action.startswith(f"{DOMAIN}."):
            found.append(node)
        for value in node.values():
            found.extend(_our_action_calls(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_our_action_calls(item))
    return found


def test_readme_has_yaml_examples_calling_our_actions() -> None:
    calls = [call for block in _yaml_examples() for call in _our_action_calls(block)]
    assert len(calls) >= 3


@pytest.mark.parametrize(
    "call",
    [call for block in _yaml_examples() for call in _our_action_calls(block)],
    ids=lambda call: str(call["action"]),
)
async def test_readme_action_example_passes_the_schema(
    hass: HomeAssistant, call: dict[str, Any]
) -> None:
    assert await async_setup(hass, {})
    services = hass.services.async_services_for_domain(DOMAIN)
    name = call["action"].removeprefix(f"{DOMAIN}.")
    assert name in services, f"the README calls an unknown action {call['action']}"
    schema = services[name].schema
    assert schema is not None
    data = dict(call.get("data") or {})
    for key in ("device_id", "entity_id"):
        if key in (call.get("target") or {}):
            data[key] = call["target"][key]
    schema(data)
