"""Django side of the allotment: the able structures of a trade, with their positions, and the
sites' territories, for the pure optimiser (dentelle/purchases/allotment_milp.py).

Able structures are the matching engine's one definition (`dentelle.matching.able.able_mask` on the
trade's able query over the whole region), one per company. Capacity: the structure's turnover when
known, else the rules' sourced default per structure (R3's « default_capacity_per_structure »).
"""

import math

from dentelle.matching.able import able_mask, able_query
from dentelle.matching.facts import LotFacts, query_of
from dentelle.matching.index import get_structure_index
from dentelle.matching.scoring import score_all
from dentelle.matching.weights import load_weights
from dentelle.purchases.allotment_lots import Params, Site, Structure, department_split
from dentelle.purchases.allotment_milp import optimise
from dentelle.purchases.supply import SIAE_KINDS
from dentelle.rules import default_rules, family_for_cpv
from dentelle.rules.hours import estimate_for_family


def able_structures(cpv, region_code, default_capacity, nature="services"):
    """SIAE (L2113-13 kinds) able to do ``cpv`` in the region, as positioned :class:`Structure`."""
    arrays, weights = get_structure_index(), load_weights()
    facts = LotFacts(cpv_codes=[cpv], place_kind="region", place_code=region_code, nature=nature)
    result = score_all(able_query(query_of(facts)), arrays, weights)
    mask = able_mask(result, arrays, weights)
    out = []
    for i in mask.nonzero()[0]:
        lat, lon = float(arrays.lat[i]), float(arrays.lon[i])
        if str(arrays.kinds[i]) not in SIAE_KINDS or lat != lat or lon != lon:  # NaN: no position
            continue
        turnover = float(arrays.turnover[i])
        capacity = turnover if turnover == turnover and turnover > 0 else float(default_capacity)
        out.append(Structure(arrays.sirets[i], lat, lon, capacity))
    return out


def memberships(commune_codes):
    """commune INSEE code → (department, EPT SIREN, EPCI SIREN) from the referentials."""
    from dentelle.referentials.models import Commune

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


def hours_per_euro(cpv, rules=None):
    """Insertion hours of a social clause per € of lot amount, from the scanner's estimator (the
    trade family's chain is linear in the amount; 0 when the family or a parameter is missing)."""
    family = family_for_cpv(cpv, rules or default_rules()) if cpv else None
    if family is None:
        return 0.0
    estimate = estimate_for_family(1_000_000, family, 12)
    return (estimate.hours or 0) / 1_000_000


def _commune(code):
    """A commune by its INSEE code, straight from the referentials (a code that is also a postcode
    elsewhere must not be read as one)."""
    from types import SimpleNamespace

    from dentelle.referentials.models import Commune

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
    from dentelle.referentials.places import resolve_place

    def resolve(text):
        try:
            if len(text) == 5 and text[2:].isdigit():  # an INSEE code (2A/2B included)
                return _commune(text) or resolve_place("", code=text, code_kind_text="Code commune")
            return resolve_place(text)
        except Exception:  # an unknown or ambiguous place is a row error, not a traceback
            return None

    return resolve


ILE_DE_FRANCE = "11"


def propose(rows, cpv, *, amount=None, region_code=ILE_DE_FRANCE, rules=None, **limits):
    """(params, sites, structures, optimiser proposal, department split) for site rows: the one path of
    the CLI, the API and the lot page. ``limits``: Params fields (None = no limit)."""
    from dentelle.rules.loader import default_rules

    rules = rules or default_rules()
    capacity = float(rules.screening["default_capacity_per_structure"].value)
    values = {k: v for k, v in limits.items() if v is not None}
    for key in ("max_km", "max_lot_amount"):
        if not values.get(key):
            values[key] = math.inf
    values.setdefault("min_able", int(rules.screening["min_able_structures"].value))
    params = Params(hours_per_euro=hours_per_euro(cpv, rules), **values)
    sites = solver_sites(rows, amount)
    structures = able_structures(cpv, region_code, capacity)
    return (
        params,
        sites,
        structures,
        optimise(sites, structures, params),
        department_split(sites, structures, params),
    )
