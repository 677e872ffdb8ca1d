"""The layers of docs/architecture.md, read from the imports as they stand: a module imports only
from its own package or from a layer below it, and no modules import each other in a circle.
Every import counts, those inside a function too; migrations, which Django loads by name, do not.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {
    "files": 0,
    "runtime": 0,
    "charts": 0,
    "provinces": 0,
    "scoring": 1,
    "public": 2,
    "staff": 2,
    "surveys": 2,
    "parindex": 3,
}
# Imports allowed to point up or sideways while the piece they share waits to move lower. Empty
# since issue 18, item 3: the code an import up or sideways wants belongs lower
# (docs/architecture.md, "Keeping the layers").
NOT_YET: set[tuple[str, str]] = set()


def modules(root: Path = ROOT) -> dict[str, Path]:
    """Every module of the project's packages, by dotted name (a package by its own name)."""
    found = {}
    for package in LAYERS:
        for path in (root / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imports(known: dict[str, Path]) -> dict[str, set[str]]:
    """For each module, the project modules it imports (`from a import b` names a.b when b is a
    module, else a)."""
    edges = {}
    for name, path in known.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges[name] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    above = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*above, base] if base else above)
                targets = [f"{base}.{alias.name}" for alias in node.names]
            else:
                continue
            for target in targets:
                while target and target not in known:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    edges[name].add(target)
    return edges


def upward(edges: dict[str, set[str]]) -> set[tuple[str, str]]:
    """The imports of another package at the same layer or above."""
    found = set()
    for source, targets in edges.items():
        mine = source.partition(".")[0]
        for target in targets:
            theirs = target.partition(".")[0]
            if theirs != mine and LAYERS[theirs] >= LAYERS[mine]:
                found.add((source, target))
    return found


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(found)


@pytest.fixture(scope="module")
def edges():
    return imports(modules())


def test_each_module_imports_only_its_own_package_and_the_layers_below(edges):
    assert upward(edges) - NOT_YET == set()


def test_the_imports_still_waiting_to_point_down_are_still_there(edges):
    assert NOT_YET - upward(edges) == set()


def test_no_modules_import_each_other_in_a_circle(edges):
    assert cycles(edges) == []


def test_an_import_up_or_in_a_circle_is_found(tmp_path):
    for name, text in {
        "files/__init__.py": "",
        "files/tabular.py": "from scoring import points\n",
        "scoring/__init__.py": "",
        "scoring/points.py": "def f():\n    from . import tree\n",
        "scoring/tree.py": "from scoring.points import f\n",
    }.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text)

    found = imports(modules(tmp_path))

    assert upward(found) == {("files.tabular", "scoring.points")}
    assert cycles(found) == [["scoring.points", "scoring.tree"]]
