"""Django side of the allotment: the sites' territories and the able structures of a trade, with
their positions, for the pure optimiser (dentelle/purchases/allotment_milp.py).

Able structures come from the matching engine (`dentelle.matching.supply.able_structures`: its one
definition of an able structure, one per company), handed over through `purchases.supply.engine()`.
"""

import math
import re
from decimal import Decimal
from types import SimpleNamespace

from dentelle.purchases.allotment_lots import Params, Site, department_split
from dentelle.purchases.allotment_milp import optimise
from dentelle.purchases.supply import engine
from dentelle.referentials.models import Commune
from dentelle.referentials.places import communes_named, resolve_place
from dentelle.rules import default_rules, family_for_cpv
from dentelle.rules.hours import estimate_for_family


def memberships(commune_codes):
    """commune INSEE code → (department, EPT SIREN, EPCI SIREN) from the referentials."""

    rows = Commune.objects.filter(insee_code__in=set(commune_codes)).values_list(
        "insee_code", "department_id", "ept_id", "epci_id"
    )
    return {code: (dep or "", ept or "", epci or "") for code, dep, ept, epci in rows}


def solver_sites(rows, lot_amount=None):
    """Optimiser sites from site rows (file rows or Site models alike: same attribute names).

    Amount: the site's own; missing ones share what is left of ``lot_amount`` by weight (equal
    weights when none is given)."""
    links = memberships([r.commune_code for r in rows if r.commune_code])
    known = sum(float(r.amount or 0) for r in rows)
    rest = [r for r in rows if not r.amount]
    pool = max(float(lot_amount or 0) - known, 0.0)
    weights = sum((r.weight or 1.0) for r in rest) or 1.0
    out = []
    for k, r in enumerate(rows):
        amount = float(r.amount) if r.amount else pool * (r.weight or 1.0) / weights
        dep, ept, epci = links.get(r.commune_code, (r.department or "", "", ""))
        key = str(getattr(r, "pk", None) or k + 1)
        out.append(Site(key, r.name, float(r.latitude), float(r.longitude), amount, dep, ept, epci, r.group))
    return out


def hours_per_euro(cpv, rules=None, lot=None):
    """Insertion hours of a social clause per € of lot amount, from the scanner's estimator (the
    trade family's chain is linear in the amount; 0 when the family or a parameter is missing).

    With ``lot`` (a stored lot), its own figures: amount, duration and the staff to take over, so that a
    cleaning lot's staff take-over is deducted as in its R1 clause (split lots share it by amount, which
    keeps the hours per € unchanged) and the hours per year agree with R1's volume over the duration."""
    rules = rules or default_rules()
    family = family_for_cpv(cpv, rules) if cpv else None
    if family is None:
        return 0.0
    amount, months, staff = 1_000_000, 12, None
    if lot is not None and lot.estimated_amount:
        amount = float(lot.estimated_amount)
        months = lot.duration_months or lot.operation.duration_months or 12
        staff = lot.transferred_staff_monthly_hours
    estimate = estimate_for_family(Decimal(str(amount)), family, months, staff, rules.rounding)
    return (estimate.hours or 0) / amount


def _commune(code):
    """A commune by its INSEE code, straight from the referentials (a code that is also a postcode
    elsewhere must not be read as one)."""

    c = Commune.objects.filter(insee_code=code).first()
    if c is None:
        return None
    return SimpleNamespace(
        kind="commune",
        code=c.insee_code,
        name=c.name,
        department_code=c.department_id,
        latitude=c.latitude,
        longitude=c.longitude,
    )


def resolver():
    """The « commune » cell of a site file read as sitefile.rows_from_records expects: a commune's
    place; a list of places when several communes carry the name (« Saint-Denis »); else None or the
    territory the text names (a department): each a row error there, never a traceback."""

    def resolve(text):
        if len(text) == 5 and text[2:].isdigit():  # an INSEE code (2A/2B included)
            return _commune(text) or resolve_place("", code=text, code_kind_text="Code commune")
        place = resolve_place(text)
        if place is not None and place.kind in ("commune", "arrondissement"):
            return place
        named = communes_named(text)  # « Paris » is also a department; « Saint-Denis », four communes
        if len(named) == 1:
            return named[0]
        if not named and text.rstrip().endswith(")"):  # « Saint-Denis (75) »: list the real ones
            named = communes_named(re.sub(r"\([^)]*\)\s*$", "", text))
        return named or place

    return resolve


ILE_DE_FRANCE = "11"


def propose(rows, cpv, *, amount=None, region_code=ILE_DE_FRANCE, rules=None, lot=None, **limits):
    """(params, sites, structures, optimiser proposal, department split) for site rows: the one path of
    the CLI, the API and the lot page. ``limits``: Params fields (None = no limit); ``lot``: the stored
    lot whose figures size the hours (``hours_per_euro``)."""

    rules = rules or default_rules()
    capacity = float(rules.screening["default_capacity_per_structure"].value)
    values = {k: v for k, v in limits.items() if v is not None}
    for key in ("max_km", "max_lot_amount"):
        if not values.get(key):
            values[key] = math.inf
    values.setdefault("min_able", int(rules.screening["min_able_structures"].value))
    params = Params(hours_per_euro=hours_per_euro(cpv, rules, lot), **values)
    sites = solver_sites(rows, amount)
    structures = engine().able_structures(cpv, region_code, capacity)
    return (
        params,
        sites,
        structures,
        optimise(sites, structures, params),
        department_split(sites, structures, params),
    )
