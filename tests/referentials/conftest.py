import shutil
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data" / "referentials"


@pytest.fixture
def empty_referentials(db):
    """Start from empty referential tables (inside the test's transaction, so the real data come back).

    Plain SQL deletes: the ORM would first fetch the 9,454 self-referencing CPV codes to cascade.
    Foreign keys are checked at commit (deferred), and the test's transaction is rolled back.
    """
    from django.db import connection

    from dentelle.referentials.index import invalidate_index
    from dentelle.referentials.models import (
        Commune,
        CpvCode,
        Department,
        Grouping,
        NafCode,
        ReferentialLoad,
        Region,
    )

    with connection.cursor() as cursor:
        for model in (Commune, Grouping, Department, Region, ReferentialLoad, CpvCode, NafCode):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
    invalidate_index()


@pytest.fixture
def small_data(tmp_path, empty_referentials):
    """A copy of the small, hand-picked reference files, safe to corrupt in a test."""
    target = tmp_path / "data"
    shutil.copytree(DATA / "good", target)
    return target


@pytest.fixture
def cog_data(tmp_path):
    """The shared CPV/NAF files plus the official INSEE COG layout for territories."""
    target = tmp_path / "official"
    shutil.copytree(DATA / "good", target)
    for name in ("regions.csv", "departements.csv", "communes.csv", "epci.csv", "ept.csv"):
        (target / "geo" / name).unlink()
    for path in (DATA / "cog").iterdir():
        shutil.copy(path, target / "geo" / path.name)
    return target
