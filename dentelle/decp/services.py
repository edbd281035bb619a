"""Glue between the pure DECP modules and the database: territories, known SIAE, file analysis."""

import csv
from pathlib import Path

from django.conf import settings

from dentelle.decp.analysis import analyse
from dentelle.decp.readers import ProblemLog, detect_format, iter_decp


def department_region_mapping():
    """Department code → region code, from the referentials, else from the shared geo file."""
    from dentelle.referentials.models import Department

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
    from dentelle.siaes.models import Siae

    by_siret, by_siren = {}, {}
    for siret, siren, name, kind in Siae.objects.values_list("siret", "siren", "name", "kind"):
        by_siret[siret] = (name, kind)
        if siren:
            by_siren.setdefault(siren, (name, kind))
    return by_siret, by_siren


def analyse_file(source, *, region=None, problem_limit=200):
    """Read and analyse a DECP file (path or binary file object).

    Returns (format, ``DecpAnalysis``, ``ProblemLog``); raises ``DecpFileError`` on a malformed file.
    """
    fmt = detect_format(source)
    problems = ProblemLog(limit=problem_limit)
    by_siret, by_siren = known_siae()
    result = analyse(
        iter_decp(source, problems),
        region=region,
        department_region=department_region_mapping() if region else None,
        siae_by_siret=by_siret,
        siae_by_siren=by_siren,
    )
    return fmt, result, problems
