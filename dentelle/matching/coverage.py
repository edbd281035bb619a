"""Supply coverage: how many able structures can serve each trade family in each department.

A cell is the count the scanner's reservation rule (R3) and the territorial allotment (R4) find for a
lot of the family's main code (its first CPV prefix, padded to 8 digits) executed in that
department: the one definition of an able structure (`dentelle.matching.able`, through
`purchases.supply`), so the three numbers cannot disagree. `count` is the SIAE (ACI, AI, EI, ETTI:
L2113-13 reservation), `disability` the EA and ESAT (L2113-12). The families are the project's trade
families (`dentelle.rules`).
"""

from dataclasses import dataclass

from dentelle.matching.supply import MatchingSupply
from dentelle.purchases.enums import Nature
from dentelle.purchases.supply import SupplyRequest
from dentelle.rules import default_rules
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

    rules = rules or default_rules()
    families = [
        CoverageFamily(
            f.id,
            f.label,
            tuple(f.cpv_prefixes),
            "Familles de métiers du calcul des heures (paramètres de Dentelle)",
        )
        for f in rules.families
        if f.fit_for_siae
    ]
    known = {f.id for f in rules.families}
    return families + [f for f in EXTRA_FAMILIES if f.id not in known]


# Reading of a count: a reserved contract needs real competition, so at least the scanner's own
# `screening.min_able_structures` (rule R3, overridable by the organisation: one threshold for the
# coverage table and the reservation finding); fewer allow a clause or a targeted consultation; none
# means sourcing comes first.
def reservation_min(rules=None):
    rules = rules or default_rules()
    return int(rules.screening["min_able_structures"].value)


@dataclass(frozen=True)
class Level:
    key: str
    label: str
    css: str


SOURCING_FIRST = Level("sourcing", "Sourcing d'abord", "fr-badge--error")
CLAUSE = Level("clause", "Clause ou consultation ciblée", "fr-badge--warning")
RESERVATION = Level("reservation", "Réservation envisageable", "fr-badge--success")


def level_of(count, disability, minimum):
    """Reading of a cell: a reservation needs ``minimum`` SIAE (L2113-13) or EA/ESAT (L2113-12)."""
    if max(count, disability) >= minimum:
        return RESERVATION
    return CLAUSE if count or disability else SOURCING_FIRST


def family_code(family):
    """The CPV code a family is counted for: its first prefix, padded to 8 digits."""
    return (cpv_prefix(family.cpv_prefixes[0]) + "00000000")[:8]


def family_request(family, department):
    code = family_code(family)
    return SupplyRequest(code, (department,), "department", department, Nature.of_cpv(code), "")


def coverage(region_code, index, families=None, supply=None, rules=None):
    """{"departments": [(code, name)], "reservation_min", "rows": [{"id", "label", "prefixes", "cells":
    [{"department", "count", "disability", "level"}]}]}. ``rules``: the organisation's (overrides)."""
    departments = index.departments_of_region(region_code)
    families = coverage_families(rules) if families is None else families
    minimum = reservation_min(rules)
    supply = supply if supply is not None else MatchingSupply()
    supply.prepare([family_request(f, d) for f in families for d in departments])
    rows = []
    for family in families:
        cells = []
        for department in departments:
            counted = supply.count(family_request(family, department))
            cells.append(
                {
                    "department": department,
                    "count": counted.siae,
                    "disability": counted.disability,
                    "level": level_of(counted.siae, counted.disability, minimum),
                }
            )
        rows.append(
            {
                "id": family.id,
                "label": family.label,
                "code": family_code(family),
                "prefixes": [cpv_prefix(p) for p in family.cpv_prefixes],
                "source": family.source,
                "cells": cells,
                "total": len([1 for c in cells if c["count"] or c["disability"]]),
            }
        )
    return {
        "region": region_code,
        "region_name": index.region_name(region_code) or region_code,
        "departments": [(d, index.department_name(d) or d) for d in departments],
        "reservation_min": minimum,
        "rows": rows,
    }


def coverage_table(data):
    """Header and rows for CSV/XLSX exports: SIAE per department, then EA and ESAT per department."""
    header = ["Famille de métiers", "Préfixes CPV"]
    header += [f"{name} ({code})" for code, name in data["departments"]]
    header += [f"EA et ESAT — {name} ({code})" for code, name in data["departments"]]
    rows = [
        [row["label"], " ".join(row["prefixes"])]
        + [cell["count"] for cell in row["cells"]]
        + [cell["disability"] for cell in row["cells"]]
        for row in data["rows"]
    ]
    return header, rows
