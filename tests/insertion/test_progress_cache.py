"""Data versions kept by database triggers, and the per-process cache keyed by them (core.versions)."""

import pytest

from dentelle.core import versions
from dentelle.core.formatting import format_number
from dentelle.core.models import DataVersion
from dentelle.insertion.dashboard import PROGRESS_VERSION
from dentelle.insertion.models import AnnualObjective

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    versions.clear()
    yield
    versions.clear()


def test_every_kind_of_write_to_a_tracked_table_changes_the_token(organisation):
    before = versions.data_version(PROGRESS_VERSION)
    objective = AnnualObjective.objects.create(organisation=organisation, year=2031, hours=1000)
    after_insert = versions.data_version(PROGRESS_VERSION)
    AnnualObjective.objects.filter(pk=objective.pk).update(hours=2000)  # no signal, no save()
    after_update = versions.data_version(PROGRESS_VERSION)
    AnnualObjective.objects.filter(pk=objective.pk).delete()
    after_delete = versions.data_version(PROGRESS_VERSION)
    tokens = [before, after_insert, after_update, after_delete]
    assert None not in tokens and len(set(tokens)) == 4


def test_a_table_outside_the_version_leaves_it_alone(organisation):
    from dentelle.core.models import AuditLog

    before = versions.data_version(PROGRESS_VERSION)
    AuditLog.objects.create(action="vue", object_type="test")
    assert versions.data_version(PROGRESS_VERSION) == before


def test_the_cache_rebuilds_only_when_the_token_changes(organisation):
    calls = []

    def build():
        calls.append(1)
        return len(calls)

    assert versions.cached_for_version(PROGRESS_VERSION, "k", build) == 1
    assert versions.cached_for_version(PROGRESS_VERSION, "k", build) == 1
    assert versions.cached_for_version(PROGRESS_VERSION, "other key", build) == 2
    AnnualObjective.objects.create(organisation=organisation, year=2031, hours=1000)
    assert versions.cached_for_version(PROGRESS_VERSION, "k", build) == 3


def test_without_a_version_row_nothing_is_cached(organisation):
    DataVersion.objects.filter(name=PROGRESS_VERSION).delete()
    assert versions.data_version(PROGRESS_VERSION) is None
    counter = iter(range(10))
    assert versions.cached_for_version(PROGRESS_VERSION, "k", lambda: next(counter)) == 0
    assert versions.cached_for_version(PROGRESS_VERSION, "k", lambda: next(counter)) == 1
    # The next write recreates the row: caching resumes.
    AnnualObjective.objects.create(organisation=organisation, year=2031, hours=1000)
    assert versions.data_version(PROGRESS_VERSION) is not None


def test_the_dashboard_and_the_api_never_show_a_stale_figure(client, make_user, organisation, objective):
    from dentelle.core.roles import Role

    client.force_login(make_user(Role.PURCHASING_OFFICER))
    url = "/insertion/?annee=2026&au=2026-06-30"
    first = client.get(url).content.decode()
    api_first = client.get("/api/insertion/progress?year=2026&as_of=2026-06-30").json()
    # A raw update (bulk edit, another process): no Django signal is sent, the trigger still fires.
    AnnualObjective.objects.filter(pk=objective.pk).update(hours=123456)
    second = client.get(url).content.decode()
    api_second = client.get("/api/insertion/progress?year=2026&as_of=2026-06-30").json()
    shown = format_number(123456)
    assert shown not in first and shown in second
    assert api_first["objective"] != 123456 and api_second["objective"] == 123456
