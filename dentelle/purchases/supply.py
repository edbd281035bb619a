"""How many able structures can answer a lot, in its territory (input facts of rules R3 and R4), and
the other answers purchases needs from the matching engine.

The matching app sits above purchases (docs/architecture.md, « Couches »): it hands its engine over at
start-up (`MatchingConfig.ready` → `register_engine`, see dentelle/matching/supply.py), so that the
scan, the allotment and the lot page of the CLI, the web, the jobs and the benchmarks all run the one
engine without purchases importing it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import ImproperlyConfigured

SIAE_KINDS = ("ACI", "AI", "EI", "ETTI")  # L2113-13 by default (domain §3.1; EITI, GEIQ to verify)


@dataclass(frozen=True)
class Supply:
    siae: int
    disability: int
    capacity: Decimal | None  # € HT per year the able structures can absorb (None: unknown)
    backend: str


class SupplyRequest(NamedTuple):
    """What the count depends on: the lot's trade, territory, execution nature and reservation."""

    cpv: str
    department_codes: tuple
    place_kind: str = ""
    place_code: str = ""
    nature: str = "services"
    reservation_kind: str = ""


class Engine(NamedTuple):
    """What purchases asks of the matching engine."""

    make_supply: Callable  # () → a counter with prepare(requests) and count(request) → Supply
    able_structures: Callable  # (cpv, region_code, default_capacity) → [allotment_lots.Structure]
    ranked_structures: Callable  # (lot, top) → the ranking dict of the lot page


_engine = None


def register_engine(engine):
    global _engine
    _engine = engine


def engine():
    if _engine is None:
        raise ImproperlyConfigured(
            "Moteur de mise en relation absent : « dentelle.matching » doit figurer dans INSTALLED_APPS."
        )
    return _engine


def make_supply():
    return engine().make_supply()
