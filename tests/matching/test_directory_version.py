"""The index's directory version: one row changed by database triggers, whoever writes."""

import pytest
from django.db import connection

from dentelle.matching import index
from dentelle.matching.index import directory_version, get_structure_index
from dentelle.siaes.models import Capacity, Competence, ServiceArea, Siae, WonContract

pytestmark = pytest.mark.django_db


def as_another_process():
    """Forget this process's save signals: only the database can tell that something changed."""
    index._state["dirty"] = False


def test_bulk_writes_without_signals_change_the_version(directory):
    siae = directory["proprete"]
    seen = {directory_version()}
    writes = [
        lambda: Competence.objects.bulk_create([Competence(siae=siae, cpv_prefix="7799", origin="sourcing")]),
        lambda: Competence.objects.filter(siae=siae).update(rationale="Vu sur place"),
        lambda: Siae.objects.filter(pk=siae.pk).update(name="Autre nom"),
        lambda: ServiceArea.objects.bulk_create([ServiceArea(siae=siae, kind="department", code="75")]),
        lambda: Capacity.objects.bulk_create(
            [Capacity(siae=siae, metric="annual_turnover", value=1000, source="test", as_of="2026-01-01")]
        ),
        lambda: WonContract.objects.bulk_create(
            [WonContract(siae=siae, buyer_name="Ville", object="Tonte", cpv_code="77310000")]
        ),
        lambda: WonContract.objects.filter(siae=siae)._raw_delete(connection.alias),
    ]
    for write in writes:
        write()
        version = directory_version()
        assert version and version not in seen
        seen.add(version)


def test_an_import_in_another_process_is_seen(directory):
    arrays = get_structure_index()
    as_another_process()
    assert get_structure_index() is arrays
    with connection.cursor() as cursor:  # raw SQL: no model, no signal, as another process would write
        cursor.execute(
            f"INSERT INTO {Competence._meta.db_table} (siae_id, cpv_prefix, origin, rationale, created_at) "
            "VALUES (%s, %s, %s, %s, CURRENT_TIMESTAMP)",
            [directory["proprete"].pk, "7799", "sourcing", ""],
        )
    as_another_process()
    rebuilt = get_structure_index()
    assert rebuilt is not arrays
    assert rebuilt.comp_digits.shape[0] == arrays.comp_digits.shape[0] + 1
