"""A plan import in tests, as the upload job runs it: through ``run_import``, wet by default."""

from dentelle.core.importing import run_import
from dentelle.purchases.importer import import_plan


def run_plan_import(plan_data, report, organisation, *, importer=import_plan, wet_run=True, **options):
    """Import ``plan_data`` (read into ``report``) into ``organisation``: ``(report, committed)``."""
    return run_import(
        importer, wet_run=wet_run, report=report, plan_data=plan_data, organisation=organisation, **options
    )
