# pure: no database
"""Territorial allotment proposal (pure): split one maintenance lot into territorial lots.

Input: the lot's amount and the territorial units it covers (departments, EPT or EPCI), each with a
weight (sites, population — whatever the caller knows; equal weights otherwise) and its count of able
structures. Output: the proposed lots, before/after. A unit too small or without enough able
structures is not left alone: it is grouped into a « reste » lot so that no territory is orphaned.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Unit:
    kind: str  # "department" | "ept" | "epci"
    code: str
    name: str
    able_structures: int
    weight: Decimal = Decimal("1")


@dataclass
class ProposedLot:
    label: str
    units: list[Unit]
    amount: Decimal
    able_structures: int

    def as_dict(self):
        return {
            "label": self.label,
            "territories": [{"kind": u.kind, "code": u.code, "name": u.name} for u in self.units],
            "amount": str(self.amount),
            "able_structures": self.able_structures,
        }


@dataclass
class SplitProposal:
    before: dict
    after: list[ProposedLot] = field(default_factory=list)

    @property
    def splits(self):
        return len(self.after) >= 2

    def as_dict(self):
        return {"before": self.before, "after": [lot.as_dict() for lot in self.after]}


def _cents(value):
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def propose_split(amount, units, min_lot_amount, min_able_structures, before_label=""):
    """Split ``amount`` across ``units`` in proportion to their weights.

    A unit becomes its own lot when its share is at least ``min_lot_amount`` and it has at least
    ``min_able_structures``; the others are grouped into one « reste du territoire » lot.
    """
    before = {"label": before_label or "Lot unique", "amount": str(amount), "territories": len(units)}
    proposal = SplitProposal(before=before)
    if not units or amount is None or amount <= 0:
        return proposal
    total_weight = sum((u.weight for u in units), Decimal("0")) or Decimal(len(units))
    own, rest = [], []
    for unit in sorted(units, key=lambda u: u.code):
        share = _cents(amount * (unit.weight or 0) / total_weight)
        if share >= min_lot_amount and unit.able_structures >= min_able_structures:
            own.append(ProposedLot(f"{unit.name} ({unit.code})", [unit], share, unit.able_structures))
        else:
            rest.append((unit, share))
    if rest:
        rest_amount = sum((share for _, share in rest), Decimal("0"))
        rest_units = [u for u, _ in rest]
        rest_able = max((u.able_structures for u in rest_units), default=0)
        if own and (rest_amount < min_lot_amount or rest_able < min_able_structures):
            # Too small or unserved on its own: attach the rest to the biggest territorial lot.
            biggest = max(own, key=lambda lot: lot.amount)
            biggest.units.extend(rest_units)
            biggest.amount += rest_amount
            biggest.label += " + " + ", ".join(u.code for u in rest_units)
        else:
            own.append(ProposedLot("Reste du territoire", rest_units, rest_amount, rest_able))
    # Rounding drift goes to the largest lot so that the lots add up to the amount.
    drift = amount - sum((lot.amount for lot in own), Decimal("0"))
    if own and drift:
        max(own, key=lambda lot: lot.amount).amount += drift
    proposal.after = own
    return proposal
