# pure: no database
"""DECP contracts as columns (polars): one frame of contracts and one of their parties.

Two ways in, one frame out:

- ``frame_from_records``: any iterable of ``DecpRecord`` (v1/v2 JSON, v1 CSV, or the consolidated file
  read record by record): the reference path;
- ``frame_from_consolidated``: the consolidated national file (CSV or Parquet) read by polars in columns.
  Each field is parsed by the same functions as the record path (``parsing._Fields``), but once per
  distinct value, then joined back; texts are repaired once per distinct damaged text. Consecutive rows
  sharing a ``uid`` make one contract (its first row gives the contract's fields), as in
  ``consolidated.iter_consolidated``; a row without ``uid`` or ``id`` is reported and skipped.

tests/decp/test_frame.py proves both give the same frame (and the same problems) on the shared 2019 files.
"""

from dataclasses import dataclass

import polars as pl

from dentelle.decp import consolidated, repair
from dentelle.decp.parsing import _Fields
from dentelle.decp.records import DecpProblem

AMOUNT_TYPE = pl.Decimal(38, 2)  # parse_number keeps 2 decimals (core.numbers.AMOUNT)
CONTRACT_SCHEMA = {
    "index": pl.Int64,
    "id": pl.String,
    "uid": pl.String,
    "kind": pl.String,
    "format_version": pl.String,
    "buyer_siret": pl.String,
    "buyer_name": pl.String,
    "nature": pl.String,
    "object": pl.String,
    "cpv": pl.String,
    "procedure": pl.String,
    "place_code": pl.String,
    "place_type": pl.String,
    "duration_months": pl.Int64,
    "notification_date": pl.Date,
    "amount": AMOUNT_TYPE,
    "social": pl.List(pl.String),
}
# Parties with a well-formed SIRET only: the holders (« titulaire ») and v2 subcontractors
# (« sous-traitant »), in the order the record gives them.
PARTY_SCHEMA = {"index": pl.Int64, "siret": pl.String, "name": pl.String, "role": pl.String}
DAMAGED_RE = "[\u0080-\u009f\ufffd]"


@dataclass
class Contracts:
    contracts: pl.DataFrame
    parties: pl.DataFrame

    def __len__(self):
        return self.contracts.height


def frame_from_records(records):
    """The ``Contracts`` of an iterable of ``DecpRecord`` (consumed once, in order)."""
    columns = {name: [] for name in CONTRACT_SCHEMA}
    parties = {name: [] for name in PARTY_SCHEMA}
    for record in records:
        columns["index"].append(record.index)
        columns["id"].append(record.id)
        columns["uid"].append(record.uid)
        columns["kind"].append(record.kind)
        columns["format_version"].append(record.format_version)
        columns["buyer_siret"].append(record.buyer_siret)
        columns["buyer_name"].append(record.buyer_name)
        columns["nature"].append(record.nature)
        columns["object"].append(record.object)
        columns["cpv"].append(record.cpv)
        columns["procedure"].append(record.procedure)
        columns["place_code"].append(record.place_code)
        columns["place_type"].append(record.place_type)
        columns["duration_months"].append(record.duration_months)
        columns["notification_date"].append(record.notification_date)
        columns["amount"].append(record.amount)
        columns["social"].append(list(record.social_considerations))
        for holder in record.holders:
            if holder.siret:
                _party(parties, record.index, holder.siret, holder.name, "titulaire")
        for act in record.subcontracting_acts:
            if act.siret:
                _party(parties, record.index, act.subcontractor_id, "", "sous-traitant")
    return Contracts(
        pl.DataFrame(columns, schema=CONTRACT_SCHEMA), pl.DataFrame(parties, schema=PARTY_SCHEMA)
    )


def _party(parties, index, siret, name, role):
    parties["index"].append(index)
    parties["siret"].append(siret)
    parties["name"].append(name)
    parties["role"].append(role)


# ---------------------------------------------------------------- the consolidated file in columns


def _parsed(values, parse):
    """{raw: (value, [reasons])} of each distinct raw text, parsed by a ``_Fields`` method."""
    out = {}
    for raw in values:
        sink = []
        value = parse(_Fields(0, "", sink), raw)
        out[raw] = (value, [problem.reason for problem in sink])
    return out


def _mapped(frame, column, parse, dtype):
    """(values, reasons) Series of a text column parsed once per distinct value, then gathered."""
    keys = frame.get_column(column).unique()
    codes = frame.get_column(column).cast(pl.Enum(keys)).to_physical()  # (less memory than a replace)
    table = _parsed(keys.to_list(), parse)
    values = pl.Series([value for value, _reasons in table.values()], dtype=dtype)
    reasons = pl.Series([reasons for _value, reasons in table.values()], dtype=pl.List(pl.String))
    return values.gather(codes), reasons.gather(codes)


def _repaired(frame, column):
    """The column with every damaged distinct text repaired (``repair.repair_text``)."""
    damaged = (
        frame.lazy()
        .select(pl.col(column))
        .filter(pl.col(column).str.contains(DAMAGED_RE))
        .unique()
        .collect()
        .get_column(column)
        .to_list()
    )
    if not damaged:
        return pl.col(column)
    fixed = [repair.repair_text(text).text for text in damaged]
    return pl.col(column).replace(damaged, fixed)


def _stripped(column):
    return pl.col(column).fill_null("").str.strip_chars()


def _social(fields, value):
    return list(consolidated._social(value, fields))


PARSERS = (
    # (contract column, file column, parser, dtype), in the order the record path reports problems
    ("cpv", "codeCPV", lambda f, v: f.cpv(v, "codeCPV"), pl.String),
    ("duration_months", "dureeMois", lambda f, v: f.months(v, "dureeMois"), pl.Int64),
    ("notification_date", "dateNotification", lambda f, v: f.date(v, "dateNotification"), pl.Date),
    ("amount", "montant", lambda f, v: f.amount(v, "montant"), AMOUNT_TYPE),
    ("social", "considerationsSociales", _social, pl.List(pl.String)),
)


def _collect(source, query, streaming=False):
    """Collect one lazy query (or a list of them, sharing their scan); file errors made ours."""
    try:
        if isinstance(query, list):
            return pl.collect_all(query)
        return query.collect(engine="streaming" if streaming else "auto")
    except pl.exceptions.PolarsError as exc:
        name = consolidated._name(source)
        raise consolidated.ConsolidatedFileError(
            f"Fichier DECP « {name} » : fichier mal formé ({consolidated._reason(exc)})."
        ) from None


def _rows(source):
    """The lazy frame of the used columns as text, each row numbered (1 = first data row)."""
    frame = consolidated._scan(source).with_row_index("row", offset=1)
    return frame.with_columns(
        pl.col("row").cast(pl.Int64), _stripped("uid").alias("_uid"), _stripped("id").alias("_id")
    )


HOLDER_COLUMNS = ("titulaire_id", "titulaire_typeIdentifiant", "titulaire_nom")


def frame_from_consolidated(source, problems=None, with_object=True):
    """The ``Contracts`` of a consolidated CSV or Parquet file; bad values go to ``problems``.

    Two reads keep memory bounded: the identifiers and holders of every row first (contracts are
    grouped there), then only the first row of each contract with its other columns. Without
    ``with_object`` the objects (the largest column) are left empty: ``objects_of`` reads those of a
    few contracts afterwards.
    """
    problems = problems if problems is not None else []
    found = []  # (row, order, field, reason, record id)
    holder_columns = (
        pl.col("titulaire_id").fill_null("").alias("_raw_holder"),  # (a blank id is reported, not skipped)
        _stripped("titulaire_id").str.replace_all(r"\s", "").alias("siret"),
        _stripped("titulaire_typeIdentifiant").alias("type"),
        _stripped("titulaire_nom").alias("name"),
    )
    valid = (pl.col("_uid") != "") & (pl.col("_id") != "")
    # A contract starts at a valid row whose uid differs from the last valid row's (skipped rows
    # do not break a contract): masks and forward fills, no group-by over 1.6 M groups.
    last_uid = pl.when(valid).then(pl.col("_uid")).shift(1).forward_fill()
    starts = valid & (last_uid.is_null() | (pl.col("_uid") != last_uid))
    base = (
        _rows(source)
        .select("row", "_uid", "_id", *holder_columns)
        .with_columns(starts.alias("_start"), valid.alias("_valid"))
        .with_columns(
            pl.when("_start").then(pl.col("row")).forward_fill().alias("_index"),
            pl.when("_start").then(pl.col("_id")).forward_fill().alias("_first_id"),
        )
    )
    skipped, holders, first_rows = _collect(
        source,
        [
            base.filter(~pl.col("_valid")).select("row", "_uid", "_id"),
            base.filter(pl.col("_valid") & (pl.col("_raw_holder") != "")).select(
                "row", "_index", pl.col("_first_id").alias("_id"), "siret", "type", "name"
            ),
            base.filter(pl.col("_start")).select("row"),
        ],
    )
    for row, uid, record_id in skipped.iter_rows():
        found.append((row, -1, "uid" if not uid else "id", "identifiant manquant : ligne ignorée", record_id))
    parties = _parties(holders, found)
    del holders
    text = (
        "acheteur_id",
        "acheteur_nom",
        "nature",
        *(("objet",) if with_object else ()),
        "procedure",
        "lieuExecution_code",
        "lieuExecution_typeCode",
    )
    parsed_columns = [column for _target, column, _parse, _dtype in PARSERS]
    query = (
        _rows(source)
        .join(first_rows.lazy(), on="row", how="semi")
        .select(
            "row",
            "_id",
            "_uid",
            *(_stripped(column) for column in text),
            *(pl.col(column).fill_null("") for column in parsed_columns),
            pl.when(pl.col("type").fill_null("").str.to_lowercase().str.starts_with("concession"))
            .then(pl.lit("concession"))
            .otherwise(pl.lit("marche"))
            .alias("kind"),
        )
    )
    streamed = _collect(source, query, streaming=True)
    del first_rows
    # The streamed frame comes in chunks: each column is made contiguous then dropped from it, one at a
    # time (a frame rechunked whole, or columns added to it, would hold two copies at once).
    columns = {}
    for name in streamed.columns:
        columns[name] = streamed.get_column(name).rechunk()
        streamed = streamed.drop(name)
    first = pl.DataFrame(columns)
    del streamed, columns
    column = first.get_column
    parsed = {}
    for order, (target, name, parse, dtype) in enumerate(PARSERS):
        values, reasons = _mapped(first, name, parse, dtype)
        parsed[target] = values
        bad = pl.DataFrame([column("row"), column("_id"), reasons.alias("_reasons")]).filter(
            pl.col("_reasons").list.len() > 0
        )
        for row, record_id, texts in bad.iter_rows():
            found.extend((row, order, name, reason, record_id) for reason in texts)
    objects = (
        first.select(_repaired(first, "objet")).to_series()
        if with_object
        else pl.repeat(None, first.height, dtype=pl.String, eager=True)
    )
    contracts = pl.DataFrame(
        {
            "index": column("row"),
            "id": column("_id"),
            "uid": column("_uid"),
            "kind": column("kind"),
            "format_version": pl.repeat("consolidé", first.height, dtype=pl.String, eager=True),
            "buyer_siret": column("acheteur_id"),
            "buyer_name": first.select(_repaired(first, "acheteur_nom")).to_series(),
            "nature": column("nature"),
            "object": objects,
            "cpv": parsed["cpv"],
            "procedure": column("procedure"),
            "place_code": column("lieuExecution_code"),
            "place_type": column("lieuExecution_typeCode"),
            "duration_months": parsed["duration_months"],
            "notification_date": parsed["notification_date"],
            "amount": parsed["amount"],
            "social": parsed["social"],
        }
    ).cast(CONTRACT_SCHEMA)
    del first, parsed
    _report(found, problems)
    return Contracts(contracts, parties)


def objects_of(source, rows):
    """{row: object text, repaired} of the contracts starting at these data rows."""
    wanted = pl.DataFrame({"row": list(rows)}, schema={"row": pl.Int64}).lazy()
    query = _rows(source).join(wanted, on="row", how="semi").select("row", _stripped("objet"))
    found = _collect(source, query, streaming=True)
    return {row: repair.repair_text(text).text for row, text in found.iter_rows()}


def _parties(holders, found):
    """Holders of every contract: rows with a ``titulaire_id``, each holder once per contract."""
    is_siret = pl.col("type").str.to_uppercase() == "SIRET"
    well_formed = pl.col("siret").str.contains(r"^\d{14}$")
    for row, record_id, holder_id in (
        holders.filter((pl.col("siret") == "") | (is_siret & ~well_formed))
        .select("row", "_id", "siret")
        .iter_rows()
    ):
        reason = (
            "identifiant du titulaire manquant"
            if not holder_id
            else f"SIRET du titulaire mal formé ({holder_id} : 14 chiffres attendus)"
        )
        found.append((row, -2, "titulaire_id", reason, record_id))
    # Rows of one contract are consecutive: only contracts of several rows can repeat a holder.
    index = pl.col("_index")
    several = ((index == index.shift(1)) | (index == index.shift(-1))).fill_null(False)
    repeated = holders.filter(several & is_siret & well_formed).select(
        "row", "_index", "siret", "type", "name"
    )
    again = repeated.filter(~pl.struct("_index", "siret", "type", "name").is_first_distinct())
    keep = is_siret & well_formed
    if again.height:
        keep = keep & ~pl.col("row").is_in(again.get_column("row").implode())
    kept = _where(holders.select("_index", "siret", "name"), holders.select(keep).to_series())
    kept = kept.with_columns(_repaired(kept, "name"))
    return kept.select(
        pl.col("_index").alias("index"), "siret", "name", pl.lit("titulaire").alias("role")
    ).cast(PARTY_SCHEMA)


def _where(frame, mask):
    """``frame.filter(mask)``, without the copy when every row is kept (the usual case)."""
    return frame if mask.all() else frame.filter(mask)


def _report(found, problems):
    """Append the problems in file order (row, then the record path's field order)."""
    found.sort(key=lambda item: (item[0], item[1]))
    for row, _order, field, reason, record_id in found:
        problems.append(DecpProblem(row, field, reason, record_id))


__all__ = ["CONTRACT_SCHEMA", "PARTY_SCHEMA", "Contracts", "frame_from_consolidated", "frame_from_records"]
