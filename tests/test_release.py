"""Releases: tag, manifest version, CHANGELOG notes, and what hacs.json declares."""

import json
from pathlib import Path
import re
import subprocess
import sys

from homeassistant import const as ha_const
import pytest
import yaml

from script import release_notes

ROOT = Path(__file__).parent.parent
SCRIPT = ROOT / "script" / "release_notes.py"
WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"
MANIFEST = json.loads(release_notes.MANIFEST.read_text(encoding="utf-8"))
HACS = json.loads((ROOT / "hacs.json").read_text(encoding="utf-8"))
# The keys HACS documents for hacs.json; the Marketplace (HA 2026.11) reads the
# same ones except `country`, which it accepts and ignores.
HACS_KEYS = {
    "name",
    "content_in_root",
    "zip_release",
    "filename",
    "hide_default_branch",
    "country",
    "homeassistant",
    "hacs",
    "persistent_directory",
}


def _run(tag: str) -> subprocess.CompletedProcess[str]:
    """Run the script the way the release workflow does."""
    return subprocess.run(  # noqa: S603
        [sys.executable, str(SCRIPT), tag],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )


def test_the_manifest_version_has_release_notes() -> None:
    version = MANIFEST["version"]
    notes = release_notes.changelog_section(
        version, release_notes.CHANGELOG.read_text(encoding="utf-8")
    )
    assert notes
    assert not any(line.startswith("## ") for line in notes.splitlines())


def test_the_workflow_script_prints_the_notes_of_the_manifest_version() -> None:
    version = MANIFEST["version"]
    result = _run(f"v{version}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == release_notes.release_notes(f"v{version}")


@pytest.mark.parametrize(
    "tag", ["v0.0.0-not-the-manifest", "{version}", "v{version}.1"]
)
def test_a_tag_other_than_the_manifest_version_fails(tag: str) -> None:
    result = _run(tag.format(version=MANIFEST["version"]))
    assert result.returncode == 1
    assert result.stdout == ""
    assert "not the manifest version" in result.stderr


def test_sections_end_at_the_next_heading_and_must_not_be_empty() -> None:
    changelog = (
        "# Changelog\n\nintro\n\n## [1.1.0] - 2027-01-02\n\n"
        "### Fixed\n- second\n\n## 1.0.0\n- first\n\n## [0.9.0]\n\n"
    )
    assert release_notes.changelog_section("1.1.0", changelog) == "### Fixed\n- second"
    assert release_notes.changelog_section("1.0.0", changelog) == "- first"
    for missing in ("0.9.0", "1.1", "2.0.0"):
        with pytest.raises(release_notes.ReleaseError):
            release_notes.changelog_section(missing, changelog)


def test_the_workflow_publishes_every_v_tag_with_those_notes() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    # PyYAML reads the bare key `on` as True
    assert workflow[True] == {"push": {"tags": ["v*"]}}
    assert workflow["permissions"] == {"contents": "write"}
    runs = [step.get("run", "") for step in workflow["jobs"]["release"]["steps"]]
    notes = next(i for i, run in enumerate(runs) if "release_notes.py" in run)
    assert '"$GITHUB_REF_NAME" > "$RUNNER_TEMP/notes.md"' in runs[notes]
    publish = runs[notes + 1]
    assert "gh release create" in publish
    assert '--notes-file "$RUNNER_TEMP/notes.md"' in publish


def test_hacs_json_holds_only_keys_hacs_and_the_marketplace_read() -> None:
    assert set(HACS) <= HACS_KEYS
    # The Marketplace cannot install a ZIP release from its catalog
    assert "zip_release" not in HACS
    assert HACS["name"]


def test_the_oldest_home_assistant_is_the_one_the_tests_run_on() -> None:
    assert HACS["homeassistant"] == ha_const.__version__
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(
        rf"Home Assistant \*\*{re.escape(ha_const.__version__)} or newer\*\*", readme
    )


def test_manifest_loggers_are_only_other_packages() -> None:
    # The integration's own logger already covers its vendored client
    package = "custom_components.navien_nwp500"
    assert all(
        logger != package and not logger.startswith(f"{package}.")
        for logger in MANIFEST["loggers"]
    )


def test_manifest_keys_are_in_hassfest_order() -> None:
    keys = list(MANIFEST)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])
