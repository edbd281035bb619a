"""The home page's referential counts are kept a minute and recounted as soon as a load changes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dentelle.referentials.models import ReferentialLoad, Region
from dentelle.referentials.status import referential_status


def counts():
    return {row["key"]: row["count"] for row in referential_status()}


@pytest.mark.django_db
def test_counts_are_kept_then_recounted_when_a_load_changes():
    # Whatever an earlier test left loaded for the session: only differences are asserted.
    before = Region.objects.count()
    load, _ = ReferentialLoad.objects.update_or_create(
        name="regions", defaults={"version": "essai 1", "source_file": "x.csv", "row_count": before}
    )
    assert counts()["regions"] == before
    with CaptureQueriesContext(connection) as kept:
        assert counts()["regions"] == before
    assert len(kept) == 1  # the loads only, no COUNT
    Region.objects.create(code="99", name="Région d'essai")
    assert counts()["regions"] == before  # kept: no load changed
    load.version = "essai 2"
    load.save()
    assert counts()["regions"] == before + 1
