"""Contracts won by directory structures, from a DECP file (`dentelle decp contracts-won FILE`, also
reachable as `dentelle siaes contracts-won`).

Each holder of a contract (« titulaire ») is looked up in the directory by its SIRET, then by its SIREN
when the SIRET is unknown (another establishment of the same company; only when the SIREN names one
structure of the directory: otherwise the holder is reported, not guessed). A match becomes a
``siaes.WonContract`` of that structure: the evidence the matching engine reads as a competence of
origin « marché remporté » (``dentelle.matching.index``). Its ``decp_id`` is the contract's ``uid``
(else its ``id``), the identifiers the matching evaluation leaves out when it evaluates that contract.

Re-running on the same file changes nothing; a contract already recorded is updated when its fields
changed. Every DECP format is read (v1/v2 JSON, v1 CSV, consolidated CSV or Parquet).
"""

from collections import Counter
from decimal import Decimal
from pathlib import Path

import polars as pl

from dentelle.decp.analysis import department_of_place
from dentelle.decp.frame import objects_of
from dentelle.decp.readers import DecpFileError, ProblemLog
from dentelle.decp.services import read_contracts
from dentelle.siaes.models import Siae, WonContract

FIELDS = ("buyer_name", "buyer_siret", "object", "cpv_code", "amount", "date", "source")
MAX_AMOUNT = Decimal("999999999999.99")  # WonContract.amount: max_digits=14, decimal_places=2


def directory_keys():
    """({siret: siae id}, {siren: [(siae id, department)]}) of the directory."""

    by_siret, by_siren = {}, {}
    for pk, siret, siren, department in Siae.objects.values_list("pk", "siret", "siren", "department_code"):
        if siret:
            by_siret[siret] = pk
        key = siren or (siret or "")[:9]
        if key:
            by_siren.setdefault(key, []).append((pk, department))
    return by_siret, by_siren


def match_holders(parties, by_siret, by_siren, report, departments=None):
    """[(contract index, siae id, how)] for the holders found in the directory.

    A SIREN shared by several structures is settled by the contract's department (``departments``:
    contract index → department of its place) when exactly one of them is there; else reported."""
    matches, seen, ambiguous = [], set(), Counter()
    departments = departments or {}
    known = pl.col("siret").is_in(list(by_siret)) | pl.col("siret").str.slice(0, 9).is_in(list(by_siren))
    holders = parties.filter((pl.col("role") == "titulaire") & known)  # (the directory's few, not 1.6 M)
    for index, siret in holders.select("index", "siret").iter_rows():
        if siret in by_siret:
            found, how = [by_siret[siret]], "SIRET"
        else:
            candidates = by_siren.get(siret[:9], [])
            how = "SIREN"
            if len(candidates) > 1:
                here = [c for c in candidates if c[1] and c[1] == departments.get(index)]
                if len(here) != 1:
                    ambiguous[siret[:9]] += 1
                    continue
                candidates, how = here, "SIREN et département du marché"
            found = [pk for pk, _department in candidates]
        for pk in found:
            if (index, pk) not in seen:
                seen.add((index, pk))
                matches.append((index, pk, how))
    for siren, count in sorted(ambiguous.items()):
        report.warning(
            None,
            "titulaire",
            f"SIREN {siren} partagé par plusieurs structures de l'annuaire : {count} marché(s) non rattaché(s) "
            "(SIRET de l'établissement inconnu de l'annuaire)",
        )
    return matches


class _Departments:
    """Department of a contract's place, computed only for the contracts asked about."""

    def __init__(self, contracts):
        self.contracts = contracts

    def get(self, index):
        row = self.contracts.filter(pl.col("index") == index).select("place_type", "place_code")
        return department_of_place(*row.row(0)) if row.height else None


def record_won_contracts(report, path):
    """The importer (``core.importing.run_import``): DECP file in, ``WonContract`` rows written."""

    path = Path(path)
    report.source = f"Marchés remportés : {path.name}"
    problems = ProblemLog(limit=20)
    try:
        fmt, frame = read_contracts(path, problems, with_object=False)
    except DecpFileError as exc:
        report.error(None, "", str(exc))
        return
    report.count("contrats lus", frame.contracts.height)
    if problems.total:
        report.warning(
            None, "", f"{problems.total} anomalie(s) de lecture DECP (dentelle decp analyse les liste)"
        )
    by_siret, by_siren = directory_keys()
    matches = match_holders(frame.parties, by_siret, by_siren, report, _Departments(frame.contracts))
    for how, count in Counter(how for _index, _pk, how in matches).items():
        report.count(f"titulaires reconnus par {how}", count)
    if not matches:
        report.count("modifications", 0)
        return
    indexes = sorted({index for index, _pk, _how in matches})
    contracts = {
        row["index"]: row
        for row in frame.contracts.filter(pl.col("index").is_in(indexes)).iter_rows(named=True)
    }
    if fmt == "consolidated":
        objects = objects_of(path, indexes)
        for index, row in contracts.items():
            row["object"] = objects.get(index, "")
    source = f"DECP {path.name}"[:100]
    wanted = {}
    for index, pk, _how in matches:
        row = contracts[index]
        decp_id = (row["uid"] or row["id"])[:80]
        if not decp_id:
            report.warning(row["index"], "id", "marché sans identifiant : non enregistré")
            continue
        amount = row["amount"]
        wanted[(pk, decp_id)] = {
            "buyer_name": (row["buyer_name"] or "acheteur non publié")[:300],
            "buyer_siret": (row["buyer_siret"] or "")[:14],
            "object": (row["object"] or "objet non publié")[:1000],
            "cpv_code": row["cpv"] or "",
            "amount": amount if amount is None or amount <= MAX_AMOUNT else None,
            "date": row["notification_date"],
            "source": source,
        }
    existing = {
        (won.siae_id, won.decp_id): won
        for won in WonContract.objects.filter(
            siae_id__in={pk for pk, _ in wanted}, decp_id__in={d for _, d in wanted}
        )
    }
    created, changed = [], []
    for (pk, decp_id), values in wanted.items():
        won = existing.get((pk, decp_id))
        if won is None:
            created.append(WonContract(siae_id=pk, decp_id=decp_id, **values))
        elif any(getattr(won, name) != values[name] for name in FIELDS):
            for name in FIELDS:
                setattr(won, name, values[name])
            changed.append(won)
    WonContract.objects.bulk_create(created, batch_size=1000)
    WonContract.objects.bulk_update(changed, FIELDS, batch_size=1000)
    report.count("marchés remportés ajoutés", len(created))
    report.count("marchés remportés mis à jour", len(changed))
    report.count("marchés remportés déjà à jour", len(wanted) - len(created) - len(changed))
    report.count("structures concernées", len({pk for pk, _ in wanted}))
    report.count("modifications", len(created) + len(changed))
