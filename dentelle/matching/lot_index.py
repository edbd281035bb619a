"""The open lots as arrays, cached per process for the structures' opportunities.

`get_open_lot_arrays(arrays)` returns (lot pks, LotArrays) of the open lots. The lots' queries (places
resolved, texts read) are rebuilt only when the lots changed: a fingerprint of lots, operations and
findings (counts, last update, open-lot count and pk sum, so a bulk status update is seen too) is
compared on every call (one cheap query per table), and a save or delete in this process marks the
cache dirty at once (signals). The arrays are rebuilt too when the structure index was rebuilt
(its vocabularies of departments and words change).
"""

import threading

from django.db.models import Count, Max, Sum
from django.db.models.signals import post_delete, post_save

from dentelle.matching.description import query_of
from dentelle.matching.digest import OPEN_STATUSES, open_lots
from dentelle.matching.lot_arrays import build_lot_arrays
from dentelle.matching.weights import load_weights
from dentelle.purchases.models import Finding, Lot, Operation
from dentelle.referentials.index import get_index

_lock = threading.Lock()
_state = {
    "version": None,
    "dirty": True,
    "referentials": None,
    "weights": None,
    "pks": None,
    "queries": None,
    "arrays": None,
    "lots": None,
}
stats = {"query_builds": 0, "array_builds": 0}  # read by tests: how often each layer was rebuilt


def lots_version():
    """A cheap fingerprint of everything the open lots' queries read."""
    parts = []
    for model in (Lot, Operation, Finding):
        row = model.objects.aggregate(n=Count("pk"), last=Max("updated_at"), top=Max("pk"))
        parts.append((row["n"], str(row["last"]), row["top"]))
    row = Lot.objects.filter(operation__status__in=OPEN_STATUSES).aggregate(n=Count("pk"), s=Sum("pk"))
    parts.append((row["n"], row["s"]))
    return tuple(parts)


def invalidate_lot_index(**_kwargs):
    _state["dirty"] = True


for _model in (Lot, Operation, Finding):
    post_save.connect(invalidate_lot_index, sender=_model, dispatch_uid=f"matching-lots-{_model.__name__}")
    post_delete.connect(
        invalidate_lot_index, sender=_model, dispatch_uid=f"matching-lots-del-{_model.__name__}"
    )


def get_open_lot_arrays(arrays):
    """(pks of the open lots, their LotArrays in the vocabularies of structure index `arrays`)."""
    with _lock:
        version = lots_version()
        index = get_index()  # places are resolved against the referentials: a reload changes them
        if _state["dirty"] or version != _state["version"] or _state["referentials"] is not index:
            lots = list(open_lots())
            _state.update(
                version=version,
                referentials=index,
                pks=[lot.pk for lot in lots],
                queries=[query_of(lot) for lot in lots],
                arrays=None,
                dirty=False,
            )
            stats["query_builds"] += 1
        weights = load_weights()
        if _state["arrays"] is not arrays or _state["weights"] is not weights:
            _state.update(
                arrays=arrays, weights=weights, lots=build_lot_arrays(_state["queries"], arrays, weights)
            )
            stats["array_builds"] += 1
        return _state["pks"], _state["lots"]
