"""Benchmark: the national consolidated DECP file (1.6 M rows) read and analysed end to end.

Not a test. Builds a file in the consolidated flat schema (``decp-processing``'s ``decp.csv`` /
``decp.parquet``, the 58 columns of ../shared/data/decp/decp_consolidated_columns.csv) by resampling
with replacement the real rows of ../shared/data/decp/decp_2019_v1_marches.csv (their CPV codes, buyers,
places, amounts, dates, holders; each resampled contract gets its own uid, one row per holder), then
times ``dentelle.decp.services.retrospective_file`` — the code path of ``dentelle decp analyse FILE
--buyer SIRET``: read, DECP figures, scanner, national aggregates, peer card — on the CSV and on the
Parquet, each in a fresh process. Prints wall and CPU time, the load average (the machine is shared),
contracts/s and peak memory (VmHWM of that process).

Run: `cp db.sqlite3 /tmp/bench.sqlite3 && DEBUG=1 DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python
bench/bench_decp_national.py [--rows 1600000] [--format csv|parquet|both] [--distinct-amounts]` (the demo
database: the directory's SIRETs and the able counts of the matching engine).
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from dentelle.decp.sample import consolidated_rows  # noqa: E402


def build(rows, directory, seed=2019, distinct_amounts=False):
    """Write decp.csv and decp.parquet: ``rows`` rows (one per contract and holder) resampled from the
    real 2019 contracts (``dentelle.decp.sample``: each draw is a new contract with its own uid).

    ``distinct_amounts``: each drawn contract's amount moved by up to ±10 % (to the euro), so that
    almost every contract is a distinct input of the scanner — the worst case for its one call per
    distinct combination (a real national file repeats amounts less than a resample of 10,500 rows)."""
    import polars as pl

    frame = consolidated_rows(settings.DENTELLE_DATA_DIR, sample=rows, seed=seed).head(rows)
    if distinct_amounts:
        amount = pl.col("montant").cast(pl.Float64, strict=False)
        factor = 0.9 + 0.2 * (pl.col("uid").hash(seed) % 1_000_003) / 1_000_003
        moved = (amount * factor).round(0).cast(pl.Int64).cast(pl.String)
        frame = frame.with_columns(
            pl.when(amount.is_not_null()).then(moved).otherwise(pl.col("montant")).alias("montant")
        )
    csv_path, parquet_path = Path(directory) / "decp.csv", Path(directory) / "decp.parquet"
    frame.write_csv(csv_path)
    frame.write_parquet(parquet_path)
    return csv_path, parquet_path


def peak_mb():
    """Peak resident memory of this process (VmHWM: unlike ru_maxrss, not inherited through exec
    from the parent that built the file)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(path, buyer):
    """In the child process: ``dentelle decp analyse FILE --buyer SIRET``'s work, timed."""
    from dentelle.decp.services import retrospective_file

    wall, cpu = time.perf_counter(), time.process_time()
    result = retrospective_file(path, buyer=buyer)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    steps = ", ".join(f"{name} {value:.1f} s" for name, value in result.seconds.items())
    print(
        f"{result.analysis.records:,} contrats ({result.table.height:,} marchés), {result.problems.total:,} anomalies, "
        f"{result.scanner_calls:,} appels du scanner, {result.table['hours'].sum():,} h proposées ; "
        f"mur {wall:.1f} s, CPU {cpu:.1f} s, {result.analysis.records / wall:,.0f} contrats/s, "
        f"pic mémoire {peak_mb():,.0f} Mo ({steps})"
    )


def run(path, buyer):
    """One fresh process per format, so that each peak memory is its own."""
    load = os.getloadavg()
    print(f"{path.name} (charge {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}) : ", end="", flush=True)
    subprocess.run([sys.executable, __file__, "--child", str(path), "--buyer", buyer], check=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_600_000)
    parser.add_argument("--format", choices=("csv", "parquet", "both"), default="both")
    parser.add_argument("--buyer", default="20005340300057", help="SIRET de la fiche de comparaison")
    parser.add_argument(
        "--distinct-amounts",
        action="store_true",
        help="Montants déplacés de ±10 % par marché : presque chaque marché est une combinaison distincte",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        measure(options.child, options.buyer)
        return
    with tempfile.TemporaryDirectory() as directory:
        start = time.perf_counter()
        csv_path, parquet_path = build(options.rows, directory, distinct_amounts=options.distinct_amounts)
        print(
            f"Fichier de {options.rows:,} lignes construit en {time.perf_counter() - start:.1f} s "
            f"(CSV {csv_path.stat().st_size / 1e6:.0f} Mo, Parquet {parquet_path.stat().st_size / 1e6:.0f} Mo)"
        )
        if options.format in ("parquet", "both"):
            run(parquet_path, options.buyer)
        if options.format in ("csv", "both"):
            run(csv_path, options.buyer)


if __name__ == "__main__":
    main()
