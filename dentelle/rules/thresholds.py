# pure: no database
"""Thresholds in force at a date (pure). Rows come from ``thresholds.toml`` via the loader."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from dentelle.rules.loader import default_rules
from dentelle.rules.types import Param, RulesError

WORKS = "works"
SUPPLIES_SERVICES = "supplies_services"


def nature_group(nature):
    """'works' stays works; services and supplies share their thresholds."""
    return WORKS if nature == WORKS else SUPPLIES_SERVICES


def _in_force(row, when):
    start, end = row.get("valid_from"), row.get("valid_to")
    return (start is None or start <= when) and (end is None or when <= end)


@dataclass(frozen=True)
class ThresholdSet:
    """The legal figures in force at ``at``; each accessor returns a ``Param`` (value + source)."""

    at: date
    rules: object
    _memo: dict = field(default_factory=dict, compare=False, repr=False)

    def _cached(self, key, compute):
        # The scanner asks the same questions for every lot: answer each once per date.
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = compute()
            return value

    def eu_threshold(self, nature, buyer_category="other"):
        try:  # inline fast path: called for every lot of a scan
            return self._memo[("eu", nature, buyer_category)]
        except KeyError:
            return self._cached(
                ("eu", nature, buyer_category), lambda: self._eu_threshold(nature, buyer_category)
            )

    def _eu_threshold(self, nature, buyer_category):
        group = nature_group(nature)
        for row in self.rules.eu_thresholds:
            if (
                row["nature"] == group
                and row["buyer_category"] in (buyer_category, "*")
                and _in_force(row, self.at)
            ):
                return Param(row["amount"], row["source"], row.get("tag", "Law"))
        return Param(
            None, f"Aucun seuil européen connu au {self.at:%d/%m/%Y} (thresholds.toml à compléter)", "Verify"
        )

    def dispense(self, nature):
        try:
            return self._memo[("dispense", nature)]
        except KeyError:
            return self._cached(("dispense", nature), lambda: self._dispense(nature))

    def _dispense(self, nature):
        group = nature_group(nature)
        for row in self.rules.dispenses:
            if row["nature"] == group and _in_force(row, self.at):
                return Param(row["amount"], row["source"], row.get("tag", "Law"))
        return Param(None, f"Aucun seuil de dispense connu au {self.at:%d/%m/%Y}", "Verify")

    def small_lots(self):
        for row in self.rules.small_lots:
            if _in_force(row, self.at):
                return row
        raise RulesError(f"Aucune règle des petits lots en vigueur au {self.at:%d/%m/%Y}")

    def small_lot_limit(self, nature):
        return self._cached(("small", nature), lambda: self._small_lot_limit(nature))

    def _small_lot_limit(self, nature):
        row = self.small_lots()
        key = "works_below" if nature_group(nature) == WORKS else "supplies_services_below"
        return Param(row[key], f"{row['article']} — {row['source']}", row.get("tag", "Law"))

    def small_lots_max_share(self):
        row = self.small_lots()
        return Param(row["max_share"], f"{row['article']} — {row['source']}", row.get("tag", "Law"))

    def obligation(self):
        """The 2026 mandatory social condition row (the latest whose date is known), or None."""
        return self._cached(("obligation",), self._obligation)

    def _obligation(self):
        rows = sorted(self.rules.obligations, key=lambda r: r["valid_from"])
        return rows[-1] if rows else None

    def obligation_applies(self, launch_date):
        if not launch_date:
            return False
        try:
            start = self._memo["obligation_start"]
        except KeyError:
            row = self.obligation()
            start = self._memo["obligation_start"] = row["valid_from"] if row else None
        return start is not None and launch_date >= start

    def reservation_min_share(self):
        return self._cached(("reservation",), self._reservation_min_share)

    def _reservation_min_share(self):
        for row in self.rules.reservation_shares:
            if _in_force(row, self.at):
                return Param(row["min_share"], f"{row['article']} — {row['source']}", row.get("tag", "Law"))
        return Param(Decimal("0.50"), "CCP R2113-7", "Law")


def thresholds_at(when, rules=None):
    """The thresholds in force at ``when`` (a date)."""
    return ThresholdSet(at=when, rules=rules or default_rules())
