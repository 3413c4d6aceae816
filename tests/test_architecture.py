"""The house rules of ../shared/STYLE.md that a machine can check: imports point down the
floors (``benchmarks`` -> ``training`` -> ``api`` -> ``models``, ``importers``, ``store``
-> ``detector``), and no two modules import each other, directly or round a circle.
Imports under ``if TYPE_CHECKING:`` are not run and do not count."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
#: Each package's floor: a module may import its own floor and those below.
FLOORS = {"detector": 0, "models": 1, "importers": 1, "store": 1, "api": 2, "training": 3,
          "benchmarks": 4}


def _modules(root: Path) -> dict[str, Path]:
    found = {}
    for package in FLOORS:
        for path in (root / package).rglob("*.py"):
            name = ".".join(path.relative_to(root).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def _run_time_imports(tree: ast.AST):
    """Every ``import``/``from`` node outside ``if TYPE_CHECKING:`` blocks."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from (n for child in node.orelse for n in _run_time_imports(child))
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        yield from _run_time_imports(node)


def import_graph(root: Path = ROOT) -> nx.DiGraph:
    """Module -> module it imports (``from a import b`` names ``a.b`` when that is a
    module of ours, else ``a``)."""
    modules = _modules(root)
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for name, path in modules.items():
        for node in _run_time_imports(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif node.level == 0 and node.module:
                targets = [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in modules
                           else node.module for a in node.names]
            else:
                targets = []
            graph.add_edges_from((name, t) for t in targets if t in modules and t != name)
    return graph


def upward(graph: nx.DiGraph) -> list[tuple[str, str]]:
    return sorted((a, b) for a, b in graph.edges
                  if FLOORS[b.split(".")[0]] > FLOORS[a.split(".")[0]])


def test_the_checks_catch_a_circle_and_an_upward_import(tmp_path):
    files = {"detector/__init__.py": "",
             "detector/a.py": "from detector import b\n",
             "detector/b.py": "import detector.a\nfrom api.app import create_app\n",
             "detector/c.py": "from typing import TYPE_CHECKING\n"
                              "if TYPE_CHECKING:\n    from detector.a import x\n",
             "api/__init__.py": "", "api/app.py": "def create_app(): ...\n"}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    graph = import_graph(tmp_path)
    assert sorted(map(sorted, nx.simple_cycles(graph))) == [["detector.a", "detector.b"]]
    assert upward(graph) == [("detector.b", "api.app")]
    assert not graph.has_edge("detector.c", "detector.a")  # a TYPE_CHECKING import


def test_imports_point_down_the_floors():
    graph = import_graph()
    assert graph.has_edge("api.app", "api.settings")
    assert graph.has_edge("api.scoring", "detector.graph")
    assert upward(graph) == []


def test_no_module_imports_a_module_that_imports_it():
    graph = import_graph()
    assert graph.has_edge("benchmarks.cresci", "benchmarks.cresci_report")
    assert list(nx.simple_cycles(graph)) == []
