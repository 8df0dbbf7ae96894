"""Print the CHANGELOG.md section of a release tag; fail when the tag is not the manifest's.

Usage: ``python3 script/release_notes.py v1.2.3``. The release workflow publishes
what this prints as the GitHub release body, which the Marketplace (and HACS)
show as the release notes. It exits with an error, and the release is not
published, when the tag differs from ``manifest.json``'s version or CHANGELOG.md
has no section, or an empty one, for that version. Standard library only: the
workflow runs it with the runner's own Python.
"""

import json
from pathlib import Path
import re
import sys

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "custom_components" / "navien_nwp500" / "manifest.json"
CHANGELOG = ROOT / "CHANGELOG.md"
_HEADING = re.compile(r"^## \[?(?P<version>[^\]\s]+)\]?(?:\s+-\s+.*)?$")


class ReleaseError(Exception):
    """The tag cannot be released as it stands."""


def manifest_version() -> str:
    """Return the integration's version from manifest.json."""
    return str(json.loads(MANIFEST.read_text(encoding="utf-8"))["version"])


def changelog_section(version: str, changelog: str) -> str:
    """Return the body of the ``## version`` section (``## [version] - date`` too)."""
    lines: list[str] | None = None
    for line in changelog.splitlines():
        heading = _HEADING.match(line)
        if heading:
            if lines is not None:
                break
            if heading["version"] == version:
                lines = []
        elif lines is not None:
            lines.append(line)
    body = "\n".join(lines or []).strip()
    if not body:
        raise ReleaseError(f"CHANGELOG.md has no notes for {version}")
    return body


def release_notes(tag: str) -> str:
    """Return the notes for ``tag`` (``v`` + the manifest version), else raise."""
    version = manifest_version()
    if tag != f"v{version}":
        raise ReleaseError(
            f"Tag {tag} is not the manifest version v{version}: bump manifest.json first"
        )
    return changelog_section(version, CHANGELOG.read_text(encoding="utf-8"))


def main(argv: list[str]) -> int:
    """Print the notes of the tag given as the only argument."""
    if len(argv) != 1:
        print("usage: release_notes.py TAG", file=sys.stderr)
        return 2
    try:
        print(release_notes(argv[0]))
    except ReleaseError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
