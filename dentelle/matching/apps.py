from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "dentelle.matching"
    verbose_name = "Mise en relation"

    def ready(self):
        # Imported here: the engine's modules load models, which the app registry is not ready for
        # when this module is imported.
        from dentelle.matching.supply import ENGINE
        from dentelle.purchases.supply import register_engine
        from dentelle.referentials.warmup import register_warmer

        register_warmer(warm_matching_indexes)
        register_engine(ENGINE)  # purchases sits below matching: it gets the engine handed over


def warm_matching_indexes():
    """Background warm-up (referentials/warmup.py): the structure index and the open lots' arrays,
    so the first matching page of a process does not build them."""
    # lazy: apps.py is imported before the app registry is ready; the indexes load models
    from dentelle.matching.index import get_structure_index
    from dentelle.matching.lot_index import get_open_lot_arrays

    get_open_lot_arrays(get_structure_index())
