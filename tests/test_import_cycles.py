"""No import cycle between the apps of dentelle/ (docs/architecture.md, « Couches »).

The graph is read from the source (AST): every `import` and `from … import`, at module level AND inside
functions, since an import hidden in a function is still a dependency. Migrations are left out (frozen
history written by Django). Imports by string (import_string, apps.get_model, "app.Model" foreign keys)
are not seen.

The layering, from the bottom (an app imports only apps below it):
    core < referentials < rules < accounts < jobs < siaes < purchases < matching < insertion < decp < site
`jobs` sits low: each app registers its own handlers (<app>/job_handlers.py), the machinery never
imports them. `site` is the top: home page, /healthz, `dentelle demo`.
"""

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "dentelle"

# Edges still in a cycle, each with why it remains; the test fails when one disappears, so the list
# only shrinks. Empty it to require a cycle-free graph.
KNOWN_CYCLE_EDGES = {}


def imported_modules(path):
    """Absolute names of the modules ``path`` imports (relative imports resolved), with line numbers."""
    package = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts[:-1])
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                yield (f"{base}.{node.module}" if node.module else base), node.lineno
            elif node.module:
                yield node.module, node.lineno


def app_graph():
    """{app: {imported app: ["file:line", …]}} for the packages directly under dentelle/."""
    graph = defaultdict(lambda: defaultdict(list))
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if "migrations" in relative.parts or len(relative.parts) < 2:
            continue
        app = relative.parts[0]
        for name, line in imported_modules(path):
            parts = name.split(".")
            if parts[0] == "dentelle" and len(parts) > 1 and parts[1] != app and (ROOT / parts[1]).is_dir():
                graph[app][parts[1]].append(f"{relative}:{line}")
    return graph


def cycles(edges):
    """The strongly connected components of more than one app (Tarjan), each as a sorted list."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    nodes = set(edges) | {b for targets in edges.values() for b in targets}

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
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

    for node in sorted(nodes):
        if node not in index:
            visit(node)
    return found


def describe(graph, component):
    members = set(component)
    return "\n".join(
        f"  {a} -> {b} ({', '.join(graph[a][b][:3])})"
        for a in component
        for b in sorted(graph[a])
        if b in members
    )


def test_cycle_finder_names_a_cycle_and_accepts_a_layering():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"site": {"core", "jobs"}, "jobs": {"core"}, "core": set()}) == []


def test_imports_see_function_level_and_relative_imports(tmp_path, monkeypatch):
    app = tmp_path / "dentelle" / "low"
    app.mkdir(parents=True)
    (app / "views.py").write_text("def page():\n    from dentelle.high.models import Thing\n")
    (tmp_path / "dentelle" / "high").mkdir()
    (tmp_path / "dentelle" / "high" / "views.py").write_text("from ..low import views\n")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path / "dentelle")
    graph = app_graph()
    assert dict(graph["low"]) == {"high": ["low/views.py:2"]}
    assert dict(graph["high"]) == {"low": ["high/views.py:1"]}


def test_no_import_cycle_between_apps():
    graph = app_graph()
    edges = {a: set(targets) for a, targets in graph.items()}
    for a, b in KNOWN_CYCLE_EDGES:
        edges.get(a, set()).discard(b)
    found = cycles(edges)
    assert not found, "Cycles d'imports entre applications :\n" + "\n".join(
        describe(graph, component) for component in found
    )


def test_known_cycle_edges_still_exist():
    """An edge broken must leave KNOWN_CYCLE_EDGES, so that it cannot come back unnoticed."""
    graph = app_graph()
    gone = [edge for edge in KNOWN_CYCLE_EDGES if edge[1] not in graph.get(edge[0], {})]
    assert gone == [], f"Retirer de KNOWN_CYCLE_EDGES : {gone}"
