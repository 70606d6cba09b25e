"""No import cycle inside reports/, nor inside any subject package of any app.

The graph is built from the source with ``ast``: an edge for every import at
module level (imports inside functions run later and do not count, nor do
those under ``if TYPE_CHECKING:``, which never run)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("jianfu", "schools", "supervision", "reports")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules_under(package: Path) -> dict[str, Path]:
    return {
        _module_name(p): p
        for p in package.rglob("*.py")
        if "migrations" not in p.parts and "__pycache__" not in p.parts and "tests" not in p.parts
    }


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _module_level_imports(tree: ast.Module, module: str, is_package: bool) -> list[str]:
    """Dotted names a module imports when it is itself imported."""
    names: list[str] = []

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.Import):
                names.extend(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = module.split(".") if is_package else module.split(".")[:-1]
                    base = base[: len(base) - (node.level - 1)]
                    target = ".".join([*base, node.module] if node.module else base)
                else:
                    target = node.module or ""
                names.append(target)
                names.extend(f"{target}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.If):
                if not _is_type_checking(node):
                    visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body)
                for handler in node.handlers:
                    visit(handler.body)
                visit(node.orelse)
                visit(node.finalbody)
            elif isinstance(node, (ast.With, ast.ClassDef)):
                # A class body runs at import; a function body does not.
                visit(node.body)

    visit(tree.body)
    return names


def import_graph(package: Path) -> dict[str, set[str]]:
    """Edges between the modules of ``package`` (a name ``a.b.c`` that is not
    a module of its own is ``from a.b import c`` of a name: the edge goes to
    ``a.b``)."""
    modules = _modules_under(package)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for target in _module_level_imports(tree, name, path.name == "__init__.py"):
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                graph[name].add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph (as a path that returns to its start), or None."""
    WHITE, GREY, BLACK = 0, 1, 2
    colour = dict.fromkeys(graph, WHITE)
    stack: list[str] = []

    def dfs(node: str) -> list[str] | None:
        colour[node] = GREY
        stack.append(node)
        for nxt in sorted(graph[node]):
            if colour[nxt] == GREY:
                return [*stack[stack.index(nxt) :], nxt]
            if colour[nxt] == WHITE and (found := dfs(nxt)):
                return found
        stack.pop()
        colour[node] = BLACK
        return None

    for start in sorted(graph):
        if colour[start] == WHITE and (found := dfs(start)):
            return found
    return None


def _subject_packages() -> list[Path]:
    return sorted(
        p
        for app in APPS
        for p in (ROOT / app).iterdir()
        if p.is_dir() and (p / "__init__.py").exists() and p.name not in {"migrations", "management", "settings"}
    )


def test_the_checker_finds_a_cycle_and_ignores_function_level_imports(tmp_path: Path) -> None:
    """The checker itself, on a made-up package: a module-level circle is
    found; the same circle through a function-level import is not one."""
    global ROOT
    saved = ROOT
    ROOT = tmp_path
    try:
        pkg = tmp_path / "pkg"
        pkg.mkdir()
        (pkg / "__init__.py").write_text("")
        (pkg / "a.py").write_text("from pkg.b import thing\n")
        (pkg / "b.py").write_text("from . import c\nthing = 1\n")
        (pkg / "c.py").write_text("def f():\n    from pkg import a\n")
        assert find_cycle(import_graph(pkg)) is None
        (pkg / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import a\n")
        assert find_cycle(import_graph(pkg)) is None
        (pkg / "c.py").write_text("import pkg.a\n")
        assert find_cycle(import_graph(pkg)) == ["pkg.a", "pkg.b", "pkg.c", "pkg.a"]
    finally:
        ROOT = saved


def test_no_import_cycle_inside_reports() -> None:
    cycle = find_cycle(import_graph(ROOT / "reports"))
    assert cycle is None, " → ".join(cycle or [])


@pytest.mark.parametrize("package", _subject_packages(), ids=lambda p: f"{p.parent.name}.{p.name}")
def test_no_import_cycle_inside_a_subject_package(package: Path) -> None:
    cycle = find_cycle(import_graph(package))
    assert cycle is None, " → ".join(cycle or [])
