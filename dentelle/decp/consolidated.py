"""Reader of the consolidated national DECP (``decp-processing``'s flat ``decp.csv`` / ``decp.parquet``).

One row per (contract, holder): consecutive rows sharing a ``uid`` make one ``DecpRecord`` with several
holders. The file is scanned lazily by polars in batches (bounded memory, whatever its size); every value
is read as text and parsed by the same field parsers as the other DECP readers, so a bad value is
reported as a ``DecpProblem`` (row number, column, French reason) and the row is still read with that
field left empty; a row without an identifier is reported and skipped. Records are built through
``DecpRecord`` so the text repair (``dentelle.decp.repair``) applies to them too.
"""

from pathlib import Path

import polars as pl

from dentelle.decp.parsing import _Fields, cell, flat_texts, missing_columns
from dentelle.decp.records import SOCIAL_VALUES, DecpProblem, DecpRecord, Holder

# The columns Dentelle uses (the file has 58: ../shared/data/decp/decp_consolidated_columns.csv).
USED_COLUMNS = (
    "uid",
    "id",
    "nature",
    "acheteur_id",
    "acheteur_nom",
    "titulaire_id",
    "titulaire_typeIdentifiant",
    "titulaire_nom",
    "objet",
    "montant",
    "type",
    "codeCPV",
    "procedure",
    "dureeMois",
    "dateNotification",
    "considerationsSociales",
    "lieuExecution_code",
    "lieuExecution_typeCode",
    "sourceDataset",
)
REQUIRED_COLUMNS = ("uid", "id", "acheteur_id", "montant", "codeCPV", "dateNotification")
# The text fields of a record, one cell each: DecpRecord field → column (no place name in this file).
TEXT_COLUMNS = {
    "uid": "uid",
    "source": "sourceDataset",
    "buyer_siret": "acheteur_id",
    "buyer_name": "acheteur_nom",
    "nature": "nature",
    "object": "objet",
    "procedure": "procedure",
    "place_code": "lieuExecution_code",
    "place_type": "lieuExecution_typeCode",
}
BATCH_ROWS = 50_000
PARQUET_MAGIC = b"PAR1"


class ConsolidatedFileError(Exception):
    """The file as a whole cannot be read; the message is French and names the file."""


def is_parquet(source):
    if not isinstance(source, (str, Path)):
        source.seek(0)
        magic = source.read(4)
        source.seek(0)
        return magic == PARQUET_MAGIC
    with open(source, "rb") as handle:
        return handle.read(4) == PARQUET_MAGIC


def _name(source):
    if isinstance(source, (str, Path)):
        return Path(source).name
    return Path(str(getattr(source, "name", "") or "fichier envoyé")).name


def _scan(path):
    """A lazy frame of the used columns as text; ``path`` may also be a seekable binary file object."""
    name = _name(path)
    try:
        if is_parquet(path):
            frame = pl.scan_parquet(path)
            schema = frame.collect_schema()
            columns = schema.names()
        else:
            frame = pl.scan_csv(path, infer_schema=False, encoding="utf8-lossy", quote_char='"')
            schema = frame.collect_schema()
            columns = schema.names()
    except OSError as exc:
        raise ConsolidatedFileError(f"Fichier DECP « {name} » introuvable ou illisible ({exc}).") from None
    except pl.exceptions.PolarsError:
        raise ConsolidatedFileError(
            f"Fichier DECP « {name} » : ni un CSV ni un Parquet DECP consolidé lisible."
        ) from None
    reason = missing_columns(name, "un fichier DECP consolidé", REQUIRED_COLUMNS, columns)
    if reason:
        raise ConsolidatedFileError(reason)
    present = [column for column in USED_COLUMNS if column in columns]
    exprs = [_as_text(column, schema[column]) for column in present]
    exprs += [pl.lit(None, pl.String).alias(column) for column in USED_COLUMNS if column not in columns]
    return frame.select(exprs)


def _as_text(column, dtype):
    """A column of a typed Parquet as the text the CSV would hold (date, number, list joined by « , »)."""
    expr = pl.col(column)
    if isinstance(dtype, pl.List | pl.Array):
        return expr.cast(pl.List(pl.String)).list.join(", ").alias(column)
    if isinstance(dtype, pl.Datetime):
        return expr.dt.date().cast(pl.String).alias(column)
    return expr.cast(pl.String)


def iter_rows(path):
    """Yield (row number, dict of text values) in file order; row 1 is the first data row."""
    name = _name(path)
    frame = _scan(path)
    number = 0
    try:
        for batch in frame.collect_batches(chunk_size=BATCH_ROWS):
            for row in batch.iter_rows(named=True):
                number += 1
                yield number, row
    except pl.exceptions.PolarsError as exc:
        raise ConsolidatedFileError(
            f"Fichier DECP « {name} » : fichier mal formé après la ligne de données {number} "
            f"({_reason(exc)})."
        ) from None


def _reason(exc):
    text = str(exc).lower()
    if "field" in text and ("more" in text or "expected" in text):
        return "nombre de colonnes différent de l'en-tête"
    if "parquet" in text:
        return "Parquet abîmé ou tronqué"
    return "structure invalide"


def _social(value, fields):
    if not value:
        return ()
    kept = []
    for part in str(value).split(","):
        part = part.strip()
        if not part:
            continue
        if part in SOCIAL_VALUES:
            if part not in kept:
                kept.append(part)
        else:
            fields.problem("considerationsSociales", f"valeur inconnue ({part!r})")
    return tuple(kept)


def _record(rows, index, problems):
    first_number, first = rows[0]
    record_id = cell(first, "id")
    fields = _Fields(first_number, record_id, problems)
    holders = []
    for number, row in rows:
        if not row.get("titulaire_id"):
            continue
        fields.index = number
        holder = fields.holder(
            {
                "id": row.get("titulaire_id"),
                "typeIdentifiant": row.get("titulaire_typeIdentifiant") or "",
                "denominationSociale": row.get("titulaire_nom") or "",
            },
            "titulaire_id",
        )
        if holder and holder not in holders:
            holders.append(holder)
    fields.index = first_number
    is_concession = cell(first, "type").lower().startswith("concession")
    return DecpRecord(
        index=first_number,
        id=record_id,
        kind="concession" if is_concession else "marche",
        format_version="consolidé",
        **flat_texts(first, TEXT_COLUMNS),
        place_name="",
        cpv=fields.cpv(first.get("codeCPV"), "codeCPV"),
        duration_months=fields.months(first.get("dureeMois"), "dureeMois"),
        notification_date=fields.date(first.get("dateNotification"), "dateNotification"),
        amount=fields.amount(first.get("montant"), "montant"),
        holders=tuple(holders),
        social_considerations=_social(first.get("considerationsSociales"), fields),
    )


def iter_consolidated(path, problems=None):
    """Yield one ``DecpRecord`` per contract of a consolidated CSV or Parquet file, in file order."""
    problems = problems if problems is not None else []
    group, group_uid = [], None
    for number, row in iter_rows(path):
        uid, record_id = cell(row, "uid"), cell(row, "id")
        if not uid or not record_id:
            column = "uid" if not uid else "id"
            problems.append(DecpProblem(number, column, "identifiant manquant : ligne ignorée", record_id))
            continue
        if group and uid != group_uid:
            yield _record(group, group[0][0], problems)
            group = []
        group.append((number, row))
        group_uid = uid
    if group:
        yield _record(group, group[0][0], problems)


__all__ = ["ConsolidatedFileError", "Holder", "iter_consolidated", "iter_rows", "is_parquet"]
