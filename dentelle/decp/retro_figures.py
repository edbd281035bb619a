"""Figures of the national retrospective (retro.py screens the past contracts): one row per market with
the scanner's hours and reservation and whether a structure of the directory won it; totals per buyer,
buyer category, department and year; a buyer's peer card against its category and size band; the
contracts an officer would look at first.
"""

from dataclasses import dataclass

import polars as pl

from dentelle.decp.analysis import LABOUR_INTENSIVE_DIVISIONS
from dentelle.decp.buyers import CATEGORIES, size_band
from dentelle.decp.records import NO_SOCIAL


def siae_contracts(parties, siae_by_siret, siae_by_siren):
    """Indexes of the contracts with at least one party known in the directory (SIRET, then SIREN)."""
    if parties.is_empty():
        return pl.Series("index", [], dtype=pl.Int64)
    sirets = parties.get_column("siret").unique().to_list()
    known = [s for s in sirets if s in siae_by_siret or s[:9] in siae_by_siren]
    return parties.filter(pl.col("siret").is_in(known)).get_column("index").unique()


TABLE_COLUMNS = (
    "index", "id", "buyer_siret", "buyer_name", "category", "department", "notification_date",
    "cpv", "amount", "object", "social",
)  # fmt: skip


def contract_table(frame, scanned, siae_by_siret=None, siae_by_siren=None):
    """One row per market: buyer, category, department, year, amount, social, hours, reservation, SIAE.

    ``scanned`` comes from ``scan`` on the same contracts (same markets, same order)."""
    contracts = frame.contracts.select(*TABLE_COLUMNS, "kind")
    markets = (
        contracts if (contracts["kind"] == "marche").all() else contracts.filter(pl.col("kind") == "marche")
    )
    if not markets["index"].equals(scanned["index"]):  # (the screening is joined by position)
        scanned = markets.select("index").join(scanned, on="index", how="left", maintain_order="left")
    won = siae_contracts(frame.parties, siae_by_siret or {}, siae_by_siren or {})
    social = pl.col("social").fill_null([])
    return markets.drop("kind").with_columns(
        pl.col("notification_date").dt.year().alias("year"),
        (social.list.len() > 0).alias("social_known"),
        social.list.eval(pl.element() != NO_SOCIAL).list.any().fill_null(False).alias("with_social"),
        pl.col("index").is_in(won.implode()).alias("siae_won"),
        scanned["hours"].fill_null(0).alias("hours"),
        scanned["reservation"].fill_null(False).alias("reservation"),
    )


def _figures(grouped):
    return grouped.agg(
        pl.len().alias("contracts"),
        pl.col("amount").fill_null(0).sum().alias("amount"),
        pl.col("social_known").sum().alias("social_known"),
        pl.col("with_social").sum().alias("with_social"),
        pl.col("hours").sum().alias("hours"),
        pl.col("hours").filter(~pl.col("with_social")).sum().alias("missed_hours"),
        pl.col("reservation").sum().alias("reservations"),
        pl.col("siae_won").sum().alias("siae_won"),
    ).with_columns(
        pl.when(pl.col("social_known") > 0)
        .then(pl.col("with_social") / pl.col("social_known"))
        .otherwise(None)
        .alias("social_share")
    )


def by_buyer(table):
    buyers = _figures(table.group_by("buyer_siret")).join(
        table.group_by("buyer_siret").agg(pl.col("buyer_name").first(), pl.col("category").first()),
        on="buyer_siret",
    )
    return buyers.with_columns(
        pl.col("contracts").map_elements(size_band, return_dtype=pl.String).alias("size")
    ).sort(["contracts", "buyer_siret"], descending=[True, False])


def by_category(table):
    return _figures(table.group_by("category")).sort("contracts", descending=True)


def by_department(table):
    return _figures(table.group_by("department")).sort("missed_hours", descending=True, nulls_last=True)


def by_year(table):
    return _figures(table.group_by("year")).sort("year", nulls_last=True)


def category_label(code):
    return CATEGORIES.get(code, code or "—")


PEER_MEASURES = (
    ("contracts", "Marchés", True),
    ("amount", "Montant total (€ HT)", True),
    ("social_share", "Part avec considération sociale", True),
    ("hours", "Heures d'insertion proposées par le scanner", True),
    ("missed_hours", "dont sur des marchés sans considération sociale", True),
    ("reservations", "Réservations proposées", True),
    ("siae_won", "Marchés remportés par des structures de l'annuaire", True),
)


@dataclass
class PeerCard:
    siret: str
    name: str
    category: str
    size: str
    peers: int  # buyers of the same category (the buyer included)
    same_size: int  # of which of the same size band
    rows: list  # (label, value, rank in category, rank in category and size, category median)


def peer_card(buyers, siret):
    """A buyer's figures against the buyers of its category (and of its size band), with ranks.

    Rank 1 = the largest value; a share unknown for the buyer has no rank. None when the buyer is absent."""
    mine = buyers.filter(pl.col("buyer_siret") == siret)
    if mine.is_empty():
        return None
    me = mine.row(0, named=True)
    peers = buyers.filter(pl.col("category") == me["category"])
    same_size = peers.filter(pl.col("size") == me["size"])
    rows = []
    for column, label, _larger_first in PEER_MEASURES:
        value = me[column]
        rows.append(
            (
                label,
                value,
                _rank(peers, column, value),
                _rank(same_size, column, value),
                peers.get_column(column).median(),
            )
        )
    return PeerCard(siret, me["buyer_name"], me["category"], me["size"], peers.height, same_size.height, rows)


def _rank(frame, column, value):
    if value is None:
        return None
    values = frame.get_column(column).drop_nulls()
    return int((values > value).sum()) + 1


def top_contracts(table, siret, count=10):
    """The past contracts of a buyer an officer would look at first.

    First those the scanner would have proposed something for, without a social consideration already:
    most hours, then a reservation; then, to fill the list, its contracts in the labour-intensive CPV
    divisions (where a clause usually fits, though the scanner proposed nothing: under the dispense
    threshold, trade not calibrated…), largest amount first."""
    proposed = (pl.col("hours") > 0) | pl.col("reservation")
    labour = pl.col("cpv").str.slice(0, 2).is_in(LABOUR_INTENSIVE_DIVISIONS)
    return (
        table.filter(pl.col("buyer_siret") == siret)
        .with_columns(proposed.alias("proposed"), labour.fill_null(False).alias("labour_intensive"))
        .sort(
            ["proposed", "with_social", "hours", "reservation", "labour_intensive", "amount", "index"],
            descending=[True, False, True, True, True, True, False],
            nulls_last=True,
        )
        .head(count)
    )
