"""National retrospective of past contracts: what the scanner would have proposed, who did what.

Each past contract is screened as a lot by the plan scanner (``dentelle.purchases.screening.screen_lot``,
the same rules as for plans) with the thresholds in force at its notification date: its CPV code, its
execution nature (works, supplies or services, from the CPV), its amount and duration, its place's
department (able structures counted there by the matching engine, as for a plan), the buyer's EU
threshold category, and what it already had (« Clause sociale », « Critère social », « Marché réservé »).

The scanner is called once per distinct combination of what it reads (``screening_key``): the trade
family (not the code itself: the code only chooses the family and the able count), the nature, the
amount, the duration, the thresholds regime of the date, the buyer's threshold category, what the
contract already had and the able counts. ``scan_per_record`` screens every contract on its own; the
tests prove both give the same hours and reservations on the shared 2019 files. The figures drawn from
the screened contracts: retro_figures.py.
"""

from dataclasses import dataclass
from datetime import date

import polars as pl

from dentelle.decp.analysis import department_of_place
from dentelle.decp.buyers import buyer_category, threshold_category
from dentelle.purchases.enums import Nature
from dentelle.purchases.screening import LotFacts, screen_lot
from dentelle.purchases.supply import SupplyRequest
from dentelle.rules.lookups import family_for_cpv
from dentelle.rules.thresholds import _in_force, thresholds_at

CLAUSE = "Clause sociale"
CRITERION = "Critère social"
RESERVED = "Marché réservé"
SCAN_SCHEMA = {"index": pl.Int64, "hours": pl.Int64, "reservation": pl.Boolean}


def cpv_nature(cpv):
    """``Nature.of_cpv`` as plain text (polars columns), services when the code has no division."""
    return str(Nature.of_cpv(cpv) or Nature.SERVICES)


@dataclass(frozen=True)
class Context:
    """What the screening needs besides the contract: rules, able counts, today's date."""

    rules: object
    supply: object = None  # ``purchases.supply.make_supply()`` or anything with prepare()/count()
    today: date | None = None


def _regime(when, rules):
    """The thresholds regime in force at a date: the rows that apply, and whether the 2026 obligation does."""

    if when is None:
        return None
    tables = (rules.eu_thresholds, rules.dispenses, rules.small_lots, rules.reservation_shares)
    rows = tuple(tuple(i for i, row in enumerate(table) if _in_force(row, when)) for table in tables)
    return rows, thresholds_at(when, rules).obligation_applies(when)


def _request(cpv, department, nature, reservation_kind):
    return SupplyRequest(cpv, (department,), "department", department, nature, reservation_kind)


def _wants_supply(family, reservation_kind, department):
    # R3 is the only rule reading the able counts; it asks for a fit family and no reservation yet.
    return family is not None and family.fit_for_siae and not reservation_kind and bool(department)


def contract_facts(row, family, supply_counts, context):
    """The scanner's ``LotFacts`` of one contract (a dict of the contract frame's columns + department)."""

    social = row["social"] or ()
    department = row["department"]
    siae, capacity, disability = supply_counts if supply_counts else (None, None, None)
    return LotFacts(
        key=str(row["index"]),
        title="",  # R4 (allotment) needs several departments: never for one past contract
        cpv=row["cpv"],
        nature=cpv_nature(row["cpv"]),
        amount=row["amount"],
        duration_months=row["duration_months"],
        launch_date=row["notification_date"],
        buyer_category=threshold_category(row["category"]),
        department_codes=(department,) if department else (),
        place_kind="department" if department else "",
        has_employment_condition=CLAUSE in social,
        reservation_kind="siae" if RESERVED in social else "",
        social_award_criterion=CRITERION in social,
        able_structures=siae,
        able_capacity=capacity,
        disability_structures=disability,
    )


def _outcome(facts, context):
    """(potential hours, reservation proposed) of one lot: the plan report's reading of the findings."""

    findings = screen_lot(facts, context.rules, context.today or date.today())
    hours = [f.estimated_hours for f in findings if f.estimated_hours]
    return (max(hours) if hours else 0), any(f.rule_id == "R3-reservation" for f in findings)


def _supply_counts(context, request):
    found = context.supply.count(request)
    return found.siae, found.capacity, found.disability


def _looked_up(contracts, keys, name, compute):
    """Column ``name`` of the contracts: ``compute(*key)`` once per distinct key, in the contracts' order."""
    narrow = contracts.select(keys)
    distinct = narrow.unique()
    values = [compute(*key) for key in distinct.iter_rows()]
    table = distinct.with_columns(pl.Series(name, values, dtype=pl.String))
    return narrow.join(table, on=keys, how="left", nulls_equal=True, maintain_order="left")[name]


def with_places(contracts):
    """The contracts with ``department`` (of the place of execution) and the buyer's ``category``.

    (Narrow joins then new columns: the wide frame of 1.6 M contracts is never copied.)"""
    return contracts.with_columns(
        _looked_up(contracts, ["place_type", "place_code"], "department", department_of_place),
        _looked_up(contracts, ["buyer_siret", "buyer_name"], "category", buyer_category),
    )


def scan_per_record(contracts, context):
    """Reference path: every market screened on its own (``contracts`` from ``with_places``)."""

    markets = contracts.filter(pl.col("kind") == "marche")
    out = {"index": [], "hours": [], "reservation": []}
    for row in markets.iter_rows(named=True):
        family = family_for_cpv(row["cpv"], context.rules) if row["cpv"] else None
        reservation_kind = "siae" if RESERVED in (row["social"] or ()) else ""
        counts = None
        nature = cpv_nature(row["cpv"])
        if context.supply is not None and _wants_supply(family, reservation_kind, row["department"]):
            counts = _supply_counts(
                context, _request(row["cpv"], row["department"], nature, reservation_kind)
            )
        hours, reservation = _outcome(contract_facts(row, family, counts, context), context)
        out["index"].append(row["index"])
        out["hours"].append(hours)
        out["reservation"].append(reservation)
    return pl.DataFrame(out, schema=SCAN_SCHEMA)


def scan(contracts, context):
    """Hours and reservation the scanner would have proposed for every market, one call per combination.

    Returns (frame index/hours/reservation, number of scanner calls)."""

    rules = context.rules
    # Lazy from here: only the narrow results below are materialised (1.6 M rows never copied whole).
    markets = (
        contracts.lazy()
        .select(
            "index", "kind", "cpv", "amount", "duration_months", "notification_date", "department",
            "category", "social",
        )
        .filter(pl.col("kind") == "marche")
    )  # fmt: skip
    # Per distinct CPV code: its family (None: no rule but R2 can apply), nature, fitness for R3.
    codes = markets.select("cpv").unique().collect()
    families = [family_for_cpv(code, rules) if code else None for code in codes["cpv"].to_list()]
    codes = codes.with_columns(
        pl.Series("family", [f.id if f else None for f in families], dtype=pl.String),
        pl.Series("nature", [cpv_nature(code) for code in codes["cpv"].to_list()], dtype=pl.String),
        pl.Series("fit", [bool(f and f.fit_for_siae) for f in families], dtype=pl.Boolean),
    )
    # Per distinct date: its thresholds regime, and the first date of that regime in the file.
    days = markets.select("notification_date").unique().sort("notification_date", nulls_last=True).collect()
    regimes, first_day = [], {}
    for day in days["notification_date"].to_list():
        regime = _regime(day, rules)
        regimes.append(first_day.setdefault(regime, day))
    days = days.with_columns(pl.Series("regime_day", regimes, dtype=pl.Date))
    social = pl.col("social").fill_null([])
    markets = (
        markets.join(codes.lazy(), on="cpv", how="left", nulls_equal=True, maintain_order="left")
        .join(days.lazy(), on="notification_date", how="left", nulls_equal=True, maintain_order="left")
        .with_columns(
            social.list.contains(CLAUSE).alias("has_clause"),
            social.list.contains(CRITERION).alias("has_criterion"),
            social.list.contains(RESERVED).alias("reserved"),
            pl.when(pl.col("category") == "etat")
            .then(pl.lit(threshold_category("etat")))
            .otherwise(pl.lit(threshold_category("autre")))
            .alias("threshold_cat"),
        )
        .drop("social", "category", "notification_date", "kind")
    )
    # Able counts, for the contracts R3 could read them for: every distinct request in one batch.
    wants = pl.col("fit") & ~pl.col("reserved") & pl.col("department").is_not_null()
    counted = markets.filter(wants).select("cpv", "department", "nature").unique().collect()
    requests = [_request(cpv, dept, nature, "") for cpv, dept, nature in counted.iter_rows()]
    supply_ids = {}  # distinct (siae, capacity, disability) → its number (the combination key)
    if context.supply is not None and requests:
        context.supply.prepare(requests)
        ids = [supply_ids.setdefault(_supply_counts(context, r), len(supply_ids)) for r in requests]
    else:
        ids = [None] * len(requests)
    counted = counted.with_columns(pl.Series("supply", ids, dtype=pl.Int64))
    supply_of = {number: counts for counts, number in supply_ids.items()}
    markets = markets.join(
        counted.lazy(),
        on=["cpv", "department", "nature"],
        how="left",
        nulls_equal=True,
        maintain_order="left",
    )
    # Nothing can be proposed without a family unless the 2026 obligation applies (R2).
    obligation = {day for regime, day in first_day.items() if regime and regime[1]}
    useful = pl.col("family").is_not_null() | pl.col("regime_day").is_in(list(obligation))
    key = [
        "family", "nature", "amount", "duration_months", "regime_day", "threshold_cat",
        "has_clause", "has_criterion", "reserved", "supply",
    ]  # fmt: skip
    combos = markets.filter(useful).select(*key, "cpv").unique(subset=key, keep="first").collect()
    hours, reservations = [], []
    today = context.today or date.today()  # (once: judged at today's rules when the date is unknown)
    for (
        _family,
        nature,
        amount,
        months,
        day,
        category,
        clause,
        criterion,
        reserved,
        supply,
        cpv,
    ) in combos.iter_rows():
        siae, capacity, disability = (None, None, None) if supply is None else supply_of[supply]
        facts = (
            LotFacts(  # what ``contract_facts`` gives, without the department (only R3 reads it, as counts)
                key="",
                title="",
                cpv=cpv,
                nature=nature,
                amount=amount,
                duration_months=months,
                launch_date=day,
                buyer_category=category,
                has_employment_condition=clause,
                reservation_kind="siae" if reserved else "",
                social_award_criterion=criterion,
                able_structures=siae,
                able_capacity=capacity,
                disability_structures=disability,
            )
        )
        findings = screen_lot(facts, rules, today)
        found = [f.estimated_hours for f in findings if f.estimated_hours]
        hours.append(max(found) if found else 0)
        reservations.append(any(f.rule_id == "R3-reservation" for f in findings))
    combos = combos.drop("cpv").with_columns(
        pl.Series("hours", hours, dtype=pl.Int64), pl.Series("reservation", reservations, dtype=pl.Boolean)
    )
    result = (
        markets.select("index", *key)
        .join(combos.lazy(), on=key, how="left", nulls_equal=True, maintain_order="left")
        .select("index", pl.col("hours").fill_null(0), pl.col("reservation").fill_null(False))
        .collect()
    )
    return result.cast(SCAN_SCHEMA), combos.height
