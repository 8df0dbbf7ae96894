"""Step 2: install Home Assistant's configuration directory for the demo."""

import json
import re
from typing import TYPE_CHECKING, Final

from .shared import DOMAIN, HOST, INTEGRATION_DIR, DemoError

if TYPE_CHECKING:
    from pathlib import Path

CONFIGURATION_YAML: Final = """\
# Home Assistant for the Navien NWP500 demo and smoke test, written by script/demo.
# Kept between runs: edit it freely (delete the directory to start over).
# No default_config: it sets up integrations that reach out to the internet, and
# their requirements are not in .venv-demo (HA runs with --skip-pip).
homeassistant:
  name: Navien demo
  latitude: 47.6062
  longitude: -122.3321
  elevation: 50
  unit_system: metric
  time_zone: America/Los_Angeles
  country: US
  currency: USD
  language: en

# Home Assistant 2026.11 reads this block once, moves it into .storage/http and asks
# for a confirmation; script/demo confirms it and then removes the block.
http:
  server_host: {host}
  server_port: {port}

frontend:
api:
config:
history:
logbook:
energy:
recorder:
  commit_interval: 2

logger:
  default: warning
  logs:
    custom_components.navien_nwp500: {our_level}
"""

SMART_HEATING_INPUTS_YAML: Final = """
# A price and a solar surplus to pick in the integration's options (smart heating).
# Move the sliders: the price sensor offers a day-ahead forecast (Nord Pool style
# raw_today/raw_tomorrow) with an evening peak at three times the slider's price.
input_number:
  demo_electricity_price:
    name: Demo electricity price
    min: 0
    max: 1
    step: 0.01
    initial: 0.2
    unit_of_measurement: USD/kWh
  demo_grid_export:
    name: Demo grid export
    min: 0
    max: 6000
    step: 100
    initial: 0
    unit_of_measurement: W

template:
  - sensor:
      - name: Demo electricity price
        unique_id: demo_electricity_price
        unit_of_measurement: USD/kWh
        state: "{{ states('input_number.demo_electricity_price') | float(0.2) }}"
        attributes:
          raw_today: >-
            {% set base = states('input_number.demo_electricity_price') | float(0.2) %}
            {% set day = today_at('00:00') %}
            {% set ns = namespace(hours=[]) %}
            {% for h in range(24) %}
            {% set ns.hours = ns.hours + [{'start': (day + timedelta(hours=h)).isoformat(),
              'end': (day + timedelta(hours=h + 1)).isoformat(),
              'value': base * 3 if 16 <= h < 21 else base}] %}
            {% endfor %}
            {{ ns.hours }}
          raw_tomorrow: >-
            {% set base = states('input_number.demo_electricity_price') | float(0.2) %}
            {% set day = today_at('00:00') + timedelta(days=1) %}
            {% set ns = namespace(hours=[]) %}
            {% for h in range(24) %}
            {% set ns.hours = ns.hours + [{'start': (day + timedelta(hours=h)).isoformat(),
              'end': (day + timedelta(hours=h + 1)).isoformat(),
              'value': base * 3 if 16 <= h < 21 else base}] %}
            {% endfor %}
            {{ ns.hours }}
      - name: Demo grid export
        unique_id: demo_grid_export
        device_class: power
        unit_of_measurement: W
        state: "{{ states('input_number.demo_grid_export') | float(0) }}"
"""
"""Appended to configuration.yaml as is (Jinja braces: not a format string)."""

# The onboarding steps the script marks done before HA first starts: finishing the
# "core_config" step through the API starts flows for met, google_translate and
# radio_browser, which go to the internet; the location is in configuration.yaml.
# The "user" and "integration" steps go through the HTTP API like the frontend.
PRESET_ONBOARDING_STEPS: Final = ("core_config", "analytics")

# Brand images the frontend asks for on our pages. HA fetches missing ones from its
# brands CDN; an empty cache file is its "not found" marker, so nothing is fetched.
BRAND_IMAGES: Final = (
    "icon.png",
    "logo.png",
    "icon@2x.png",
    "logo@2x.png",
    "dark_icon.png",
    "dark_logo.png",
    "dark_icon@2x.png",
    "dark_logo@2x.png",
)


def configured_port(config_dir: Path) -> int | None:
    """Return the HTTP port of an existing configuration, if any."""
    stored = config_dir / ".storage" / "http"
    if stored.is_file():  # where HA 2026.11 keeps it once confirmed
        data = json.loads(stored.read_text(encoding="utf-8")).get("data", {})
        for slot in ("pending", "stable"):
            if (conf := data.get(slot)) and conf.get("server_port"):
                return int(conf["server_port"])
    path = config_dir / "configuration.yaml"
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    match = re.search(r"^\s*server_port:\s*(\d+)", text, re.MULTILINE)
    return int(match.group(1)) if match else None


def drop_http_yaml(config_dir: Path) -> bool:
    """Remove the ``http:`` block this script wrote, once HA has stored it."""
    path = config_dir / "configuration.yaml"
    if not path.is_file():
        return False
    text = path.read_text(encoding="utf-8")
    block = re.compile(
        r"# Home Assistant 2026\.11 reads this block once.*?\n"
        r"(#.*\n)*http:\n(  .*\n)+\n?",
    )
    new_text, count = block.subn("", text, count=1)
    if count:
        path.write_text(new_text, encoding="utf-8")
    return bool(count)


def write_config(config_dir: Path, *, port: int, our_level: str = "info") -> None:
    """
    Create what is missing in a configuration directory; never overwrite a user's file.

    configuration.yaml, our integration symlinked into custom_components/, the
    onboarding steps that must not run through the API marked done, and "not found"
    markers for our brand images.
    """
    config_dir.mkdir(parents=True, exist_ok=True)
    yaml = config_dir / "configuration.yaml"
    if not yaml.exists():
        yaml.write_text(
            CONFIGURATION_YAML.format(host=HOST, port=port, our_level=our_level)
            + SMART_HEATING_INPUTS_YAML,
            encoding="utf-8",
        )

    link = config_dir / "custom_components" / DOMAIN
    link.parent.mkdir(exist_ok=True)
    if link.is_symlink() and link.resolve() != INTEGRATION_DIR.resolve():
        link.unlink()
    if not link.is_symlink():
        if link.exists():
            raise DemoError(f"{link} exists and is not our symlink; move it away")
        link.symlink_to(INTEGRATION_DIR, target_is_directory=True)

    storage = config_dir / ".storage"
    storage.mkdir(exist_ok=True)
    onboarding = storage / "onboarding"
    if not onboarding.exists() and not (storage / "auth").exists():
        onboarding.write_text(
            json.dumps(
                {
                    "version": 4,
                    "minor_version": 1,
                    "key": "onboarding",
                    "data": {"done": list(PRESET_ONBOARDING_STEPS)},
                },
                indent=2,
            ),
            encoding="utf-8",
        )

    brands = config_dir / ".cache" / "brands" / "integrations"
    for folder in (DOMAIN, "_placeholder"):
        (brands / folder).mkdir(parents=True, exist_ok=True)
        for image in BRAND_IMAGES:
            marker = brands / folder / image
            if not marker.exists() or marker.stat().st_size == 0:
                marker.write_bytes(b"")  # also refreshes the 30-day cache age
