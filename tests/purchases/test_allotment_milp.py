"""Hand-checkable cases of the HiGHS allotment optimiser (dentelle/purchases/allotment_milp.py)."""

import pytest

from dentelle.purchases.allotment_lots import CLAUSE, RESERVED, Params, Site, Structure, department_split
from dentelle.purchases.allotment_milp import optimise

# Three sites in Paris (75) and three in Cergy (95), about 37 km apart; sites of a town lie within 0.3 km.
PARIS = [Site(f"P{i}", f"Paris {i}", 48.8566 + 0.001 * i, 2.3522, 100.0, "75") for i in range(3)]
CERGY = [Site(f"C{i}", f"Cergy {i}", 49.0364 + 0.001 * i, 2.0761 + 0.0, 100.0, "95") for i in range(3)]
SIX = PARIS + CERGY


def _structures(lat, lon, count, capacity):
    return [Structure(f"{lat}-{k}", lat, lon, capacity) for k in range(count)]


def test_two_towns_two_lots_optimum_is_half():
    """Optimum = 300 of 600 € served (share 0.5), lots {P0,P1,P2} and {C0,C1,C2}.

    Proof. The candidate centres are sites; with max_km = 20 a Paris site and a Cergy site (≈ 27 km
    apart) can never share a lot, so every feasible solution has ≥ 1 Paris lot and ≥ 1 Cergy lot; with
    exactly 2 lots it is the two towns. The Paris lot has 3 able structures within 10 km and capacity
    3 000 ≥ 300: served. Cergy has 2 able structures < 3: not served, whatever its centre. Served
    amount = 300, the only feasible value, hence optimal.
    """
    structures = _structures(48.857, 2.352, 3, 1000.0) + _structures(49.036, 2.076, 2, 1000.0)
    params = Params(min_lots=2, max_lots=2, max_km=20, radius_km=10, hours_per_euro=0.01)
    proposal = optimise(SIX, structures, params)
    assert proposal.ok and proposal.status == "optimal" and proposal.gap == pytest.approx(0, abs=1e-6)
    lots = {tuple(s.key for s in lot.sites): lot for lot in proposal.lots}
    assert set(lots) == {("P0", "P1", "P2"), ("C0", "C1", "C2")}
    assert lots[("P0", "P1", "P2")].measure == RESERVED
    cergy = lots[("C0", "C1", "C2")]
    assert cergy.measure == CLAUSE and cergy.hours == 3 and "2 structure" in cergy.reason
    figures = proposal.figures(params)
    assert figures["reserved_share"] == pytest.approx(0.5) == figures["able_share"]
    assert figures["reserved_lots"] == 1 and figures["lots"] == 2 and figures["max_km"] < 0.3


def test_capacity_forces_two_lots():
    """Six Paris sites of 100 €, 3 able structures of capacity 100 € each (300 € around any centre).

    Proof. With one lot its amount is 600 > 300: not served, served amount 0. With up to two lots
    each served lot holds ≤ 300 €, so the served amount is ≤ 600, reached by two lots of 3 sites
    (300 ≤ 300 each). Hence optimum 600 (share 1) with max_lots = 2, and 0 with max_lots = 1.
    """
    sites = [Site(f"S{i}", f"Site {i}", 48.85 + 0.002 * i, 2.35, 100.0, "75") for i in range(6)]
    structures = _structures(48.855, 2.35, 3, 100.0)
    two = optimise(sites, structures, Params(min_lots=1, max_lots=2, max_km=20, radius_km=10))
    assert two.figures(Params())["reserved_share"] == pytest.approx(1.0)
    assert sorted(len(lot.sites) for lot in two.lots) == [3, 3]
    assert all(lot.measure == RESERVED for lot in two.lots)
    one = optimise(sites, structures, Params(min_lots=1, max_lots=1, max_km=20, radius_km=10))
    assert one.figures(Params())["reserved_share"] == 0.0
    assert one.lots[0].reason.startswith("Capacité")


def test_deterministic():
    structures = _structures(48.857, 2.352, 3, 1000.0)
    params = Params(min_lots=1, max_lots=3, max_km=30, radius_km=15)
    first = optimise(SIX, structures, params).as_dict(params)
    second = optimise(SIX, structures, params).as_dict(params)
    first.pop("seconds"), second.pop("seconds")
    assert first == second


def test_baseline_department_split_same_figures():
    structures = _structures(48.857, 2.352, 3, 1000.0) + _structures(49.036, 2.076, 2, 1000.0)
    params = Params(radius_km=10, hours_per_euro=0.01)
    base = department_split(SIX, structures, params)
    assert [lot.label for lot in base.lots] == ["Département 75", "Département 95"]
    assert base.figures(params)["reserved_share"] == pytest.approx(0.5)
    # 300 € reserved (3 h at least: the clause's volume) + 300 € under a clause (3 h)
    assert base.figures(params)["hours"] == 6
    assert [lot.hours for lot in base.lots] == [3, 3]
    # every site lies within 0.3 km of its department's centroid
    assert 0 < base.figures(params)["mean_km"] < 0.3


@pytest.mark.parametrize(
    "params, expected",
    [
        (Params(min_lots=2, max_lots=2, min_lot_amount=400), "baissez le nombre minimal de lots"),
        (Params(min_lots=1, max_lots=1, max_lot_amount=200), "augmentez le nombre maximal de lots"),
        (Params(max_km=0.01, candidates=2), "augmentez la distance maximale"),
        (Params(min_lots=3, max_lots=2), "nombre minimal de lots dépasse"),
    ],
)
def test_infeasible_gives_french_advice(params, expected):
    proposal = optimise(SIX, [], params)
    assert not proposal.ok and expected in proposal.error and not proposal.lots


def test_sites_kept_together_or_explained():
    """P0 and C0 must stay together: with max_km = 20 no centre is within 20 km of both (≈ 27 km
    apart), so the model is infeasible and says what to relax; with max_km = 50 they share a lot."""
    linked = [
        Site(s.key, s.name, s.lat, s.lon, s.amount, s.department, group="g" if s.key in ("P0", "C0") else "")
        for s in SIX
    ]
    bad = optimise(linked, [], Params(min_lots=1, max_lots=6, max_km=20))
    assert not bad.ok and "relâchez" in bad.error
    good = optimise(linked, [], Params(min_lots=1, max_lots=6, max_km=50))
    assert good.ok
    lot_of = {s.key: lot.label for lot in good.lots for s in lot.sites}
    assert lot_of["P0"] == lot_of["C0"]


def test_nearest_centres_keep_the_optimum_and_the_split():
    """Each site limited to its 2 nearest centres (+ its department's): a Paris site's 2 nearest
    candidates are Paris sites, so the two-town optimum is still reachable, and found."""
    structures = _structures(48.857, 2.352, 3, 1000.0) + _structures(49.036, 2.076, 2, 1000.0)
    for nearest in (0, 2):
        params = Params(min_lots=2, max_lots=2, max_km=20, radius_km=10, nearest=nearest)
        proposal = optimise(SIX, structures, params)
        assert proposal.ok and proposal.figures(params)["reserved_share"] == pytest.approx(0.5)
        assert {tuple(s.key for s in lot.sites) for lot in proposal.lots} == {
            ("P0", "P1", "P2"),
            ("C0", "C1", "C2"),
        }
