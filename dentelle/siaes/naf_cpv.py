# pure: no database
"""Default competences of a structure from its NAF code and kind (pure module).

The table lives in `dentelle/rules/data/naf_cpv.csv`, one line per mapping with its rationale:
- `naf` lines map a NAF sous-classe ('81.30Z') to CPV prefixes;
- `division` lines map a NAF division ('81') when no sous-classe line exists;
- `kind` lines give a weak default by structure kind, used when the NAF says nothing about the
  trade (no line, or only lines marked `specific=non`, such as 88.99B "action sociale").

ESAT come from the FINESS list, which has no NAF: they all get the kind lines only (espaces verts,
conditionnement, blanchisserie), each citing where the activity is documented and saying "à vérifier".
Restauration and nettoyage are common in ESAT too but are not defaulted: 1,396 unverified ESAT would
then count as able to serve those families on the coverage page; the sourcing adds them per structure.
"""

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

TABLE_PATH = Path(__file__).resolve().parent.parent / "rules" / "data" / "naf_cpv.csv"
NAF_RE = re.compile(r"^(\d{2})\.?(\d{2})([A-Z])$")


@dataclass(frozen=True)
class NafCpvRow:
    scope: str  # naf | division | kind
    key: str
    cpv_prefix: str
    specific: bool
    rationale: str


@dataclass(frozen=True)
class SuggestedCompetence:
    cpv_prefix: str
    origin: str  # "naf" or "kind" (CompetenceOrigin values)
    rationale: str


def normalise_naf(value):
    """'8130Z', '81.30z', ' 81.30Z ' → '81.30Z'; anything else → ''."""
    match = NAF_RE.match(str(value or "").strip().upper())
    return f"{match.group(1)}.{match.group(2)}{match.group(3)}" if match else ""


def compact_naf(value):
    """'81.30Z' → '8130Z' (the APE form stored on Siae.naf)."""
    dotted = normalise_naf(value)
    return dotted.replace(".", "") if dotted else ""


def load_table(path=TABLE_PATH):
    rows = []
    with open(path, encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            scope, key, prefix = row["scope"].strip(), row["key"].strip(), row["cpv_prefix"].strip()
            if scope not in ("naf", "division", "kind"):
                raise ValueError(f"{path} ligne {line} : portée inconnue {scope!r}")
            if not re.fullmatch(r"\d{2,8}", prefix):
                raise ValueError(f"{path} ligne {line} : préfixe CPV invalide {prefix!r}")
            if not row["rationale"].strip():
                raise ValueError(f"{path} ligne {line} : justification manquante")
            rows.append(
                NafCpvRow(scope, key, prefix, row["specific"].strip() == "oui", row["rationale"].strip())
            )
    return rows


class NafCpvTable:
    def __init__(self, rows):
        self.rows = rows
        self.by_naf, self.by_division, self.by_kind = {}, {}, {}
        for row in rows:
            target = {"naf": self.by_naf, "division": self.by_division, "kind": self.by_kind}[row.scope]
            target.setdefault(row.key, []).append(row)

    def suggest(self, naf, kind):
        """Competences for a structure: NAF sous-classe, else NAF division, plus kind defaults if needed."""
        dotted = normalise_naf(naf)
        found = []
        if dotted:
            rows = self.by_naf.get(dotted) or self.by_division.get(dotted[:2], [])
            level = "sous-classe" if dotted in self.by_naf else "division"
            for row in rows:
                found.append(
                    SuggestedCompetence(row.cpv_prefix, "naf", f"NAF {dotted} ({level}) : {row.rationale}")
                )
            specific = any(row.specific for row in rows)
        else:
            specific = False
        if not specific:
            for row in self.by_kind.get(str(kind or ""), []):
                found.append(SuggestedCompetence(row.cpv_prefix, "kind", row.rationale))
        unique = {}
        for item in found:
            unique.setdefault((item.cpv_prefix, item.origin), item)
        return list(unique.values())


@functools.cache
def default_table():
    return NafCpvTable(load_table())


def suggest_competences(naf, kind):
    return default_table().suggest(naf, kind)
