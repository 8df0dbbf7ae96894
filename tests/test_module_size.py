"""No module of the integration is much longer than 400 lines (the team's rule).

A module past that does two jobs: split it by job, as ``navilink/session`` is
(``session`` the public API, ``connection`` the task, ``traffic`` the messages)
and the coordinator is (``availability`` keeps which heaters answer).
"""

from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "custom_components" / "navien_nwp500"
LIMIT = 420  # "about 400": 5 % of slack, never room for a second job
MODULES = sorted(PACKAGE.rglob("*.py"))


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize(
    "path", MODULES, ids=[str(p.relative_to(PACKAGE)) for p in MODULES]
)
def test_module_is_about_400_lines_at_most(path: Path) -> None:
    """Each module of the integration and its vendored client stays short."""
    lines = _lines(path)
    assert lines <= LIMIT, f"{path.name} has {lines} lines: split it by job"


def test_the_size_check_reads_the_whole_package() -> None:
    """The check sees the integration's modules and the client's, nested ones too."""
    assert PACKAGE / "coordinator.py" in MODULES
    assert PACKAGE / "navilink" / "session" / "session.py" in MODULES
