from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "dentelle.matching"
    verbose_name = "Mise en relation"
    label = "matching"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from dentelle.referentials.warmup import register_warmer

        register_warmer(warm_matching_indexes)


def warm_matching_indexes():
    """Background warm-up (referentials/warmup.py): the structure index and the open lots' arrays,
    so the first matching page of a process does not build them."""
    from dentelle.matching.index import get_structure_index
    from dentelle.matching.lot_index import get_open_lot_arrays

    get_open_lot_arrays(get_structure_index())
