"""The dependency rule of docs/architecture.md, checked on every module's imports.

codec depends on nothing of ours; cloud on codec; session on codec and cloud; no
navilink module imports Home Assistant; only the session's transport imports awscrt;
the integration (and each subpackage, for the others) imports only the names a
subpackage's ``__init__`` lists in ``__all__``; no two files import each other,
directly or around a loop, not even under ``TYPE_CHECKING``.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

import custom_components.navien_nwp500  # noqa: F401  (the HA test plugin wants it loaded)

ROOT = Path(__file__).parent.parent / "custom_components"
INTEGRATION = "navien_nwp500"
NAVILINK = f"{INTEGRATION}.navilink"
SUBPACKAGES = ("codec", "cloud", "session")
ALLOWED = {"codec": set(), "cloud": {"codec"}, "session": {"codec", "cloud"}}


@dataclass(frozen=True, slots=True)
class Import:
    """One imported name, resolved to the absolute module it comes from."""

    line: int
    module: str  # absolute, e.g. navien_nwp500.navilink.codec
    name: str | None  # None for ``import module``


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _package_of(path: Path) -> str:
    name = _module_name(path)
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def _imports(path: Path) -> list[Import]:
    """Every import of a module, relative ones made absolute."""
    found: list[Import] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend(Import(node.lineno, alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = _package_of(path).split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, module] if module else base)
            found.extend(
                Import(node.lineno, module, alias.name) for alias in node.names
            )
    return found


def _target(imp: Import) -> tuple[str | None, str | None]:
    """(subpackage, submodule or None) an import reaches inside navilink, if any."""
    full = imp.module if imp.name is None else f"{imp.module}.{imp.name}"
    if imp.module == NAVILINK:  # ``from .navilink import X``
        return (imp.name, "") if imp.name in SUBPACKAGES else ("", imp.name)
    if not full.startswith(f"{NAVILINK}."):
        return None, None
    rest = imp.module.removeprefix(NAVILINK).lstrip(".").split(".")
    return rest[0], ".".join(rest[1:]) or None


def _public_names(subpackage: str) -> set[str]:
    tree = ast.parse(
        (ROOT / INTEGRATION / "navilink" / subpackage / "__init__.py").read_text()
    )
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            return set(ast.literal_eval(node.value))
    return set()


def _modules(under: Path) -> list[Path]:
    return sorted(under.rglob("*.py"))


NAVILINK_MODULES = _modules(ROOT / INTEGRATION / "navilink")
INTEGRATION_MODULES = [
    p
    for p in _modules(ROOT / INTEGRATION)
    if "navilink" not in p.relative_to(ROOT).parts
]


def _ids(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(ROOT)) for p in paths]


def _public_use_problems(imp: Import, origin: str) -> list[str]:
    """Problems of one import of a subpackage from outside it."""
    subpackage, submodule = _target(imp)
    if subpackage is None or subpackage == origin:
        return []
    if subpackage not in SUBPACKAGES:
        return [
            f"line {imp.line}: imports navilink.{submodule or subpackage} (not a subpackage)"
        ]
    if submodule:
        return [f"line {imp.line}: reaches into navilink.{subpackage}.{submodule}"]
    if imp.name not in _public_names(subpackage):
        return [f"line {imp.line}: {imp.name} is not in navilink.{subpackage}.__all__"]
    return []


@pytest.mark.parametrize("path", NAVILINK_MODULES, ids=_ids(NAVILINK_MODULES))
def test_navilink_module_follows_the_dependency_rule(path: Path) -> None:
    """No HA import; each subpackage uses only what it may, through public names."""
    parts = _module_name(path).split(".")
    origin = parts[2] if len(parts) > 2 else ""
    problems: list[str] = []
    for imp in _imports(path):
        if imp.module.split(".")[0] == "homeassistant":
            problems.append(f"line {imp.line}: imports Home Assistant")
        if imp.module.split(".")[0] == "awscrt" and path.name != "transport.py":
            problems.append(f"line {imp.line}: imports awscrt outside the transport")
        subpackage, _ = _target(imp)
        if subpackage is None or subpackage == origin:
            continue
        if origin in ALLOWED and subpackage not in ALLOWED[origin]:
            problems.append(f"line {imp.line}: {origin} may not import {subpackage}")
        problems.extend(_public_use_problems(imp, origin))
    assert not problems, problems


@pytest.mark.parametrize("path", INTEGRATION_MODULES, ids=_ids(INTEGRATION_MODULES))
def test_integration_imports_only_the_public_names(path: Path) -> None:
    """The integration imports navilink only through the subpackages' ``__all__``."""
    problems: list[str] = []
    for imp in _imports(path):
        problems.extend(_public_use_problems(imp, origin=""))
    assert not problems, problems


def test_the_rule_catches_a_forbidden_import() -> None:
    """The checker sees a codec module reaching into the session."""
    imp = Import(1, f"{NAVILINK}.session.queue", "CommandQueue")
    assert _target(imp) == ("session", "queue")
    assert _public_use_problems(imp, "codec")
    assert "codec" not in ALLOWED["codec"]
    public = Import(1, f"{NAVILINK}.codec", "Command")
    assert not _public_use_problems(public, "session")
    private = Import(1, f"{NAVILINK}.codec", "Reader")
    assert _public_use_problems(private, "")


ALL_MODULES = _modules(ROOT / INTEGRATION)


def _file_graph(paths: list[Path]) -> dict[str, set[str]]:
    """Which of ``paths`` each one imports (``TYPE_CHECKING`` imports included)."""
    names = {_module_name(path) for path in paths}
    graph: dict[str, set[str]] = {}
    for path in paths:
        own = _module_name(path)
        targets = set()
        for imp in _imports(path):
            full = imp.module if imp.name is None else f"{imp.module}.{imp.name}"
            target = full if full in names else imp.module
            if target in names and target != own:
                targets.add(target)
        graph[own] = targets
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the groups of modules that reach each other (Tarjan, size > 1)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in sorted(graph.get(module, ())):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group: list[str] = []
            while not group or group[-1] != module:
                group.append(stack.pop())
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycle_between_files() -> None:
    """No file imports another that imports it back, however far around."""
    assert _cycles(_file_graph(ALL_MODULES)) == []


def test_the_cycle_check_counts_type_checking_imports() -> None:
    """A ``TYPE_CHECKING`` import is an edge, and a loop through one is a cycle."""
    graph = _file_graph(ALL_MODULES)
    # energy imports heater_state only for its type annotations.
    assert f"{INTEGRATION}.heater_state" in graph[f"{INTEGRATION}.energy"]
    graph[f"{INTEGRATION}.heater_state"] = {f"{INTEGRATION}.energy"}
    loop = {f"{INTEGRATION}.energy", f"{INTEGRATION}.heater_state"}
    assert [group for group in _cycles(graph) if loop <= set(group)]
