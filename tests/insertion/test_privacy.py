import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from dentelle.core.models import AuditLog
from dentelle.core.roles import Role
from dentelle.insertion.enums import DeclarationStatus
from dentelle.insertion.models import Beneficiary
from dentelle.insertion.privacy import purge, purge_due
from dentelle.insertion.report import build_report

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.FACILITATOR, True),
        (Role.DIRECTION, True),
        (Role.BUYER, False),
        (Role.PURCHASING_OFFICER, False),
        (Role.READER, False),
        (Role.SIAE_MEMBER, False),
    ],
    ids=lambda v: str(v),
)
def test_beneficiary_pages_only_for_facilitators_and_direction(client, make_user, beneficiary, role, allowed):
    client.force_login(make_user(role))
    for url in ("/insertion/beneficiaires/", f"/insertion/beneficiaires/{beneficiary.pk}/"):
        response = client.get(url)
        assert response.status_code == (200 if allowed else 403)
        assert (beneficiary.pseudonym in response.text) == allowed
    assert AuditLog.objects.exists() == allowed


def test_every_access_is_logged(client, facilitator, beneficiary):
    client.force_login(facilitator)
    client.get(f"/insertion/beneficiaires/{beneficiary.pk}/")
    entry = AuditLog.objects.get()
    assert (entry.user, entry.action, entry.object_type, entry.object_id) == (
        facilitator,
        "consultation",
        "insertion.Beneficiary",
        str(beneficiary.pk),
    )
    client.get("/insertion/beneficiaires/")
    assert AuditLog.objects.filter(action="liste_beneficiaires").count() == 1


def test_contract_page_hides_pseudonyms_from_buyers(client, buyer, facilitator, declaration):
    client.force_login(buyer)
    assert (
        declaration.beneficiary.pseudonym
        not in client.get(f"/insertion/marches/{declaration.contract_id}/").text
    )
    client.force_login(facilitator)
    assert (
        declaration.beneficiary.pseudonym in client.get(f"/insertion/marches/{declaration.contract_id}/").text
    )
    assert AuditLog.objects.filter(user=facilitator, action="liste_declarations").exists()


def test_beneficiary_of_another_organisation_is_not_found(client, make_beneficiary, facilitator):
    from dentelle.accounts.models import Organisation

    stranger = make_beneficiary(organisation=Organisation.objects.create(name="Autre"))
    client.force_login(facilitator)
    assert client.get(f"/insertion/beneficiaires/{stranger.pk}/").status_code == 404


def test_beneficiary_form_generates_a_pseudonym(client, facilitator):
    client.force_login(facilitator)
    response = client.post(
        "/insertion/beneficiaires/nouveau/",
        {
            "sex": "M",
            "age_band": "50_plus",
            "clause_categories": ["SENIOR_JOBSEEKER"],
            "iae_criteria": ["SENIOR"],
            "commune_insee_code": "93066",
            "exit_outcome": "",
        },
    )
    assert response.status_code == 302, response.content
    created = Beneficiary.objects.get()
    assert created.pseudonym.startswith("B-") and created.department_code == "93"
    assert created.clause_categories == ["SENIOR_JOBSEEKER"]


def _validated(declaration, facilitator):
    declaration.status = DeclarationStatus.VALIDATED
    declaration.validated_by = facilitator
    declaration.save()


def test_purge_blanks_personal_fields_after_retention_and_keeps_aggregates(
    declaration, facilitator, organisation, make_beneficiary, settings
):
    _validated(declaration, facilitator)
    old = declaration.beneficiary
    recent = make_beneficiary(contract_end=date.today())
    before = build_report(organisation, 2026)
    now = timezone.now()
    settings.DENTELLE_BENEFICIARY_RETENTION_DAYS = (now.date() - date(2026, 3, 31)).days - 1
    assert list(purge_due(now)) == [old]
    assert purge(purge_due(now), now) == 1
    old.refresh_from_db()
    assert old.purged_at is not None
    assert (old.commune_insee_code, old.contract_start, old.external_reference, old.notes) == (
        "",
        None,
        "",
        "",
    )
    assert (old.sex, old.is_qpv, old.department_code, old.employment_months) == (
        "F",
        True,
        "94",
        Decimal("3.0"),
    )
    recent.refresh_from_db()
    assert recent.purged_at is None and recent.notes
    assert build_report(organisation, 2026).summary == before.summary
    assert build_report(organisation, 2026).tables == before.tables


def test_purge_command_is_a_dry_run_by_default(beneficiary, settings):
    settings.DENTELLE_BENEFICIARY_RETENTION_DAYS = 0
    Beneficiary.objects.update(contract_end=date.today() - timedelta(days=10))
    out = io.StringIO()
    call_command("insertion", "purge-beneficiaries", stdout=out)
    assert "1 bénéficiaire(s) à purger" in out.getvalue()
    assert Beneficiary.objects.get().purged_at is None
    call_command("insertion", "purge-beneficiaries", "--wet-run", stdout=out)
    assert Beneficiary.objects.get().purged_at is not None


def test_beneficiary_still_in_path_is_never_purged(make_beneficiary, settings):
    settings.DENTELLE_BENEFICIARY_RETENTION_DAYS = 0
    make_beneficiary(contract_end=None, contract_start=None)
    assert not purge_due(timezone.now() + timedelta(days=5000)).exists()


def test_report_contains_no_personal_data(client, declaration, facilitator, organisation):
    _validated(declaration, facilitator)
    b = declaration.beneficiary
    report = build_report(organisation, 2026)
    summary = dict(report.summary)
    assert summary["Heures d'insertion réalisées (validées)"] == 100
    assert (
        summary["Part de femmes (%)"] == 100
        and summary["Part de jeunes de moins de 26 ans sans qualification (%)"] == 100
    )
    secrets = [b.pseudonym, b.commune_insee_code, b.external_reference, b.notes, str(b.pk)]
    workbook = load_workbook(io.BytesIO(report.xlsx()))
    cells = [
        str(c)
        for sheet in workbook
        for row in sheet.iter_rows(values_only=True)
        for c in row
        if c is not None
    ]
    page = client.get("/insertion/bilan/2026/") if client.force_login(facilitator) is None else None
    assert page.status_code == 200
    for secret in secrets[:4]:
        assert all(secret not in cell for cell in cells)
        assert secret not in page.text
    assert client.get("/insertion/bilan/2026.xlsx")["Content-Type"].startswith("application/vnd.openxml")
