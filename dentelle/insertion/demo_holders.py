"""Demo step, the holders: a structure of the directory whose trade fits the lot (NAF → CPV table
``rules/data/naf_cpv.csv``), preferably in the lot's department."""

import csv

from dentelle.rules.loader import DATA_DIR
from dentelle.siaes.models import Siae


def siret_from(rng):
    """A random SIRET that passes the Luhn check (demo data only)."""
    digits = [rng.randrange(10) for _ in range(13)]
    for check in range(10):
        candidate = digits + [check]
        total = 0
        for i, d in enumerate(reversed(candidate)):
            d = d * 2 if i % 2 else d
            total += d - 9 if d > 9 else d
        if total % 10 == 0:
            return "".join(map(str, candidate))
    raise AssertionError("unreachable")


class Holders:
    """Structures of the directory by trade: the NAF codes whose CPV prefix fits the lot's code."""

    def __init__(self, rng):
        self.rng = rng
        self.by_naf = {}
        for siret, name, naf, department in (
            Siae.objects.filter(is_active=True)
            .exclude(naf="")
            .values_list("siret", "name", "naf", "department_code")
        ):
            self.by_naf.setdefault(naf, []).append((siret, name, department))
        self.rows = []
        with open(DATA_DIR / "naf_cpv.csv", encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                key = row["key"].replace(".", "")
                self.rows.append((row["cpv_prefix"], row["scope"], key))
        self._memo = {}

    def candidates(self, cpv):
        if cpv not in self._memo:
            fitting = [
                (len(prefix), scope, key) for prefix, scope, key in self.rows if cpv.startswith(prefix)
            ]
            found = []
            for length in sorted({f[0] for f in fitting}, reverse=True):  # most specific trade first
                for _, scope, key in (f for f in fitting if f[0] == length):
                    if scope == "naf":
                        found += self.by_naf.get(key, [])
                    else:  # a NAF division: every subclass of it
                        found += [s for naf, rows in self.by_naf.items() if naf.startswith(key) for s in rows]
                if found:
                    break
            self._memo[cpv] = sorted(set(found))
        return self._memo[cpv]

    def pick(self, cpv, department):
        if not self.by_naf:  # no directory loaded (tests): a labelled stand-in, never a real structure
            return (siret_from(self.rng), "Titulaire de démonstration (annuaire non chargé)", department)
        found = self.candidates(cpv or "")
        if not found:
            return None
        local = [s for s in found if s[2] == department]
        return self.rng.choice(local or found)
