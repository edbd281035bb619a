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
    Region.objects.create(code="11", name="Île-de-France")
    ReferentialLoad.objects.create(name="regions", version="COG 2024", source_file="x.csv", row_count=1)
    assert counts()["regions"] == 1
    with CaptureQueriesContext(connection) as kept:
        assert counts()["regions"] == 1
    assert len(kept) == 1  # the loads only, no COUNT
    Region.objects.create(code="32", name="Hauts-de-France")
    load = ReferentialLoad.objects.get(name="regions")
    load.version, load.row_count = "COG 2025", 2
    load.save()
    assert counts()["regions"] == 2
