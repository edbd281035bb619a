import re

import pytest
from django.apps import apps
from django.contrib import admin

from dentelle.accounts.models import User

OUR_APPS = {
    "core",
    "accounts",
    "referentials",
    "rules",
    "siaes",
    "purchases",
    "matching",
    "insertion",
    "decp",
    "jobs",
}


def test_every_model_is_in_the_admin():
    missing = [
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS and model not in admin.site._registry
    ]
    assert missing == []


@pytest.mark.django_db
def test_admin_changelists_open(client):
    client.force_login(User.objects.create_superuser("root", "r@localhost", "mot-de-passe-solide-42"))
    for model in admin.site._registry:
        if model._meta.app_label not in OUR_APPS:
            continue
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_beneficiary_admin_access_is_logged(client):
    from dentelle.core.models import AuditLog

    client.force_login(User.objects.create_superuser("root", "r@localhost", "mot-de-passe-solide-42"))
    client.get("/admin/insertion/beneficiary/")
    assert AuditLog.objects.filter(object_type="insertion.Beneficiary", action="admin_list").exists()


@pytest.mark.django_db
def test_admin_index_is_in_french(client):
    from tests.core.page_checks import english_words

    client.force_login(User.objects.create_superuser("root", "r@localhost", "mot-de-passe-solide-42"))
    html = client.get("/admin/").content.decode()
    assert "Administration de Dentelle" in html
    for app_label in OUR_APPS:
        assert apps.get_app_config(app_label).verbose_name != app_label.title(), app_label
    assert "Programmation des achats" in html and "Annuaire des SIAE" in html
    assert english_words(html.split("<body", 1)[1]) == []


@pytest.mark.django_db
def test_rows_the_application_writes_are_read_only_in_the_admin(client):
    from dentelle.core.admin import ReadOnlyAdmin
    from dentelle.core.models import AuditLog

    client.force_login(User.objects.create_superuser("root", "r@localhost", "mot-de-passe-solide-42"))
    read_only = {
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, ReadOnlyAdmin)
    }
    assert read_only >= {"core.AuditLog", "core.DataVersion", "jobs.Job", "insertion.RealisedMonth"}
    for label in read_only:
        app_label, model_name = label.lower().split(".")
        assert client.get(f"/admin/{app_label}/{model_name}/add/").status_code == 403, label
    row = AuditLog.objects.create(action="login")
    page = client.get(f"/admin/core/auditlog/{row.pk}/change/")
    assert page.status_code == 200 and b'name="action"' not in page.content


def test_audit_entry_reads_paris_time_and_a_french_action():
    from datetime import UTC, datetime

    from dentelle.core.models import AuditLog

    entry = AuditLog(
        at=datetime(2026, 12, 7, 16, 43, tzinfo=UTC),
        action="admin_view",
        object_type="insertion.Beneficiary",
        object_id="1",
    )
    assert str(entry) == (
        "07/12/2026 17:43 anonyme : fiche d'un bénéficiaire (administration) (insertion.Beneficiary:1)"
    )
    assert AuditLog(action="un_code_nouveau").action_label == "un code nouveau"


@pytest.mark.django_db
def test_access_journal_cannot_be_deleted_by_hand(client):
    from dentelle.core.models import AuditLog

    client.force_login(User.objects.create_superuser("root", "r@localhost", "mot-de-passe-solide-42"))
    row = AuditLog.objects.create(action="admin_view", object_type="insertion.Beneficiary", object_id="1")
    assert client.get(f"/admin/core/auditlog/{row.pk}/delete/").status_code == 403
    listing = client.get("/admin/core/auditlog/").content.decode()
    assert "delete_selected" not in listing
    assert "fiche d&#x27;un bénéficiaire (administration)" in listing and ">admin_view<" not in listing
    response = client.post(
        "/admin/core/auditlog/", {"action": "delete_selected", "_selected_action": [row.pk]}
    )
    assert response.status_code in (200, 302) and AuditLog.objects.filter(pk=row.pk).exists()
    page = client.get(f"/admin/core/auditlog/{row.pk}/change/").content.decode()
    assert "admin_view" in page  # the stored code is still shown, under its label


@pytest.mark.django_db
def test_task_queue_admin_is_in_french(client):
    client.force_login(User.objects.create_superuser("root", "r@localhost", "mot-de-passe-solide-42"))
    index = client.get("/admin/").content.decode()
    assert "Résultats de tâches" in index and "Task Results" not in index
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="dentelle.x",
        backend_name="default",
        run_after=timezone.now(),
    )
    html = client.get("/admin/django_tasks_database/dbtaskresult/").content.decode()
    body = html.split("<body", 1)[1].split(">", 1)[1]
    listing = re.sub(r"<[^>]+>", " ", body).lower()  # the text a reader sees
    assert re.findall(r"\w*task\w*", listing.replace("(django-tasks)", "")) == []
    for label in ("identifiant", "mise en file le", "tâche", "priorité", "nom de la file", "prête"):
        assert label in listing, label


@pytest.mark.django_db
def test_the_monthly_summary_cannot_be_deleted_by_hand(client):
    client.force_login(User.objects.create_superuser("root", "r@localhost", "mot-de-passe-solide-42"))
    page = client.get("/admin/insertion/realisedmonth/")
    assert page.status_code == 200 and b"delete_selected" not in page.content
