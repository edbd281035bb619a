"""Benchmark: DECP reading speed (records per second) on the shared 2019 files, plus peak memory.

Not a test. Reads each file three times and keeps the best run; also reads the largest JSON with a
tiny chunk size to show that the streaming reader's memory does not grow with the file.
Run: `.venv/bin/python bench/bench_decp.py` (or `make bench`).
"""

import os
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from dentelle.decp import jsonstream  # noqa: E402
from dentelle.decp.readers import ProblemLog, iter_decp  # noqa: E402

FILES = (
    "decp_2019_v1_data.gouv.fr_aife.json.gz",
    "decp_2019_v1_marches-publics.info.json.gz",
    "decp_2019_v1_data.gouv.fr_pes.json.gz",
    "decp_2019_v1_e-marchespublics.json.gz",
    "decp_2019_v1_marches.csv",
)
RUNS = 3


def read_all(path):
    problems = ProblemLog()
    count = sum(1 for _ in iter_decp(path, problems))
    return count, problems.total


def best_time(path):
    best = None
    for _ in range(RUNS):
        start = time.perf_counter()
        count, problems = read_all(path)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return count, problems, best


def peak_memory(path):
    tracemalloc.start()
    read_all(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main():
    folder = Path(settings.DENTELLE_DATA_DIR) / "decp"
    header = (
        f"{'fichier':<45} {'Mo':>6} {'enreg.':>7} {'anom.':>6} {'s':>7} {'enreg./s':>9} {'pic mém. Mo':>11}"
    )
    print(header)
    print("-" * len(header))
    total_records = total_seconds = 0
    for name in FILES:
        path = folder / name
        count, problems, seconds = best_time(path)
        peak = peak_memory(path)
        total_records += count
        total_seconds += seconds
        size = path.stat().st_size / 1e6
        print(
            f"{name:<45} {size:>6.2f} {count:>7} {problems:>6} {seconds:>7.3f} "
            f"{count / seconds:>9.0f} {peak / 1e6:>11.2f}"
        )
    print("-" * len(header))
    print(
        f"{'total':<45} {'':>6} {total_records:>7} {'':>6} {total_seconds:>7.3f} {total_records / total_seconds:>9.0f}"
    )
    # Streaming check: a 4 KiB chunk must give the same records with a much smaller peak.
    path = folder / FILES[1]
    default_peak = peak_memory(path)
    jsonstream.CHUNK_CHARS = 4096
    small_peak = peak_memory(path)
    print(
        f"\nMémoire de pointe, {FILES[1]} : {default_peak / 1e6:.2f} Mo (morceaux de 1 Mi caractères), "
        f"{small_peak / 1e6:.2f} Mo (morceaux de 4 Ki caractères)."
    )


if __name__ == "__main__":
    main()
