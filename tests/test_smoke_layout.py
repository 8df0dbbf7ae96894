"""The repository layout keeps the vendored client free of Home Assistant."""

from pathlib import Path

CLIENT = (
    Path(__file__).parent.parent / "custom_components" / "navien_nwp500" / "navilink"
)


def test_client_has_no_home_assistant_imports() -> None:
    offenders = [
        path.name
        for path in CLIENT.rglob("*.py")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.lstrip().startswith(("import homeassistant", "from homeassistant"))
    ]
    assert offenders == []
