"""Glue between the pure DECP modules and the database: territories, known SIAE, file analysis."""

import csv
import time
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.conf import settings

from dentelle.core.logs import log_scan
from dentelle.decp import retro, retro_figures
from dentelle.decp.analysis import analyse_frame, place_regions
from dentelle.decp.consolidated import ConsolidatedFileError
from dentelle.decp.frame import Contracts, frame_from_consolidated, frame_from_records, objects_of
from dentelle.decp.readers import DecpFileError, ProblemLog, detect_format, iter_decp
from dentelle.purchases.supply import make_supply
from dentelle.referentials.models import Department
from dentelle.rules.loader import default_rules
from dentelle.siaes.models import Siae


def department_region_mapping():
    """Department code → region code, from the referentials, else from the shared geo file."""

    mapping = dict(Department.objects.values_list("code", "region_id"))
    if mapping:
        return mapping
    path = Path(settings.DENTELLE_DATA_DIR) / "geo" / "departements.csv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["code_departement"]: row["code_region"] for row in csv.DictReader(handle)}


def known_siae():
    """({siret: (name, kind)}, {siren: (name, kind)}) of the directory's structures."""

    by_siret, by_siren = {}, {}
    for siret, siren, name, kind in Siae.objects.values_list("siret", "siren", "name", "kind"):
        by_siret[siret] = (name, kind)
        if siren:
            by_siren.setdefault(siren, (name, kind))
    return by_siret, by_siren


def read_contracts(source, problems, with_object=True):
    """(format, ``frame.Contracts``) of a DECP file; the consolidated file is read in columns."""
    fmt = detect_format(source)
    if fmt != "consolidated":
        return fmt, frame_from_records(iter_decp(source, problems))
    try:
        return fmt, frame_from_consolidated(source, problems, with_object=with_object)
    except ConsolidatedFileError as exc:
        raise DecpFileError(str(exc)) from None


def analyse_file(source, *, region=None, problem_limit=200):
    """Read and analyse a DECP file (path or binary file object).

    Returns (format, ``DecpAnalysis``, ``ProblemLog``); raises ``DecpFileError`` on a malformed file.
    """
    problems = ProblemLog(limit=problem_limit)
    fmt, frame = read_contracts(source, problems, with_object=False)
    return fmt, _analysis(frame, region), problems


def _analysis(frame, region):
    by_siret, by_siren = known_siae()
    return analyse_frame(
        frame,
        region=region,
        department_region=department_region_mapping() if region else None,
        siae_by_siret=by_siret,
        siae_by_siren=by_siren,
    )


@dataclass
class Retrospective:
    """Everything `dentelle decp analyse` reports (and writes to the XLSX)."""

    fmt: str
    analysis: object  # DecpAnalysis
    problems: ProblemLog
    table: object  # one row per market (retro_figures.contract_table)
    buyers: object
    categories: object
    departments: object
    years: object
    scanner_calls: int
    card: object = None  # retro_figures.PeerCard of --buyer
    top: object = None  # its ten contracts to look at first
    seconds: dict = field(default_factory=dict)


def retrospective_file(source, *, region=None, buyer=None, problem_limit=200, supply=None, rules=None):
    """Read, screen and aggregate a DECP file: the national retrospective (CLI and benchmark).

    ``region``: only the contracts performed there; ``buyer`` (SIRET): its peer card and the ten
    contracts to look at first. ``supply``: the able counts (default: the matching engine)."""

    seconds, started = {}, time.perf_counter()
    problems = ProblemLog(limit=problem_limit)
    fmt, frame = read_contracts(source, problems, with_object=False)
    seconds["lecture"] = time.perf_counter() - started
    analysis = _analysis(frame, region)
    contracts = retro.with_places(frame.contracts)
    if region:
        contracts = contracts.filter(place_regions(contracts, department_region_mapping()) == region)
    seconds["agrégats DECP"] = time.perf_counter() - started - sum(seconds.values())
    context = retro.Context(rules or default_rules(), supply if supply is not None else make_supply())
    scanned, calls = retro.scan(contracts, context)
    seconds["scanner"] = time.perf_counter() - started - sum(seconds.values())
    proposals = scanned.filter((pl.col("hours").fill_null(0) > 0) | pl.col("reservation").fill_null(False))
    log_scan("decp", scanned.height, proposals.height, seconds["scanner"], format=fmt, scanner_calls=calls)
    by_siret, by_siren = known_siae()
    table = retro_figures.contract_table(Contracts(contracts, frame.parties), scanned, by_siret, by_siren)
    buyers = retro_figures.by_buyer(table)
    result = Retrospective(
        fmt,
        analysis,
        problems,
        table,
        buyers,
        retro_figures.by_category(table),
        retro_figures.by_department(table),
        retro_figures.by_year(table),
        calls,
    )
    if buyer:
        result.card = retro_figures.peer_card(buyers, buyer)
        top = retro_figures.top_contracts(table, buyer)
        if fmt == "consolidated" and top.height:
            objects = objects_of(source, top.get_column("index").to_list())
            top = top.with_columns(pl.col("index").replace_strict(objects, default="").alias("object"))
        result.top = top
    seconds["agrégats nationaux"] = time.perf_counter() - started - sum(seconds.values())
    result.seconds = seconds
    return result
