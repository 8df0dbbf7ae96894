"""List what the demo's Home Assistant sets up needs from PyPI (for requirements_demo.in).

Run it with the demo venv's Python after bumping Home Assistant there:

    .venv-demo/bin/python script/demo_requirements.py

It follows the manifests of the integrations HA always sets up (default integrations
and base platforms), of those the demo's configuration.yaml names, and of ours, with
their dependencies and after-dependencies, and prints every requirement with the
integrations that ask for it. Requirements the `homeassistant` package already pins
need no line of their own in requirements_demo.in; the others do.
"""

from __future__ import annotations

import json
from pathlib import Path
import sys

from homeassistant import bootstrap
from homeassistant.const import Platform

ROOT = Path(__file__).resolve().parent.parent
OURS = ROOT / "custom_components" / "navien_nwp500" / "manifest.json"
# The integrations that the demo's configuration.yaml names (see script/demo/config_dir.py).
CONFIGURED = {
    "api",
    "auth",
    "config",
    "diagnostics",
    "energy",
    "frontend",
    "history",
    "http",
    "logbook",
    "logger",
    "onboarding",
    "recorder",
    "repairs",
}


def collect() -> dict[str, list[str]]:
    """Return each requirement with the integrations that need it."""
    components = Path(bootstrap.__file__).parent / "components"
    todo = [
        *bootstrap.CORE_INTEGRATIONS,
        *bootstrap.DEFAULT_INTEGRATIONS,
        *CONFIGURED,
        *(platform.value for platform in Platform),
    ]
    ours = json.loads(OURS.read_text(encoding="utf-8"))
    requirements: dict[str, list[str]] = {
        req: [ours["domain"]] for req in ours.get("requirements", [])
    }
    todo.extend(ours.get("dependencies", []))
    seen: set[str] = set()
    while todo:
        domain = todo.pop()
        manifest_path = components / domain / "manifest.json"
        if domain in seen or not manifest_path.is_file():
            continue
        seen.add(domain)
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        for req in manifest.get("requirements", []):
            requirements.setdefault(req, []).append(domain)
        todo.extend(manifest.get("dependencies", []))
        todo.extend(manifest.get("after_dependencies", []))
    return requirements


def main() -> int:
    """Print the requirements, one a line, with who needs them."""
    for req, domains in sorted(collect().items(), key=lambda kv: kv[0].lower()):
        print(f"{req:40} # {', '.join(sorted(domains))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
