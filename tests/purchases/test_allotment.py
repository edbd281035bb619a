from decimal import Decimal

from dentelle.purchases.allotment import Unit, propose_split


def test_split_follows_weights_and_adds_up():
    units = [
        Unit("department", "75", "Paris", 5, Decimal("3")),
        Unit("department", "93", "Seine-Saint-Denis", 4, Decimal("1")),
    ]
    proposal = propose_split(Decimal("400000"), units, Decimal("40000"), 2)
    assert [lot.amount for lot in proposal.after] == [Decimal("300000.00"), Decimal("100000.00")]
    assert proposal.splits


def test_small_or_unserved_units_are_grouped_not_orphaned():
    units = [Unit("ept", str(i), f"EPT {i}", 3 if i < 3 else 0) for i in range(1, 6)]
    proposal = propose_split(Decimal("500000"), units, Decimal("40000"), 2)
    codes = sorted(u.code for lot in proposal.after for u in lot.units)
    assert codes == ["1", "2", "3", "4", "5"]
    assert sum(lot.amount for lot in proposal.after) == Decimal("500000")


def test_no_split_when_nothing_qualifies():
    units = [Unit("department", "75", "Paris", 1), Unit("department", "93", "SSD", 1)]
    assert not propose_split(Decimal("400000"), units, Decimal("40000"), 2).splits
