"""Which reference data are loaded: counts and versions (home page, CLI, API)."""

import hashlib

from django.core.cache import cache

from dentelle.referentials.models import REFERENTIAL_TABLES, ReferentialLoad

# One label for each of REFERENTIAL_TABLES, in the order they are shown.
LABELS = {
    "cpv": "Nomenclature CPV 2008",
    "regions": "Régions",
    "departments": "Départements",
    "communes": "Communes (COG)",
    "groupings": "EPCI et EPT",
    "naf": "Nomenclature NAF rév. 2",
}


COUNTS_SECONDS = 60


def referential_status():
    loads = {load.name: load for load in ReferentialLoad.objects.all()}
    counts = _counts(loads)
    rows = []
    for key, label in LABELS.items():
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
        counts = {key_: model.objects.count() for key_, model in REFERENTIAL_TABLES.items()}
        cache.set(key, counts, COUNTS_SECONDS)
    return counts
