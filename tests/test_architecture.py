"""The import rules of docs/architecture.md, checked on the source: who may import whom.

Every ``import`` statement counts, also those inside functions (a lazy import
is still a dependency). An import of ``a.b`` is an edge to ``a.b`` only, not
to its parent package ``a``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("questionnaires", "analysis", "survey_app")

#: (importer, imported, why): no module under the first may import one under the second.
#: A name with a leading "=" is that one module only ("=survey_app": the app factory).
FORBIDDEN = (
    ("questionnaires", "analysis", "questionnaires knows nothing of statistics"),
    ("questionnaires", "survey_app", "questionnaires knows nothing of the app"),
    ("analysis", "survey_app", "analysis never imports the app"),
    ("survey_app.store", "survey_app.web", "store is below the web layer"),
    ("survey_app.store", "survey_app.cli", "store is below the command line"),
    ("survey_app.store", "survey_app.campaign_data", "store is below the boundary"),
    ("survey_app.store", "=survey_app", "store does not use the app factory"),
    ("survey_app.campaign_data", "survey_app.web", "the boundary is below the web layer"),
    ("survey_app.campaign_data", "survey_app.cli", "the boundary is below the command line"),
    ("survey_app.web", "survey_app.cli", "the web layer does not use the command line"),
    ("survey_app.across_teams", "survey_app.web", "the rule between teams is below the web layer"),
    ("survey_app.across_teams", "survey_app.cli", "the rule between teams is below the CLI"),
    ("=survey_app", "survey_app.cli", "the app factory does not know the command line"),
)
#: Third-party packages only ``survey_app.store`` may import: it alone touches the database.
STORE_ONLY = ("sqlalchemy", "alembic")


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_modules(root: Path = ROOT) -> dict[str, Path]:
    """Every module of the project's packages, by dotted name."""
    found = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            found[module_name(path, root)] = path
    return found


def imports_of(path: Path, name: str, known: Iterable[str]) -> set[str]:
    """The modules ``path`` imports: project modules resolved, others by their top name."""
    known = set(known)
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                found.add(submodule if submodule in known else target)
    return {
        module if module.split(".")[0] in PACKAGES else module.split(".")[0] for module in found
    }


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    modules = source_modules(root)
    return {name: imports_of(path, name, modules) for name, path in modules.items()}


def within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def matches(module: str, rule: str) -> bool:
    """Whether ``module`` falls under a rule's name (``=name``: that module only)."""
    return module == rule[1:] if rule.startswith("=") else within(module, rule)


def broken_rules(graph: Mapping[str, set[str]]) -> list[str]:
    """Every import that breaks a rule, as 'importer -> imported: why'."""
    broken = []
    for importer, imported_modules in sorted(graph.items()):
        for imported in sorted(imported_modules):
            for from_prefix, to_prefix, why in FORBIDDEN:
                if matches(importer, from_prefix) and matches(imported, to_prefix):
                    broken.append(f"{importer} -> {imported}: {why}")
            if imported in STORE_ONLY and not within(importer, "survey_app.store"):
                broken.append(f"{importer} -> {imported}: only survey_app.store uses the database")
    return broken


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The import cycles: strongly connected groups of two or more modules, or a self-import."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in graph:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph.get(node, ()):
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


# --- the checks on the real tree ----------------------------------------------------------------


def test_the_project_keeps_its_import_rules():
    graph = import_graph()
    assert "survey_app.campaign_data" in graph and "survey_app.store.models" in graph
    assert broken_rules(graph) == []


def test_there_is_no_import_cycle():
    assert cycles(import_graph()) == []


def test_only_the_boundary_hands_stored_answers_to_the_analysis():
    """web and cli read answers through campaign_data, never from the store's reader."""
    graph = import_graph()
    readers = sorted(
        name
        for name, imported in graph.items()
        if "survey_app.store.reading" in imported
        and not within(name, "survey_app.store")
        and name != "survey_app.campaign_data"
    )
    assert readers == []


# --- the checker itself finds what it should --------------------------------------------------


def test_the_checker_finds_a_forbidden_import():
    graph = {
        "survey_app.store.models": {"survey_app.web.auth", "sqlalchemy"},
        "survey_app.web.auth": {"sqlalchemy"},
        "analysis.data": {"survey_app.campaign_data"},
        "survey_app": {"survey_app.cli"},
    }
    assert broken_rules(graph) == [
        "analysis.data -> survey_app.campaign_data: analysis never imports the app",
        "survey_app -> survey_app.cli: the app factory does not know the command line",
        "survey_app.store.models -> survey_app.web.auth: store is below the web layer",
        "survey_app.web.auth -> sqlalchemy: only survey_app.store uses the database",
    ]


def test_the_checker_finds_cycles():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"d"}, "e": {"a"}}
    assert cycles(graph) == [["a", "b", "c"], ["d"]]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("from survey_app.store import db", {"survey_app.store.db"}),
        ("from survey_app.store.db import get_session", {"survey_app.store.db"}),
        ("def f():\n    from survey_app.web import auth", {"survey_app.web.auth"}),
        ("from . import db", {"survey_app.store.db"}),
        ("from .db import get_session", {"survey_app.store.db"}),
        ("import sqlalchemy.orm", {"sqlalchemy"}),
    ],
)
def test_imports_are_resolved(tmp_path, code, expected):
    package = tmp_path / "survey_app" / "store"
    package.mkdir(parents=True)
    (package / "db.py").write_text("")
    (package / "__init__.py").write_text("")
    (tmp_path / "survey_app" / "__init__.py").write_text("")
    (tmp_path / "survey_app" / "web").mkdir()
    (tmp_path / "survey_app" / "web" / "auth.py").write_text("")
    module = package / "reading.py"
    module.write_text(code)
    known = {"survey_app.store.db", "survey_app.web.auth", "survey_app.store", "survey_app"}
    assert imports_of(module, "survey_app.store.reading", known) == expected
