"""Benchmark: the national consolidated DECP file (1.6 M rows) read and analysed end to end.

Not a test. Builds a file in the consolidated flat schema (``decp-processing``'s ``decp.csv`` /
``decp.parquet``, the 58 columns of ../shared/data/decp/decp_consolidated_columns.csv) by resampling
with replacement the real rows of ../shared/data/decp/decp_2019_v1_marches.csv (their CPV codes, buyers,
places, amounts, dates, holders; each resampled row gets its own uid), then times
``dentelle.decp.services.analyse_file`` — the code path of ``dentelle decp analyse`` and of the DECP
page — on the CSV and on the Parquet. Prints rows/s and peak memory (getrusage maxrss).

Run: `DEBUG=1 DATABASE_URL=sqlite:////tmp/h3.sqlite3 .venv/bin/python bench/bench_decp_national.py
[--rows 1600000] [--format csv|parquet|both]` (the database must be migrated: the analysis reads the
directory's SIRETs).
"""

import argparse
import csv
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import polars as pl  # noqa: E402
from django.conf import settings  # noqa: E402

from dentelle.decp.services import analyse_file  # noqa: E402

SOURCE = "decp/decp_2019_v1_marches.csv"
COLUMNS = "decp/decp_consolidated_columns.csv"


def consolidated_columns():
    with open(Path(settings.DENTELLE_DATA_DIR) / COLUMNS, encoding="utf-8") as handle:
        return [row["name"] for row in csv.DictReader(handle)]


def build(rows, directory, seed=2019):
    """Write decp.csv and decp.parquet of ``rows`` rows resampled from the real 2019 rows."""
    real = pl.read_csv(Path(settings.DENTELLE_DATA_DIR) / SOURCE, infer_schema=False)
    sample = real.sample(n=rows, with_replacement=True, seed=seed).with_row_index("n")
    first = lambda column: pl.col(column).fill_null("").str.split("|").list.first()  # noqa: E731
    mapped = sample.select(
        (pl.col("id").fill_null("") + "-" + pl.col("n").cast(pl.String)).alias("uid"),
        pl.col("id"),
        pl.col("nature"),
        pl.col("acheteur_id"),
        pl.col("acheteur_nom"),
        first("titulaires_ids").alias("titulaire_id"),
        first("titulaires_types_id").alias("titulaire_typeIdentifiant"),
        first("titulaires_noms").alias("titulaire_nom"),
        pl.col("objet"),
        pl.col("montant"),
        pl.col("type"),
        pl.col("code_cpv").alias("codeCPV"),
        pl.col("procedure"),
        pl.col("duree_mois").alias("dureeMois"),
        pl.col("date_notification").alias("dateNotification"),
        pl.col("date_publication").alias("datePublicationDonnees"),
        pl.col("lieu_execution_code").alias("lieuExecution_code"),
        pl.col("lieu_execution_type").alias("lieuExecution_typeCode"),
        pl.col("source").alias("sourceDataset"),
    )
    frame = mapped.select(
        [
            pl.col(c) if c in mapped.columns else pl.lit(None, pl.String).alias(c)
            for c in consolidated_columns()
        ]
    )
    csv_path, parquet_path = Path(directory) / "decp.csv", Path(directory) / "decp.parquet"
    frame.write_csv(csv_path)
    frame.write_parquet(parquet_path)
    return csv_path, parquet_path


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(path):
    start = time.perf_counter()
    fmt, result, problems = analyse_file(path)
    elapsed = time.perf_counter() - start
    print(
        f"{path.name}: {result.records} contrats, {problems.total} anomalies, {elapsed:.1f} s, "
        f"{result.records / elapsed:,.0f} contrats/s, pic mémoire {peak_mb():,.0f} Mo (format {fmt})"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_600_000)
    parser.add_argument("--format", choices=("csv", "parquet", "both"), default="both")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        start = time.perf_counter()
        csv_path, parquet_path = build(options.rows, directory)
        print(
            f"Fichier de {options.rows:,} lignes construit en {time.perf_counter() - start:.1f} s "
            f"(CSV {csv_path.stat().st_size / 1e6:.0f} Mo, Parquet {parquet_path.stat().st_size / 1e6:.0f} Mo)"
        )
        if options.format in ("parquet", "both"):
            run(parquet_path)
        if options.format in ("csv", "both"):
            run(csv_path)


if __name__ == "__main__":
    main()
