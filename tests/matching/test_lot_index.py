"""The open lots' cached arrays: rebuilt when lots, operations, findings or the directory change."""

import pytest

from dentelle.matching import lot_index
from dentelle.matching.digest import open_lots
from dentelle.matching.index import get_structure_index
from dentelle.matching.lot_index import get_open_lot_arrays, invalidate_lot_index
from dentelle.matching.services import open_opportunities, opportunities_for_structure
from dentelle.purchases.models import Finding, FindingKind, Operation, OperationStatus
from tests.factories import LotFactory

pytestmark = pytest.mark.django_db


def builds():
    return dict(lot_index.stats)


def test_cache_is_reused_then_invalidated(lot, directory):
    invalidate_lot_index()
    arrays = get_structure_index(force=True)
    pks, first = get_open_lot_arrays(arrays)
    assert pks == [lot.pk]
    before = builds()
    assert get_open_lot_arrays(arrays)[1] is first and builds() == before  # nothing changed: reused

    lot.title = "Tonte et débroussaillage"
    lot.save()  # a save in this process: rebuilt with the new text
    _, second = get_open_lot_arrays(arrays)
    assert second is not first and "débroussaillage" in second.queries[0].text
    assert builds()["query_builds"] == before["query_builds"] + 1

    # A bulk insert sends no signal: the fingerprint (count of findings) still sees it.
    Finding.objects.bulk_create([Finding(lot=lot, rule_id="R-TEST", kind=FindingKind.RESERVATION)])
    assert get_open_lot_arrays(arrays)[1] is not second

    # A bulk status update neither: the open-lot count changes, the closed lot leaves the cache.
    Operation.objects.filter(pk=lot.operation_id).update(status=OperationStatus.AWARDED)
    pks, third = get_open_lot_arrays(arrays)
    assert pks == [] and third.size == 0


def test_new_structure_index_rebuilds_the_arrays_not_the_queries(lot, directory):
    invalidate_lot_index()
    _, first = get_open_lot_arrays(get_structure_index(force=True))
    before = builds()
    _, second = get_open_lot_arrays(get_structure_index(force=True))
    assert second is not first
    assert builds()["query_builds"] == before["query_builds"]
    assert builds()["array_builds"] == before["array_builds"] + 1


def test_open_opportunities_match_the_uncached_path(lot, directory, organisation):
    other = LotFactory(operation=lot.operation, number="2", cleaning=True, annual_amount=50_000)
    invalidate_lot_index()
    for siae in (directory["jardins"], directory["proprete"], directory["esat"]):
        cached = open_opportunities(siae, top=5)
        direct = opportunities_for_structure(siae, list(open_lots()), top=5)
        assert [(lot_.pk, item) for lot_, item in cached] == [(lot_.pk, item) for lot_, item in direct]
        assert cached  # each of them has at least one opportunity
    assert open_opportunities(directory["proprete"], top=1)[0][0].pk == other.pk
    assert open_opportunities(directory["closed"]) == []  # inactive: eligible nowhere
