"""Which reference data are loaded: counts and versions (home page, CLI, API)."""

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


def referential_status():
    loads = {load.name: load for load in ReferentialLoad.objects.all()}
    rows = []
    for key, (label, model) in LABELS.items():
        load = loads.get(key)
        rows.append(
            {
                "key": key,
                "label": label,
                "count": model.objects.count(),
                "version": load.version if load else "",
                "loaded_at": load.loaded_at if load else None,
            }
        )
    return rows
