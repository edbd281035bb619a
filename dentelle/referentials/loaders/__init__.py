"""Reference-data loaders, one module per referential, and the driver used by the CLI and the tests."""

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from dentelle.core.importing import ImportReport, run_import
from dentelle.referentials.index import invalidate_index
from dentelle.referentials.loaders import cpv, geo, naf
from dentelle.referentials.loaders.base import ReferenceFileError
from dentelle.referentials.models import ReferentialLoad

# Order matters only for reading; writes use deferred foreign keys within one transaction.
LOADERS = {"cpv": cpv, "geo": geo, "naf": naf}
# Which ReferentialLoad rows (see status.py) each loader records.
RECORDED_AS = {"cpv": ["cpv"], "geo": ["regions", "departments", "communes", "groupings"], "naf": ["naf"]}

__all__ = ["LOADERS", "LoadOutcome", "ReferenceFileError", "load_referentials"]


@dataclass
class LoadOutcome:
    name: str
    version: str
    files: list[Path]
    report: ImportReport = field(default_factory=ImportReport)
    skipped: bool = False
    committed: bool = False


def _record(name, version_text, files, report):
    source = ", ".join(str(path) for path in files)[:400]
    for key in RECORDED_AS[name]:
        rows = sum(value for label, value in report.counts.items() if "supprimés" not in label)
        ReferentialLoad.objects.update_or_create(
            name=key, defaults={"version": version_text[:100], "source_file": source, "row_count": rows}
        )


class _Cancelled(Exception):
    """Rolls every referential back when one of them has a blocking error."""


def load_referentials(data_dir, *, only=None, wet_run=False, if_changed=False):
    """Load the chosen referentials in one transaction; returns one outcome per referential.

    Every file is located before anything is written. Raises ReferenceFileError on a missing or
    unreadable file; any row error cancels the whole load, so the database is left unchanged.
    """

    plans = []
    for name in only or LOADERS:
        module = LOADERS[name]
        files = module.find_files(Path(data_dir))
        file_list = list(files.values()) if isinstance(files, dict) else list(files)
        outcome = LoadOutcome(name, module.version(files), file_list)
        outcome.report.source = ", ".join(path.name for path in file_list)
        plans.append((module, files, outcome))

    outcomes = [outcome for _module, _files, outcome in plans]
    try:
        with transaction.atomic():
            for module, files, outcome in plans:
                recorded = ReferentialLoad.objects.filter(name=RECORDED_AS[outcome.name][0]).values_list(
                    "version", flat=True
                )
                if if_changed and recorded.first() == outcome.version:
                    outcome.skipped = True
                    continue

                def importer(report, module=module, files=files, outcome=outcome):
                    module.load(files, report)
                    if report.ok:
                        _record(outcome.name, outcome.version, outcome.files, report)

                _report, outcome.committed = run_import(importer, wet_run=wet_run, report=outcome.report)
            if any(not outcome.report.ok for outcome in outcomes):
                raise _Cancelled
    except _Cancelled:
        for outcome in outcomes:
            outcome.committed = False
    if any(outcome.committed for outcome in outcomes):
        invalidate_index()
    return outcomes
