"""Which reference data are loaded: counts and versions (home page, CLI, API)."""

import hashlib

from django.core.cache import cache

from dentelle.referentials.models import (
    Commune,
    CpvCode,
    Department,
    Grouping,
    NafCode,
    ReferentialLoad,
    Region,
)

LABELS = {
    "cpv": ("Nomenclature CPV 2008", CpvCode),
    "regions": ("Régions", Region),
    "departments": ("Départements", Department),
    "communes": ("Communes (COG)", Commune),
    "groupings": ("EPCI et EPT", Grouping),
    "naf": ("Nomenclature NAF rév. 2", NafCode),
}


COUNTS_SECONDS = 60


def referential_status():
    loads = {load.name: load for load in ReferentialLoad.objects.all()}
    counts = _counts(loads)
    rows = []
    for key, (label, _model) in LABELS.items():
        load = loads.get(key)
        rows.append(
            {
                "key": key,
                "label": label,
                "count": counts[key],
                "version": load.version if load else "",
                "loaded_at": load.loaded_at if load else None,
            }
        )
    return rows


def _counts(loads):
    """Rows of each referential. Counting the 35,000 communes on every home page cost more than the rest of
    the page: the counts are kept a minute, and recounted at once when a load changes."""
    signature = sorted(
        (name, load.version, load.loaded_at.isoformat(), load.row_count) for name, load in loads.items()
    )
    key = "referentials-status-counts:" + hashlib.sha256(repr(signature).encode()).hexdigest()[:32]
    counts = cache.get(key)
    if counts is None:
        counts = {key_: model.objects.count() for key_, (_label, model) in LABELS.items()}
        cache.set(key, counts, COUNTS_SECONDS)
    return counts
