"""Files in the consolidated national schema made from the real 2019 rows (benchmark and tests).

``decp-processing``'s flat file has one row per (contract, holder) and 58 columns
(../shared/data/decp/decp_consolidated_columns.csv); the 2019 flattened CSV has one row per contract with
its holders joined by « | ». ``consolidated_rows`` maps the second onto the first (one row per holder,
the columns Dentelle does not use left empty); ``resample`` draws a national-size file from it.
"""

import csv
from pathlib import Path

import polars as pl

SOURCE = "decp/decp_2019_v1_marches.csv"
COLUMNS = "decp/decp_consolidated_columns.csv"


def consolidated_columns(data_dir):
    with open(Path(data_dir) / COLUMNS, encoding="utf-8") as handle:
        return [row["name"] for row in csv.DictReader(handle)]


def consolidated_rows(data_dir, sample=None, seed=2019):
    """The 2019 CSV in the consolidated schema; ``sample`` rows drawn with replacement when given.

    Each drawn contract gets its own ``uid`` (id + draw number), so a resampled contract is a new one.
    """
    real = pl.read_csv(Path(data_dir) / SOURCE, infer_schema=False)
    if sample is not None:
        real = real.sample(n=sample, with_replacement=True, seed=seed)
    real = real.with_row_index("n")
    split = lambda column: pl.col(column).fill_null("").str.split("|")  # noqa: E731
    mapped = real.select(
        (pl.col("id").fill_null("") + "-" + pl.col("n").cast(pl.String)).alias("uid"),
        pl.col("id"),
        pl.col("nature"),
        pl.col("acheteur_id"),
        pl.col("acheteur_nom"),
        split("titulaires_ids").alias("titulaire_id"),
        split("titulaires_types_id").alias("titulaire_typeIdentifiant"),
        split("titulaires_noms").alias("titulaire_nom"),
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
    # One row per holder (lists of unequal length are padded: a missing type or name stays empty).
    width = pl.max_horizontal(
        pl.col(c).list.len() for c in ("titulaire_id", "titulaire_typeIdentifiant", "titulaire_nom")
    )
    mapped = mapped.with_columns(
        pl.int_ranges(0, width).alias("_k"),
    ).explode("_k")
    mapped = mapped.with_columns(
        pl.col(c).list.get(pl.col("_k"), null_on_oob=True).replace("", None)
        for c in ("titulaire_id", "titulaire_typeIdentifiant", "titulaire_nom")
    ).drop("_k")
    return mapped.select(
        [
            pl.col(c) if c in mapped.columns else pl.lit(None, pl.String).alias(c)
            for c in consolidated_columns(data_dir)
        ]
    )
