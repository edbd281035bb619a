"""Pure decision modules never touch the database layer (architecture.md §3).

A module declares itself pure with the marker line ``# pure: no database`` before its docstring. The
test finds the marked modules itself and follows their imports TRANSITIVELY (module level and inside
functions): a pure module importing a dentelle module that imports models fails, naming the chain.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "dentelle"
MARKER = "# pure: no database"
# TextChoices live in django.db.models.enums, which opens no connection and loads no model.
ALLOWED = ("django.db.models.enums",)
FORBIDDEN_PREFIXES = ("django.db", "django.contrib", "django_tasks", "ninja", "dsfr")

# Decision modules that must stay marked (a marker removed would silently drop the check).
MUST_BE_PURE = [
    "core/geo.py",
    "rules/hours.py",
    "insertion/progress.py",
    "insertion/charts.py",
    "matching/scoring.py",
    "matching/competence.py",
    "matching/kind.py",
    "matching/structures.py",
    "matching/territory.py",
    "matching/capacity.py",
    "matching/reasons.py",
    "purchases/screening/__init__.py",
    "purchases/screening/plausibility.py",
    "rules/loader.py",
    "siaes/kinds.py",
]


def is_pure(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    return MARKER in lines[:2]


def pure_modules():
    return sorted(
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*.py")
        if "migrations" not in path.parts and is_pure(path)
    )


def imported_modules(path):
    """Every module ``path`` imports, at module level and inside functions, relative ones resolved;
    ``from package import name`` also yields ``package.name`` (it may be a submodule)."""
    package = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts[:-1])
    if path.name == "__init__.py":
        package = ".".join(path.relative_to(ROOT.parent).parts[:-1])
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def source_of(module):
    """The file of a dentelle module, or None (not ours, or a name that is not a module)."""
    if not module.startswith("dentelle."):
        return None
    relative = Path(*module.split(".")[1:])
    for candidate in (ROOT / relative.with_suffix(".py"), ROOT / relative / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def forbidden(module):
    if module.startswith(ALLOWED):
        return False
    if module.startswith(FORBIDDEN_PREFIXES):
        return True
    parts = module.split(".")
    return parts[0] == "dentelle" and "models" in parts[1:]


def database_chain(path):
    """The first import chain from ``path`` to the database layer, or None."""
    seen, queue = {path}, [(path, [str(path.relative_to(ROOT))])]
    while queue:
        current, chain = queue.pop(0)
        for module in imported_modules(current):
            if forbidden(module):
                return [*chain, module]
            target = source_of(module)
            if target is not None and target not in seen:
                seen.add(target)
                queue.append((target, [*chain, str(target.relative_to(ROOT))]))
    return None


def test_the_marker_is_found_and_a_transitive_model_import_is_caught(tmp_path, monkeypatch):
    app = tmp_path / "dentelle" / "app"
    app.mkdir(parents=True)
    (app / "decide.py").write_text(f'{MARKER}\n"""Decides."""\nfrom dentelle.app import helper\n')
    (app / "helper.py").write_text("def load():\n    from .models import Thing\n")
    (app / "models.py").write_text("")
    (app / "choices.py").write_text(f"{MARKER}\nfrom django.db.models.enums import TextChoices\n")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path / "dentelle")
    assert pure_modules() == ["app/choices.py", "app/decide.py"]
    assert database_chain(app / "decide.py") == ["app/decide.py", "app/helper.py", "dentelle.app.models"]
    assert database_chain(app / "choices.py") is None


def test_decision_modules_are_marked_pure():
    missing = [name for name in MUST_BE_PURE if (ROOT / name).exists() and name not in pure_modules()]
    assert missing == [], f"Marquer « {MARKER} » en tête de : {missing}"


@pytest.mark.parametrize("relative", pure_modules())
def test_pure_module_does_not_reach_the_database_layer(relative):
    chain = database_chain(ROOT / relative)
    assert chain is None, f"{relative} atteint la base : {' -> '.join(chain)}"


def test_no_module_opens_network_connections_outside_clients():
    """Only <app>/clients.py may talk to an external service."""
    offenders = []
    for path in ROOT.rglob("*.py"):
        if path.name == "clients.py" or "migrations" in path.parts:
            continue
        names = set(imported_modules(path))
        if names & {"urllib.request", "http.client", "requests", "httpx", "socket"}:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
