"""No import cycles between the package's modules, read from the source with ``ast``.

An edge ``A -> B`` means that running module A imports module B:

- ``import x.y`` and ``from x.y import name`` (absolute or relative, ``from . import m``
  included) import ``x.y`` and every package above it that is not above A already (its
  ``__init__`` runs); ``from x import m`` where ``x.m`` is a module also imports ``x.m``;
- a package ``__init__`` imports what it re-exports: eagerly (``from .m import Name``) or
  lazily (``lazy_exports(__name__, {"Name": ".m"})``, or the top-level ``EXPORTS`` table):
  ``from pkg import Name`` of a lazy export imports the module that defines ``Name``;
- imports inside functions count (they run, later); imports under ``if TYPE_CHECKING:``
  do not (they never run).

Python survives many cycles by luck of order; a cycle still means neither module can be
read, tested or loaded without the other, so there are none (see the issue 10 contract).
"""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "immutable_components"


def module_files() -> dict[str, Path]:
    files = {}
    for path in sorted((ROOT / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        files[".".join(parts)] = path
    return files


MODULES = module_files()
PACKAGES = {name for name, path in MODULES.items() if path.name == "__init__.py"}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_nodes(tree: ast.AST, type_checking: bool = False) -> Iterator[ast.AST]:
    """Every node of the module except those under ``if TYPE_CHECKING:`` (its ``else``
    branch runs, so it is kept); with ``type_checking``, every node."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        yield node
        if not type_checking and isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def _resolve(module: str, level: int, target: str | None, package: bool | None = None) -> str:
    """The absolute name of ``from <level dots><target> import ...`` in ``module`` (a
    package's ``__init__`` when ``package``; default: whether it is one)."""
    if level == 0:
        return target or ""
    if package is None:
        package = module in PACKAGES
    package_name = module if package else module.rpartition(".")[0]
    base = package_name.split(".")
    if level > 1:
        base = base[: -(level - 1)]
    return ".".join([*base, target] if target else base)


def _lazy_table(module: str, tree: ast.AST) -> dict[str, str]:
    """A package's lazy exports: name -> absolute module (``lazy_exports(__name__, {...})``
    or an ``EXPORTS = {...}`` table)."""
    tables: list[ast.expr] = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None)) == "lazy_exports"
            and len(node.args) == 2
        ):
            tables.append(node.args[1])
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(getattr(t, "id", None) == "EXPORTS" for t in targets) and node.value:
                tables.append(node.value)
    table: dict[str, str] = {}
    for expr in tables:
        if isinstance(expr, ast.Name):  # lazy_exports(__name__, EXPORTS): read above
            continue
        value = ast.literal_eval(expr)
        for name, relative in value.items():
            level = len(relative) - len(relative.lstrip("."))
            table[name] = _resolve(module, level, relative.lstrip(".") or None, package=True)
    return table


def _with_parents(target: str, importer: str) -> set[str]:
    """``target`` and the packages above it, less those above ``importer`` (they are
    imported before ``importer`` runs)."""
    parts = target.split(".")
    own = {".".join(importer.split(".")[:i]) for i in range(1, importer.count(".") + 1)}
    return {".".join(parts[:i]) for i in range(1, len(parts) + 1)} - own


def import_graph(type_checking: bool = False) -> dict[str, set[str]]:
    """module -> the package's modules it imports (``type_checking``: also those it
    imports for type checkers only)."""
    trees = {name: ast.parse(path.read_text(), str(path)) for name, path in MODULES.items()}
    lazy = {name: _lazy_table(name, trees[name]) for name in PACKAGES}
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for module, tree in trees.items():
        edges = graph[module]
        for node in _runtime_nodes(tree, type_checking):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    edges |= _with_parents(alias.name, module)
            elif isinstance(node, ast.ImportFrom):
                source = _resolve(module, node.level, node.module)
                edges |= _with_parents(source, module)
                for alias in node.names:
                    submodule = f"{source}.{alias.name}"
                    if submodule in MODULES:
                        edges |= _with_parents(submodule, module)
                    elif alias.name in lazy.get(source, {}):
                        edges |= _with_parents(lazy[source][alias.name], module)
                    else:
                        # a name the package's __init__ defines or re-exports: its
                        # __init__ must have run, even when it is a package above us
                        edges.add(source)
        graph[module] = {e for e in edges if e in MODULES and e != module}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each as one
    cycle through it, shortest first."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph[node]):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted((_one_cycle(graph, c) for c in components), key=len)


def _one_cycle(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """A shortest cycle through the first module of a strongly connected component."""
    start = component[0]
    members = set(component)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for succ in sorted(graph[node] & members):
            if succ == start:
                return [*paths[node], start]
            if succ not in paths:
                paths[succ] = [*paths[node], succ]
                queue.append(succ)
    return component  # pragma: no cover - a component always has a cycle


def _show(cycle: list[str]) -> str:
    return " -> ".join(m.removeprefix(PACKAGE + ".") for m in cycle)


def test_no_import_cycles():
    found = cycles(import_graph())
    assert not found, "import cycles:\n" + "\n".join(_show(c) for c in found)


@pytest.mark.xfail(
    strict=True,
    reason="for type checkers only: planner -> testing (its TYPE_CHECKING re-exports) -> "
    "testing._sequence -> planner; the golden_image cycles are gone",
)
def test_no_import_cycles_even_for_type_checkers():
    """The stricter reading: a module the type checker needs back is a cycle too."""
    found = cycles(import_graph(type_checking=True))
    assert not found, "import cycles:\n" + "\n".join(_show(c) for c in found)


# -- the reader itself ------------------------------------------------------------------


def test_relative_imports_resolve():
    assert _resolve("immutable_components.release.aws", 1, "refresh") == (
        "immutable_components.release.refresh"
    )
    assert _resolve("immutable_components.release.aws", 2, "_invoke") == (
        "immutable_components._invoke"
    )
    assert _resolve("immutable_components.release", 1, "aws") == "immutable_components.release.aws"
    assert _resolve("immutable_components.release", 2, None) == "immutable_components"
    assert _resolve("immutable_components.golden_image.gcp", 1, None) == (
        "immutable_components.golden_image"
    )


def test_the_graph_sees_every_kind_of_import():
    graph = import_graph()
    # `from .x import y` in a module, and the package above a target outside its own
    assert "immutable_components.release.refresh" in graph["immutable_components.release.aws"]
    # `from . import _egress` (a submodule imported by name)
    assert (
        "immutable_components.golden_image._egress"
        in graph["immutable_components.golden_image.aws"]
    )
    # an import inside a function counts
    assert "immutable_components.ops" in graph["immutable_components.cli.drift"]
    # a lazy export resolves to the module defining the name; TYPE_CHECKING imports do not
    assert graph["immutable_components"] == {"immutable_components._lazy"}
    assert graph["immutable_components.golden_image"] == {"immutable_components._lazy"}
    typed = import_graph(type_checking=True)
    assert "immutable_components.golden_image.args" in typed["immutable_components.golden_image"]


def test_a_cycle_is_found_and_printed():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert cycles(graph) == [["a", "b", "c", "a"]]
    assert _show(["immutable_components.x", "immutable_components.y"]) == "x -> y"


def test_lazy_tables_are_read():
    tree = ast.parse('x = lazy_exports(__name__, {"A": ".a", "B": "..b"})\nEXPORTS = {"C": ".c"}')
    assert _lazy_table("immutable_components.pkg", tree) == {
        "A": "immutable_components.pkg.a",
        "B": "immutable_components.b",
        "C": "immutable_components.pkg.c",
    }
