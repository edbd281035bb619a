"""Pure decision modules never touch the database layer (architecture.md §3)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "dentelle"
PURE_MODULES = [
    "core/geo.py",
    "insertion/hours.py",
    "insertion/progress.py",
    "purchases/screening.py",
    "purchases/allotment.py",
    "purchases/screening_data.py",
    "purchases/screening_works.py",
    "purchases/plausibility.py",
    "rules/loader.py",
    "rules/lookups.py",
    "rules/types.py",
    "rules/validation.py",
    "rules/thresholds.py",
    "matching/scoring.py",
]
FORBIDDEN_PREFIXES = ("django.db", "django.contrib", "dentelle.siaes.models", "dentelle.purchases.models")


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


@pytest.mark.parametrize("relative", PURE_MODULES, ids=PURE_MODULES)
def test_pure_module_does_not_import_the_database_layer(relative):
    path = ROOT / relative
    if not path.exists():
        pytest.skip(f"{relative} n'existe pas encore")
    offenders = [
        name
        for name in imported_modules(path)
        if name.startswith(FORBIDDEN_PREFIXES) or (name.startswith("dentelle.") and name.endswith(".models"))
    ]
    assert offenders == [], f"{relative} importe {offenders}"


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
