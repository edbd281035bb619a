"""Benchmark: loading all reference data into an empty SQLite database, and resolving place strings.

Not a test. Uses a fresh temporary SQLite file (or BENCH_DATABASE_URL), migrates it, loads CPV,
territories and NAF with --wet-run, then resolves 10,000 places of execution taken from the DECP
2019 CSV: once with empty caches (index built = the warm-up) and once more with warm caches.
Run: `.venv/bin/python bench/bench_referentials.py` (or `make bench`).
"""

import csv
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
_tmp = tempfile.TemporaryDirectory(prefix="dentelle-bench-")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{_tmp.name}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from dentelle.referentials import text  # noqa: E402
from dentelle.referentials.index import get_index  # noqa: E402
from dentelle.referentials.loaders import load_referentials  # noqa: E402
from dentelle.referentials.places import code_kind  # noqa: E402

PLACES = 10_000


def main():
    call_command("migrate", verbosity=0)
    rows = []

    started = time.perf_counter()
    outcomes = load_referentials(settings.DENTELLE_DATA_DIR, wet_run=True)
    load_s = time.perf_counter() - started
    written = sum(v for o in outcomes for k, v in o.report.counts.items() if "supprimés" not in k)
    assert all(o.committed for o in outcomes), [str(p) for o in outcomes for p in o.report.errors]
    rows.append(
        (
            "Chargement complet (CPV, territoires, NAF), base vide",
            f"{load_s:.2f} s",
            f"{written} lignes",
            "< 30 s",
        )
    )

    started = time.perf_counter()
    again = load_referentials(settings.DENTELLE_DATA_DIR, wet_run=True, if_changed=True)
    skip_s = time.perf_counter() - started
    assert all(o.skipped for o in again)
    rows.append(("Second chargement --if-changed (rien à faire)", f"{skip_s:.2f} s", "", ""))

    started = time.perf_counter()
    resolver = get_index().place_resolver
    warm_s = time.perf_counter() - started
    rows.append(("Préchauffage : index en mémoire + résolveur", f"{warm_s:.2f} s", "", ""))

    with open(
        Path(settings.DENTELLE_DATA_DIR) / "decp" / "decp_2019_v1_marches.csv", encoding="utf-8"
    ) as handle:
        decp = list(csv.DictReader(handle))[:PLACES]
    queries = [
        (r["lieu_execution_nom"], r["lieu_execution_code"] or None, code_kind(r["lieu_execution_type"]))
        for r in decp
    ]
    distinct = len(set(queries))

    for label, clear in (("caches vides", True), ("caches chauds", False)):
        if clear:
            resolver.resolve.cache_clear()
            text.normalise.cache_clear()
            text.lossy.cache_clear()
        started = time.perf_counter()
        found = sum(resolver.resolve(*q) is not None for q in queries)
        elapsed = time.perf_counter() - started
        rows.append(
            (
                f"Résolution de {len(queries)} lieux DECP ({distinct} distincts), {label}",
                f"{elapsed:.3f} s",
                f"{found / len(queries):.1%} résolus",
                "< 1 s",
            )
        )

    width = max(len(r[0]) for r in rows)
    print(f"{'Mesure':<{width}}  {'Durée':>9}  {'Volume':<16} Objectif")
    for name, duration, volume, target in rows:
        print(f"{name:<{width}}  {duration:>9}  {volume:<16} {target}")


if __name__ == "__main__":
    main()
