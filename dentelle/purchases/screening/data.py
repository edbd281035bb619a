# pure: no database
"""Scanner data (pure): the facts of a lot in, the finding drafts out, and French formatting helpers."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache


@dataclass
class LineItemFacts:
    reference: str
    description: str
    cpv: str
    amount: Decimal


@dataclass(slots=True)
class LotFacts:
    key: str
    title: str
    cpv: str
    nature: str
    amount: Decimal | None
    market_amount: Decimal | None = None  # whole market (all lots): EU threshold and 20 % budget
    annual_amount: Decimal | None = None
    duration_months: int | None = None
    launch_date: date | None = None
    plan_year: int | None = None  # the plan's year: an undated lot is launched within it
    buyer_category: str = "other"
    department_codes: tuple = ()
    place_kind: str = ""
    sites_count: int | None = None
    procedure: str = ""
    clause_hours: int | None = None
    has_employment_condition: bool = False
    reservation_kind: str = ""
    social_award_criterion: bool = False
    insertion_market: bool = False
    obligation_exception_code: str = ""
    transferred_staff_monthly_hours: Decimal | None = None
    able_structures: int | None = None  # in the lot's territory (None: not counted)
    able_capacity: Decimal | None = None  # € per year they can absorb (None: unknown)
    disability_structures: int | None = None
    able_by_unit: tuple = ()  # allotment units: (kind, code, name, able_count, weight)
    line_items: tuple = ()  # LineItemFacts of the operation (only on its main lot)
    small_lots_used: Decimal = Decimal("0")  # small lots already passed under R2123-1 2°

    @property
    def has_social_condition(self):
        return bool(self.clause_hours) or self.has_employment_condition or self.insertion_market


@dataclass(slots=True)
class FindingDraft:
    rule_id: str
    kind: str
    reasons: list[str]
    legal_basis: str
    figures: dict = field(default_factory=dict)
    estimated_hours: int | None = None
    subject: str = ""
    proposal: dict = field(default_factory=dict)

    def figures_dict(self):
        """Figures used, with their sources; built on demand (the CLI leaves them out by default)."""
        if isinstance(self.figures, dict):
            return self.figures
        if callable(self.figures):  # deferred: rules pass a function to skip the work when unused
            return self.figures()
        return estimate_figures(self.figures)

    def as_dict(self, with_figures=True, compact=False):
        """``compact`` (scan reports) leaves out an empty subject and an empty proposal."""
        data = {
            "rule": self.rule_id,
            "kind": self.kind,
            "subject": self.subject,
            "estimated_hours": self.estimated_hours,
            "reasons": self.reasons,
            "legal_basis": self.legal_basis,
            "proposal": self.proposal,
        }
        if compact:
            if not self.subject:
                del data["subject"]
            if not self.proposal:
                del data["proposal"]
        if with_figures:
            data["figures"] = self.figures_dict()
        return data


@lru_cache(maxsize=8192)
def euros(value):
    if value is None:
        return "montant inconnu"
    return f"{Decimal(value):,.0f} €".replace(",", "\u202f")


@lru_cache(maxsize=1024)
def pct(value):
    return f"{Decimal(value) * 100:.0f}\u202f%"


@lru_cache(maxsize=1024)
def day(value):
    return value.strftime("%d/%m/%Y")


def estimate_figures(estimate):
    return {
        f.name: {"value": None if f.value is None else str(f.value), "source": f.source, "label": f.label}
        for f in estimate.figures
    }
