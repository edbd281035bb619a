# pure: no database
"""Retrospective analysis of a DECP file (pure: records in, figures out).

- v2 (2024 format): share of markets ≥ €40,000 HT with at least one social consideration, against
  the PNAD 2022-2025 target of 30 % (domain §3.8), and which considerations;
- v1 (no social field): share of markets in labour-intensive CPV divisions, where a social clause
  would usually have fitted (the lower bound of the missed opportunity, not a measure of clauses);
- both: counts by CPV division, and holders (or v2 subcontractors) that are known SIAE.
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from dentelle.core.geo import department_of_commune, department_of_postcode

PNAD_TARGET_SHARE = 0.30  # PNAD 2022-2025: 30 % of contracts notified with a social consideration
DECP_V2_THRESHOLD = Decimal("40000")  # DECP publication threshold since 1 Jan 2024 (€ HT)
# CPV divisions where labour weighs most (works, repair, catering, rental with operator, business
# services, health and social work, cleaning and waste, other services): the usual home of clauses.
LABOUR_INTENSIVE_DIVISIONS = ("45", "50", "55", "77", "79", "85", "90", "98")


@dataclass
class DivisionFigures:
    division: str
    markets: int = 0
    over_threshold: int = 0
    amount: Decimal = Decimal(0)
    with_social: int = 0  # v2 only, among markets ≥ threshold


@dataclass
class SiaeHolder:
    siret: str
    name: str  # as published (v1) or from the directory
    siae_name: str
    siae_kind: str
    role: str  # "titulaire" or "sous-traitant"
    markets: int = 0
    amount: Decimal = Decimal(0)


@dataclass
class DecpAnalysis:
    records: int = 0
    markets: int = 0  # kind "marche" kept after the region filter
    concessions: int = 0
    versions: Counter = field(default_factory=Counter)
    outside_region: int = 0
    unknown_place: int = 0
    without_amount: int = 0
    over_threshold: int = 0
    # v2
    v2_over_threshold: int = 0
    with_social: int = 0
    social_values: Counter = field(default_factory=Counter)
    # v1 (and v2): markets ≥ threshold in labour-intensive divisions
    labour_intensive: int = 0
    labour_intensive_all: int = 0  # whatever the amount
    divisions: dict = field(default_factory=dict)
    siae_holders: dict = field(default_factory=dict)
    region: str = ""

    @property
    def social_share(self):
        return self.with_social / self.v2_over_threshold if self.v2_over_threshold else None

    @property
    def gap_to_target(self):
        share = self.social_share
        return None if share is None else share - PNAD_TARGET_SHARE

    @property
    def labour_intensive_share(self):
        return self.labour_intensive / self.over_threshold if self.over_threshold else None

    @property
    def labour_intensive_share_all(self):
        return self.labour_intensive_all / self.markets if self.markets else None

    def as_dict(self):
        def share(value):
            return None if value is None else round(value, 4)

        # English keys (the API's and `dentelle decp analyse --json`'s); the values of
        # "social_values" are the DECP's own (considerationsSociales).
        return {
            "records": self.records,
            "region": self.region or None,
            "contracts": self.markets,
            "concessions": self.concessions,
            "versions": dict(self.versions),
            "outside_region": self.outside_region,
            "unknown_place": self.unknown_place,
            "without_amount": self.without_amount,
            "threshold_eur": int(DECP_V2_THRESHOLD),
            "contracts_over_threshold": self.over_threshold,
            "v2": {
                "contracts_over_threshold": self.v2_over_threshold,
                "with_social_consideration": self.with_social,
                "share": share(self.social_share),
                "pnad_target": PNAD_TARGET_SHARE,
                "gap_to_target": share(self.gap_to_target),
                "social_values": dict(self.social_values),
            },
            "labour_intensive_divisions": list(LABOUR_INTENSIVE_DIVISIONS),
            "labour_intensive_over_threshold": self.labour_intensive,
            "labour_intensive_share_over_threshold": share(self.labour_intensive_share),
            "labour_intensive_all_amounts": self.labour_intensive_all,
            "labour_intensive_share_all_amounts": share(self.labour_intensive_share_all),
            "cpv_divisions": [
                {
                    "division": d.division,
                    "contracts": d.markets,
                    "over_threshold": d.over_threshold,
                    "amount": money(d.amount),
                    "with_social_consideration": d.with_social,
                }
                for d in self.sorted_divisions()
            ],
            "siae_holders": [
                {
                    "siret": h.siret,
                    "published_name": h.name,
                    "siae": h.siae_name,
                    "type": h.siae_kind,
                    "role": h.role,
                    "contracts": h.markets,
                    "amount": money(h.amount),
                }
                for h in self.sorted_siae_holders()
            ],
        }

    def sorted_divisions(self):
        return sorted(self.divisions.values(), key=lambda d: (-d.markets, d.division))

    def sorted_siae_holders(self):
        return sorted(self.siae_holders.values(), key=lambda h: (-h.markets, h.siret))


def money(value):
    """An amount as text, to the cent (the same text whatever path summed it)."""
    return str(Decimal(value).quantize(Decimal("0.01")))


def department_of_place(place_type, place_code):
    """Department code of a DECP place of performance, or None (region, country, garbage).

    Publishers often mislabel the code type (a department « 91 » typed « Code postal », a postcode
    typed « Code département »), so the shape of the code decides when the type does not fit it.
    """
    kind = (place_type or "").lower()
    code = (place_code or "").strip().upper()
    if "pays" in kind or "région" in kind or "region" in kind:
        return None
    if code.isdigit() and len(code) == 1:
        code = code.zfill(2)
    if code.isdigit() and len(code) == 3 and code.startswith("0"):
        code = code[1:]  # « 078 »
    try:
        if len(code) == 5:
            is_commune = "commune" in kind or "arrondissement" in kind or "canton" in kind
            if is_commune or not code.isdigit():
                code = department_of_commune(code)
            else:
                code = department_of_postcode(code)
    except ValueError:
        return None
    return code if _is_department(code) else None


def _is_department(code):
    if code in ("2A", "2B"):
        return True
    if not code.isdigit():
        return False
    if len(code) == 2:
        return "01" <= code <= "95" and code != "20"
    return len(code) == 3 and code[:2] in ("97", "98")


def region_of_place(place_type, place_code, department_region):
    kind = (place_type or "").lower()
    if "région" in kind or "region" in kind:
        code = (place_code or "").strip()
        return code if code in set(department_region.values()) else None
    department = department_of_place(place_type, place_code)
    return department_region.get(department) if department else None


def analyse(records, *, region=None, department_region=None, siae_by_siret=None, siae_by_siren=None):
    """Figures of an iterable of ``DecpRecord``.

    ``region``: keep only records performed in this region (needs ``department_region``, a mapping
    department code → region code). ``siae_by_siret`` / ``siae_by_siren``: known SIAE as
    ``{siret: (name, kind)}`` and ``{siren: (name, kind)}``.
    """
    result = DecpAnalysis(region=region or "")
    siae_by_siret = siae_by_siret or {}
    siae_by_siren = siae_by_siren or {}
    for record in records:
        result.records += 1
        if region:
            place_region = region_of_place(record.place_type, record.place_code, department_region or {})
            if place_region is None:
                result.unknown_place += 1
                continue
            if place_region != region:
                result.outside_region += 1
                continue
        result.versions[record.format_version] += 1
        if record.kind != "marche":
            result.concessions += 1
            continue
        _count_market(result, record)
        _count_siae(result, record, siae_by_siret, siae_by_siren)
    return result


def _count_market(result, record):
    result.markets += 1
    over = record.amount is not None and record.amount >= DECP_V2_THRESHOLD
    if record.amount is None:
        result.without_amount += 1
    division = record.cpv_division or "??"
    figures = result.divisions.setdefault(division, DivisionFigures(division))
    figures.markets += 1
    figures.amount += record.amount or 0
    labour = division in LABOUR_INTENSIVE_DIVISIONS
    result.labour_intensive_all += labour
    if not over:
        return
    result.over_threshold += 1
    figures.over_threshold += 1
    result.labour_intensive += labour
    if record.format_version in ("2", "consolidé") and record.social_considerations:
        result.v2_over_threshold += 1
        if record.has_social_consideration:
            result.with_social += 1
            figures.with_social += 1
        result.social_values.update(record.social_considerations)


def _count_siae(result, record, siae_by_siret, siae_by_siren):
    parties = [(h.id, h.name, "titulaire") for h in record.holders if h.siret]
    parties += [(a.subcontractor_id, "", "sous-traitant") for a in record.subcontracting_acts if a.siret]
    counted = set()
    for siret, name, role in parties:
        known = siae_by_siret.get(siret) or siae_by_siren.get(siret[:9])
        if not known or (siret, role) in counted:
            continue
        counted.add((siret, role))
        holder = result.siae_holders.setdefault(
            (siret, role), SiaeHolder(siret, name, known[0], known[1], role)
        )
        holder.markets += 1
        holder.amount += record.amount or 0


# ---------------------------------------------------------------- the same figures, in columns


def place_regions(contracts, department_region):
    """Region code (or None) of every contract's place, resolved once per distinct (type, code)."""
    # lazy: polars costs 0.6 s of imports; only a DECP analysis needs it
    import polars as pl

    keys = contracts.select("place_type", "place_code")
    places = keys.unique()
    regions = [region_of_place(kind, code, department_region) for kind, code in places.iter_rows()]
    table = places.with_columns(pl.Series("_region", regions, dtype=pl.String))
    joined = keys.join(
        table, on=["place_type", "place_code"], how="left", nulls_equal=True, maintain_order="left"
    )
    return joined["_region"]


def analyse_frame(frame, *, region=None, department_region=None, siae_by_siret=None, siae_by_siren=None):
    """``analyse`` of a ``frame.Contracts``: the same ``DecpAnalysis``, computed in columns."""
    # lazy: polars costs 0.6 s of imports; only a DECP analysis needs it
    import polars as pl

    contracts, parties = frame.contracts, frame.parties
    result = DecpAnalysis(region=region or "", records=contracts.height)
    if region:
        regions = place_regions(contracts, department_region or {})  # (in the contracts' order)
        result.unknown_place = regions.null_count()
        result.outside_region = int(((regions != region) & regions.is_not_null()).sum())
        contracts = contracts.filter(regions == region)
    for version, count in contracts.group_by("format_version").len().iter_rows():
        result.versions[version] = count
    used = contracts.select("index", "kind", "format_version", "amount", "cpv", "social")
    markets = used.filter(pl.col("kind") == "marche")  # (the narrow columns only: no copy of the texts)
    result.concessions = contracts.height - markets.height
    result.markets = markets.height
    over = pl.col("amount").is_not_null() & (pl.col("amount") >= DECP_V2_THRESHOLD)
    social_counted = (
        over & pl.col("format_version").is_in(["2", "consolidé"]) & (pl.col("social").list.len() > 0)
    )
    has_social = pl.col("social").list.eval(pl.element() != "Pas de considération sociale").list.any()
    markets = markets.with_columns(
        pl.when(pl.col("cpv").str.len_chars() >= 2)
        .then(pl.col("cpv").str.slice(0, 2))
        .otherwise(pl.lit("??"))
        .alias("_division"),
        over.alias("_over"),
        social_counted.alias("_v2"),
        (social_counted & has_social).alias("_with_social"),
    ).with_columns(pl.col("_division").is_in(LABOUR_INTENSIVE_DIVISIONS).alias("_labour"))
    totals = markets.select(
        pl.col("amount").is_null().sum().alias("without"),
        pl.col("_over").sum().alias("over"),
        pl.col("_labour").sum().alias("labour_all"),
        (pl.col("_labour") & pl.col("_over")).sum().alias("labour"),
        pl.col("_v2").sum().alias("v2"),
        pl.col("_with_social").sum().alias("with_social"),
    ).row(0, named=True)
    result.without_amount = int(totals["without"] or 0)
    result.over_threshold = int(totals["over"] or 0)
    result.labour_intensive_all = int(totals["labour_all"] or 0)
    result.labour_intensive = int(totals["labour"] or 0)
    result.v2_over_threshold = int(totals["v2"] or 0)
    result.with_social = int(totals["with_social"] or 0)
    values = markets.filter(pl.col("_v2")).select(pl.col("social").explode()).get_column("social")
    for value, count in values.value_counts().iter_rows():
        result.social_values[value] = count
    divisions = markets.group_by("_division").agg(
        pl.len().alias("markets"),
        pl.col("_over").sum().alias("over"),
        pl.col("amount").fill_null(0).sum().alias("amount"),
        pl.col("_with_social").sum().alias("with_social"),
    )
    for division, count, over_count, amount, with_social in divisions.iter_rows():
        result.divisions[division] = DivisionFigures(
            division, count, int(over_count), Decimal(amount or 0), int(with_social)
        )
    _siae_frame(result, markets.select("index", "amount"), parties, siae_by_siret or {}, siae_by_siren or {})
    return result


def _siae_frame(result, markets, parties, siae_by_siret, siae_by_siren):
    # lazy: polars costs 0.6 s of imports; only a DECP analysis needs it
    import polars as pl

    if parties.is_empty() or not (siae_by_siret or siae_by_siren):
        return
    sirets = parties.get_column("siret").unique().to_list()
    known = {s: siae_by_siret.get(s) or siae_by_siren.get(s[:9]) for s in sirets}
    known = {s: k for s, k in known.items() if k}
    if not known:
        return
    kept = parties.filter(pl.col("siret").is_in(list(known))).join(markets, on="index", how="inner")
    kept = kept.sort("index", maintain_order=True)
    per_contract = kept.unique(subset=["index", "siret", "role"], keep="first", maintain_order=True)
    grouped = per_contract.group_by(["siret", "role"], maintain_order=True).agg(
        pl.col("name").first(), pl.len().alias("markets"), pl.col("amount").fill_null(0).sum().alias("amount")
    )
    for siret, role, name, count, amount in grouped.iter_rows():
        name_kind = known[siret]
        holder = SiaeHolder(siret, name, name_kind[0], name_kind[1], role, count, Decimal(amount or 0))
        result.siae_holders[(siret, role)] = holder
