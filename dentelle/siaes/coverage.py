"""Supply coverage: how many active structures can serve each trade family in each department.

A structure serves a department when it is located there or when its service area covers it
(national, its region, the department itself, or one of its communes). It can serve a family when
one of its competences matches the family's CPV prefix in either direction (querysets.competence_q).
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q

from dentelle.siaes.models import Competence, ServiceArea, Siae

# The CPV divisions and groups where insertion structures work most (domain §3.10), with finer ones.
COVERAGE_FAMILIES = [
    ("45", "Travaux de construction"),
    ("454", "Parachèvement (second œuvre)"),
    ("50", "Réparation et entretien"),
    ("55", "Hôtellerie, restauration"),
    ("555", "Cantine et traiteur"),
    ("77", "Services agricoles et horticoles"),
    ("7731", "Espaces verts"),
    ("79", "Services aux entreprises"),
    ("7962", "Mise à disposition de personnel"),
    ("7992", "Conditionnement"),
    ("85", "Santé et action sociale"),
    ("90", "Déchets, assainissement, propreté"),
    ("905", "Collecte et traitement des déchets"),
    ("9091", "Nettoyage"),
    ("98", "Autres services (blanchisserie…)"),
    ("9831", "Blanchisserie"),
]

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


def prefix_matches(family, competence):
    return competence.startswith(family) or family.startswith(competence)


def coverage(region_code, index, families=COVERAGE_FAMILIES):
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
    for prefix, label in families:
        counts = dict.fromkeys(departments, 0)
        for siae_id, depts in served.items():
            if any(prefix_matches(prefix, c) for c in competences.get(siae_id, ())):
                for department in depts:
                    counts[department] += 1
        cells = [{"department": d, "count": counts[d], "level": level_of(counts[d])} for d in departments]
        rows.append(
            {"prefix": prefix, "label": label, "cells": cells, "total": len([1 for c in cells if c["count"]])}
        )
    return {
        "region": region_code,
        "region_name": index.region_name(region_code) or region_code,
        "departments": [(d, index.department_name(d) or d) for d in departments],
        "rows": rows,
    }


def coverage_table(data):
    """Header and rows for CSV/XLSX exports."""
    header = ["Famille de métiers", "Préfixe CPV"] + [
        f"{name} ({code})" for code, name in data["departments"]
    ]
    rows = [[row["label"], row["prefix"]] + [cell["count"] for cell in row["cells"]] for row in data["rows"]]
    return header, rows
