"""The apps form layers: no two apps import each other, ``ingest`` imports no app, and no app
imports ``runtime`` or ``reading`` (which compose the apps from above). Lazy imports inside
functions count too: they couple the apps all the same."""

from __future__ import annotations

import ast
from pathlib import Path

import glaneur

PACKAGE = Path(glaneur.__file__).parent
APPS = sorted(
    p.name
    for p in PACKAGE.iterdir()
    if p.is_dir()
    and (p / "__init__.py").exists()
    and p.name not in {"settings", "db", "locale", "templates", "static", "data"}
)


def imported_apps(app: str) -> dict[str, set[str]]:
    """For each app this one imports: the modules of ``app`` that do."""
    found: dict[str, set[str]] = {}
    for path in (PACKAGE / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        package = module.rsplit(".", 1)[0] if path.name != "__init__.py" else module
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - node.level + 1]
                    names = [".".join([*base, node.module] if node.module else base)]
                else:
                    names = [node.module or ""]
            for name in names:
                top, _dot, rest = name.partition(".")
                other = rest.split(".")[0]
                if top == "glaneur" and other in APPS and other != app:
                    found.setdefault(other, set()).add(module)
    return found


GRAPH = {app: imported_apps(app) for app in APPS}


def test_the_apps_are_found() -> None:
    assert {"curation", "ingest", "search", "audience", "transfer", "runtime", "reading"} <= set(
        APPS
    )
    assert "ingest" in GRAPH["curation"]  # the walk sees imports at all


def test_no_two_apps_import_each_other() -> None:
    both_ways = [
        (a, b, sorted(GRAPH[a][b]), sorted(GRAPH[b][a]))
        for a in APPS
        for b in GRAPH[a]
        if a < b and a in GRAPH.get(b, {})
    ]
    assert both_ways == []


def test_fetching_and_extraction_import_no_app() -> None:
    assert GRAPH["ingest"] == {}


def test_no_app_imports_what_composes_the_apps() -> None:
    for above in ("runtime", "reading"):
        assert [app for app in APPS if above in GRAPH[app]] == []
