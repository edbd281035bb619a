from pathlib import Path

import pytest

from dentelle.core.importing import ImportReport, run_import
from dentelle.siaes.importers import import_file

DATA = Path(__file__).resolve().parent.parent / "data" / "siaes"


@pytest.fixture
def index(referentials_loaded):
    return referentials_loaded


@pytest.fixture
def run(index):
    """Import a file of tests/data/siaes (wet, non-strict) and return the report."""

    def _run(source, name, wet=True, strict=False, path=None):
        report, committed = run_import(
            import_file,
            wet_run=wet,
            report=ImportReport(),
            strict=strict,
            source=source,
            path=str(path or DATA / name),
        )
        report.committed = committed
        return report

    return _run
