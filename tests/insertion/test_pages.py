import html
import io
import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dentelle.core.roles import Role
from dentelle.insertion import charts
from dentelle.insertion.progress import Realised, compute_progress

pytestmark = pytest.mark.django_db


def test_dashboard_shows_status_figures_and_inline_charts(client, make_user, declaration, objective):
    declaration.status = "validated"
    declaration.save()
    client.force_login(make_user(Role.READER))
    page = client.get("/insertion/?annee=2026&au=2026-06-30").text
    assert 'data-status="at_risk"' in page and "À risque" in page
    assert page.count("<svg") >= 4
    assert not re.search(r'(src|href)="https?://', page)  # nothing fetched from outside
    assert "Direction des lycées" in page


def test_dashboard_refused_to_siae_members(client, make_user):
    client.force_login(make_user(Role.SIAE_MEMBER))
    assert client.get("/insertion/").status_code == 403


def test_contract_page_shows_the_clause_with_copy_button(client, contract, facilitator):
    facilitator.first_name, facilitator.last_name, facilitator.email = "Nadia", "F", "nadia@example.org"
    facilitator.save()
    client.force_login(facilitator)
    page = client.get(f"/insertion/marches/{contract.pk}/").text
    assert 'id="copy-clause"' in page and "nadia@example.org" in page and "1\u202f200 heures" in page


def test_upload_page_runs_a_dry_run_and_reports_rows(client, contract, beneficiary, facilitator):
    client.force_login(facilitator)
    data = b"marche;mois;modalite;beneficiaire;heures\nM-001;2026-02;DIRECT_HIRE;DOSSIER-42;12\nM-404;2026-02;X;Y;z\n"
    page = client.post("/insertion/declarations/import/", {"file": SimpleUploadedFile("h.csv", data)}).text
    assert "rien n'a été enregistré" in page and "marché inconnu" in page


def test_refused_import_says_to_create_not_created_and_keeps_decimals(
    client, contract, beneficiary, facilitator
):
    client.force_login(facilitator)
    data = (
        b"marche;mois;modalite;beneficiaire;heures\n"
        b"M-001;2026-02;Embauche directe;DOSSIER-42;35,5\nM-404;2026-02;X;Y;z\n"
    )
    page = client.post("/insertion/declarations/import/", {"file": SimpleUploadedFile("h.csv", data)}).text
    assert "rien n'a été enregistré" in page and "créées" not in page
    assert "déclarations valides, à créer : 1" in page and "heures valides, à déclarer : 35,5" in page
    assert "<code>DIRECT_HIRE</code> « Embauche directe »" in page  # the French label beside the code


def test_recorded_import_says_created(client, contract, beneficiary, facilitator):
    client.force_login(facilitator)
    data = b"marche;mois;modalite;beneficiaire;heures\nM-001;2026-02;DIRECT_HIRE;DOSSIER-42;35,5\n"
    page = client.post(
        "/insertion/declarations/import/", {"file": SimpleUploadedFile("h.csv", data), "wet_run": "on"}
    ).text
    assert "déclarations créées : 1" in page and "heures déclarées : 35,5" in page


def test_upload_size_is_limited(client, facilitator, settings):
    settings.DENTELLE_MAX_UPLOAD_BYTES = 10
    client.force_login(facilitator)
    page = client.post(
        "/insertion/declarations/import/", {"file": SimpleUploadedFile("h.csv", b"x" * 11)}
    ).text
    assert "Fichier trop volumineux" in page


def test_charts_escape_labels_and_need_no_resource():
    progress = compute_progress(
        year=2026,
        as_of=date(2026, 4, 1),
        objective=100,
        realised=Realised.from_records([{"month": 1, "hours": 10, "service": "<script>"}]),
    )
    svg = charts.breakdown_chart(progress.breakdowns["service"], title="t")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "http" not in charts.cumulative_chart(progress).replace("http://www.w3.org/2000/svg", "")


def test_demo_step_is_deterministic_and_idempotent(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # demo users, fast
    from dentelle.accounts.demo import load_demo_organisation
    from dentelle.insertion.demo import load_insertion_demo
    from dentelle.insertion.models import AnnualObjective, Contract, HoursDeclaration

    load_demo_organisation(io.StringIO())
    load_insertion_demo(io.StringIO())
    first = (Contract.objects.count(), HoursDeclaration.objects.count())
    assert first[0] > 0 and first[1] > 0
    assert AnnualObjective.objects.get().hours == 170000
    out = io.StringIO()
    load_insertion_demo(out)
    assert "déjà chargée" in out.getvalue()
    assert (Contract.objects.count(), HoursDeclaration.objects.count()) == first


def test_beneficiary_page_shows_french_labels_not_codes(client, beneficiary, facilitator):
    beneficiary.clause_categories = ["GEIQ_EMPLOYEE", "YOUTH_LOW_QUALIFICATION"]
    beneficiary.save()
    client.force_login(facilitator)
    page = html.unescape(client.get(f"/insertion/beneficiaires/{beneficiary.pk}/").text)
    assert "Salarié d'un GEIQ ; Jeune de moins de 26 ans peu ou pas qualifié" in page
    assert "Jeune (- de 26 ans) ; Niveau d'étude 3 (CAP, BEP) ou infra" in page
    assert "GEIQ_EMPLOYEE" not in page and "CAP_BEP" not in page


def test_contract_page_names_the_trade_family_in_french(client, contract, facilitator):
    contract.trade_family = "cleaning"
    contract.save()
    client.force_login(facilitator)
    page = client.get(f"/insertion/marches/{contract.pk}/").text
    assert "· cleaning" not in page and "· Nettoyage" in page
