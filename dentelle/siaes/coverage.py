"""Supply coverage: how many active structures can serve each trade family in each department.

A structure serves a department when it is located there or when its service area covers it
(national, its region, the department itself, or one of its communes). It can serve a family when
one of its competences matches one of the family's CPV prefixes in either direction
(querysets.competence_q). The families are the project's trade families (`dentelle.rules`).
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q

from dentelle.siaes.models import Competence, ServiceArea, Siae
from dentelle.siaes.querysets import cpv_prefix


@dataclass(frozen=True)
class CoverageFamily:
    id: str
    label: str
    cpv_prefixes: tuple
    source: str  # where the family comes from: the shared rules file, or why it is added here


# Trades where insertion and disability structures work a lot but that the hours estimator has no
# family for (no published labour share or insertion rate, so `trade_families.toml` cannot hold
# them without inventing parameters). Defined here, once, until the rules file grows them; an id
# that appears in the rules file wins over this list.
EXTRA_FAMILIES = (
    CoverageFamily(
        "staff_provision",
        "Mise à disposition de personnel",
        ("7962",),
        "Cœur de métier des AI, ETTI et GEIQ (mise à disposition, CPV 79620000) ; absente des familles "
        "du calcul des heures",
    ),
    CoverageFamily(
        "packaging",
        "Conditionnement",
        ("7992",),
        "Activité typique des ESAT et EA (conditionnement, CPV 79920000) ; absente des familles du calcul "
        "des heures",
    ),
    CoverageFamily(
        "laundry",
        "Blanchisserie",
        ("9831",),
        "Activité typique des ESAT et ACI (blanchisserie, CPV 98310000) ; absente des familles du calcul "
        "des heures",
    ),
)


def coverage_families(rules=None):
    """The trade families of the shared rules marked fit for SIAE, then the extra ones above.

    Same ids and labels as the scanner and the dashboard (`dentelle.rules`), so a family reads the
    same on every page.
    """
    from dentelle.rules import default_rules

    rules = rules or default_rules()
    families = [
        CoverageFamily(f.id, f.label, tuple(f.cpv_prefixes), "Familles de métiers (trade_families.toml)")
        for f in rules.families
        if f.fit_for_siae
    ]
    known = {f.id for f in rules.families}
    return families + [f for f in EXTRA_FAMILIES if f.id not in known]


# Reading of a count (Dentelle practice, to be confirmed with the facilitators): a reserved
# contract needs real competition, so at least 3 able structures; 1 or 2 allow a clause or a
# targeted consultation; none means sourcing comes first.
RESERVATION_MIN = 3


@dataclass(frozen=True)
class Level:
    key: str
    label: str
    css: str


SOURCING_FIRST = Level("sourcing", "Sourcing d'abord", "fr-badge--error")
CLAUSE = Level("clause", "Clause ou consultation ciblée", "fr-badge--warning")
RESERVATION = Level("reservation", "Réservation envisageable", "fr-badge--success")


def level_of(count):
    if count >= RESERVATION_MIN:
        return RESERVATION
    return CLAUSE if count else SOURCING_FIRST


def prefix_matches(family_prefix, competence):
    return competence.startswith(family_prefix) or family_prefix.startswith(competence)


def can_serve(family, competences):
    """One competence matching one of the family's CPV prefixes, in either direction."""
    return any(prefix_matches(cpv_prefix(p), c) for p in family.cpv_prefixes for c in competences)


def coverage(region_code, index, families=None):
    """{"departments": [(code, name)], "rows": [{"prefix", "label", "cells": [{"department", "count", "level"}]}]}"""
    departments = index.departments_of_region(region_code)
    areas = ServiceArea.objects.filter(
        Q(kind="national") | Q(kind="region", code=region_code) | Q(kind="department", code__in=departments)
    )
    candidates = Siae.objects.active().filter(Q(region_code=region_code) | Q(pk__in=areas.values("siae_id")))
    served = defaultdict(set)
    for pk, department in candidates.values_list("pk", "department_code"):
        if department in departments:
            served[pk].add(department)
    for siae_id, kind, code in ServiceArea.objects.filter(siae_id__in=candidates.values("pk")).values_list(
        "siae_id", "kind", "code"
    ):
        if kind in ("national",) or (kind == "region" and code == region_code):
            served[siae_id].update(departments)
        elif kind == "department" and code in departments:
            served[siae_id].add(code)
        elif kind == "commune":
            commune = index.commune(code)
            if commune and commune.department_code in departments:
                served[siae_id].add(commune.department_code)
    competences = defaultdict(set)
    for siae_id, prefix in Competence.objects.filter(siae_id__in=candidates.values("pk")).values_list(
        "siae_id", "cpv_prefix"
    ):
        competences[siae_id].add(prefix)
    rows = []
    for family in coverage_families() if families is None else families:
        counts = dict.fromkeys(departments, 0)
        for siae_id, depts in served.items():
            if can_serve(family, competences.get(siae_id, ())):
                for department in depts:
                    counts[department] += 1
        cells = [{"department": d, "count": counts[d], "level": level_of(counts[d])} for d in departments]
        rows.append(
            {
                "id": family.id,
                "label": family.label,
                "prefixes": [cpv_prefix(p) for p in family.cpv_prefixes],
                "source": family.source,
                "cells": cells,
                "total": len([1 for c in cells if c["count"]]),
            }
        )
    return {
        "region": region_code,
        "region_name": index.region_name(region_code) or region_code,
        "departments": [(d, index.department_name(d) or d) for d in departments],
        "rows": rows,
    }


def coverage_table(data):
    """Header and rows for CSV/XLSX exports."""
    header = ["Famille de métiers", "Préfixes CPV"] + [
        f"{name} ({code})" for code, name in data["departments"]
    ]
    rows = [
        [row["label"], " ".join(row["prefixes"])] + [cell["count"] for cell in row["cells"]]
        for row in data["rows"]
    ]
    return header, rows
