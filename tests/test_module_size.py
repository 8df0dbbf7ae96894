"""No module of the integration or the simulator is over 400 lines (the team's rule).

A module past that does two jobs: split it by job, as ``navilink/session`` is
(``session`` the public API, ``connection`` the task, ``traffic`` the messages),
the coordinator is (``availability`` keeps which heaters answer) and the
simulated heater is (``heater_controls`` the settings and their controls).
"""

from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PACKAGES = (ROOT / "custom_components" / "navien_nwp500", ROOT / "navilink_sim")
LIMIT = 400
MODULES = sorted(path for package in PACKAGES for path in package.rglob("*.py"))


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize(
    "path", MODULES, ids=[str(p.relative_to(ROOT)) for p in MODULES]
)
def test_module_is_400_lines_at_most(path: Path) -> None:
    """Each module of the integration, its vendored client and the simulator stays short."""
    lines = _lines(path)
    assert lines <= LIMIT, f"{path.name} has {lines} lines: split it by job"


def test_the_size_check_reads_every_package() -> None:
    """The check sees the integration's, the client's and the simulator's modules, nested ones too."""
    assert PACKAGES[0] / "coordinator.py" in MODULES
    assert PACKAGES[0] / "navilink" / "session" / "session.py" in MODULES
    assert ROOT / "navilink_sim" / "heater.py" in MODULES
    assert ROOT / "navilink_sim" / "rest" / "app.py" in MODULES
