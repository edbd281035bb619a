"""Benchmark: `dentelle scan FILE --out report.json` end to end, on plans resampled from real DECP rows.

The plans (100,000 and 2,000 lots) are drawn with replacement from the 10,511 rows of
`decp/decp_2019_v1_marches.csv` (their objects, CPV codes, places of execution, amounts and
durations: about 5,400 distinct (CPV, place) pairs), written as a CSV plan file. Each plan is then
scanned by the command itself, in a child process, through the production path (`make_supply()`:
the able-structure counts of the matching engine, batched per plan). Prints wall-clock and CPU time,
lots/s and the child's peak memory (maxrss); not a test.

Database: BENCH_DATABASE_URL (a loaded one, read only: e.g. a copy of the demo database), otherwise a
temporary SQLite file loaded with `dentelle demo --wet-run` (referentials and the real directory of
about 5,200 structures; a few minutes). Targets: ≥ 20,000 lots/s on 100,000 lots, peak < 1 GB,
2,000 lots < 2 s. BENCH_LOTS changes the size of the big plan; BENCH_KEEP=1 keeps the files.
"""

import csv
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
_tmp = tempfile.mkdtemp(prefix="dentelle_bench_scan_")
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{_tmp}/bench.sqlite3")
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")

from tests.purchases.decp_sample import PLAN_COLUMNS, clean, decp_rows  # noqa: E402

LOTS = int(os.environ.get("BENCH_LOTS", "100000"))
SMALL_LOTS = 2000


def load_database():
    """Migrate and load the demo into the temporary database (skipped with BENCH_DATABASE_URL)."""
    if "BENCH_DATABASE_URL" in os.environ:
        return 0.0
    started = time.perf_counter()
    for args in (["migrate", "--verbosity", "0"], ["demo", "--wet-run"]):
        # sys.executable: the project's interpreter (manage.py's shebang may find a Python without Django).
        manage = [sys.executable, str(ROOT / "manage.py"), *args]
        subprocess.run(manage, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def write_plan(path, rows, count, seed):
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(PLAN_COLUMNS)
        for i in range(count):
            row = rng.choice(rows)
            amount = row["montant"] if row["montant"] not in ("", "0") else ""
            writer.writerow(
                [
                    f"R{i}",
                    clean(row["objet"]),
                    row["code_cpv8"],
                    amount,
                    row["duree_mois"],
                    row["lieu_execution_nom"],
                    row["lieu_execution_code"],
                ]
            )
    return len({(r["code_cpv8"], r["lieu_execution_code"]) for r in rows})


def scan(plan, out):
    """Run `dentelle scan PLAN --out OUT` in a child; (wall s, CPU s, peak RSS MB of the child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    command = [str(Path(sys.executable).parent / "dentelle"), "scan", str(plan), "--out", str(out), "--quiet"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"dentelle scan a échoué :\n{done.stderr[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss / 1024, done.stdout.strip()


def main():
    from config import settings

    setup = load_database()
    rows = decp_rows(settings.DENTELLE_DATA_DIR)
    big, small = Path(_tmp) / "plan_100k.csv", Path(_tmp) / "plan_2k.csv"
    pairs = write_plan(big, rows, LOTS, 42)
    write_plan(small, rows, SMALL_LOTS, 7)
    scan(small, Path(_tmp) / "warmup.json")  # file caches warm, as for a user's second scan
    small_wall, small_cpu, _rss, _ = scan(small, Path(_tmp) / "rapport_2k.json")
    wall, cpu, peak, summary = scan(big, Path(_tmp) / "rapport.json")
    size = (Path(_tmp) / "rapport.json").stat().st_size

    engine = "PostgreSQL" if DATABASE_URL.startswith("postgres") else "SQLite"
    print(
        f"bench_scan — `dentelle scan FICHIER --out rapport.json`, base {engine}, préparation {setup:.0f} s"
    )
    print(
        f"plan : {LOTS:,} lots tirés de {len(rows):,} lignes DECP réelles ({pairs:,} couples CPV × lieu)".replace(
            ",", " "
        )
    )
    print(f"commande : {summary}")
    print(f"{'mesure':<46}{'valeur':>14}{'objectif':>14}")
    table = [
        (f"{LOTS:,} lots, horloge (démarrage compris)".replace(",", " "), f"{wall:.2f} s", ""),
        ("   temps CPU", f"{cpu:.2f} s", ""),
        ("   lots par seconde (horloge)", f"{LOTS / wall:,.0f}".replace(",", " "), "≥ 20 000"),
        ("   lots par seconde (CPU)", f"{LOTS / cpu:,.0f}".replace(",", " "), ""),
        ("   mémoire maximale (maxrss)", f"{peak:,.0f} Mo".replace(",", " "), "< 1 000 Mo"),
        ("   rapport JSON", f"{size / 1e6:,.0f} Mo", ""),
        (
            f"{SMALL_LOTS:,} lots, horloge (démarrage compris)".replace(",", " "),
            f"{small_wall:.2f} s",
            "< 2 s",
        ),
        ("   temps CPU", f"{small_cpu:.2f} s", ""),
        ("charge de la machine (1 min)", f"{os.getloadavg()[0]:.1f}", f"{os.cpu_count()} cœurs"),
    ]
    for label, value, target in table:
        print(f"{label:<46}{value:>14}{target:>14}")
    ok = LOTS / wall >= 20000 and peak < 1000 and small_wall < 2
    print("objectifs", "atteints" if ok else "NON atteints")
    return 0 if ok else 1


if __name__ == "__main__":
    try:
        code = main()
    finally:  # the report alone is about 140 MB: do not leave it behind
        if not os.environ.get("BENCH_KEEP"):
            shutil.rmtree(_tmp, ignore_errors=True)
    sys.exit(code)
