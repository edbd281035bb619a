from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dentelle.core.roles import Role
from dentelle.insertion import declarations as service
from dentelle.insertion.enums import DeclarationStatus, FulfilmentMode
from dentelle.insertion.models import HoursDeclaration

pytestmark = pytest.mark.django_db


def realised_total():
    return sum(d.hours for d in HoursDeclaration.objects.realised())


def test_only_a_facilitator_validates(declaration, make_user, facilitator):
    with pytest.raises(PermissionDenied):
        service.validate(declaration, user=make_user(Role.DIRECTION))
    validated = service.validate(declaration, user=facilitator)
    assert validated.status == DeclarationStatus.VALIDATED and validated.validated_by == facilitator
    assert validated.validated_at is not None


def test_draft_does_not_count_until_validated(declaration, facilitator):
    assert realised_total() == 0
    service.validate(declaration, user=facilitator)
    assert realised_total() == 100


def test_correcting_a_validated_declaration_keeps_it_counting_until_the_correction_is_validated(
    declaration, facilitator
):
    service.validate(declaration, user=facilitator)
    correction = service.correct(
        declaration, user=facilitator, comment="erreur de saisie", hours=Decimal("80")
    )
    assert correction.version == 2 and correction.supersedes == declaration
    assert correction.status == DeclarationStatus.DRAFT
    assert realised_total() == 100  # the old validated version still counts
    service.validate(correction, user=facilitator)
    declaration.refresh_from_db()
    assert declaration.superseded_at is not None and declaration.hours == 100  # kept, not overwritten
    assert realised_total() == 80
    assert [d.version for d in service.history(declaration)] == [1, 2]


def test_correcting_a_draft_replaces_it_at_once(declaration, facilitator):
    correction = service.correct(declaration, user=facilitator, comment="mois faux", month=date(2026, 3, 9))
    declaration.refresh_from_db()
    assert declaration.superseded_at is not None
    assert correction.month == date(2026, 3, 1)
    assert list(HoursDeclaration.objects.current()) == [correction]


def test_a_version_is_corrected_once_and_superseded_ones_cannot_be_validated(declaration, facilitator):
    service.correct(declaration, user=facilitator, comment="1", hours=Decimal("90"))
    with pytest.raises(ValidationError, match="déjà été corrigée"):
        service.correct(declaration, user=facilitator, comment="2", hours=Decimal("70"))
    with pytest.raises(ValidationError, match="remplacée"):
        service.validate(declaration, user=facilitator)


def test_correction_needs_a_reason_and_a_declaring_role(declaration, facilitator, buyer):
    with pytest.raises(ValidationError, match="motif"):
        service.correct(declaration, user=facilitator, comment=" ", hours=Decimal("1"))
    with pytest.raises(PermissionDenied):
        service.correct(declaration, user=buyer, comment="x", hours=Decimal("1"))


def test_month_outside_the_contract_is_refused(contract, beneficiary, facilitator):
    with pytest.raises(ValidationError, match="hors de la période"):
        service.declare(
            contract=contract,
            month=date(2027, 1, 1),
            fulfilment_mode=FulfilmentMode.TRAINING,
            beneficiary=beneficiary,
            hours=Decimal("5"),
            user=facilitator,
        )


def test_validate_page_and_correct_page(client, declaration, facilitator):
    client.force_login(facilitator)
    response = client.post(f"/insertion/declarations/{declaration.pk}/valider/")
    assert response.status_code == 302
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.VALIDATED
    response = client.post(
        f"/insertion/declarations/{declaration.pk}/corriger/",
        {"month": "2026-02", "fulfilment_mode": "DIRECT_HIRE", "hours": "60", "comment": "relevé corrigé"},
    )
    assert response.status_code == 302
    assert HoursDeclaration.objects.filter(supersedes=declaration, hours=60).exists()


def test_buyer_cannot_validate_through_the_page(client, declaration, buyer):
    client.force_login(buyer)
    assert client.post(f"/insertion/declarations/{declaration.pk}/valider/").status_code == 403


def test_entry_form_creates_a_draft(client, contract, beneficiary, facilitator):
    client.force_login(facilitator)
    response = client.post(
        "/insertion/declarations/nouvelle/",
        {
            "contract": contract.pk,
            "month": "2026-06",
            "fulfilment_mode": "SUBCONTRACTING",
            "beneficiary": beneficiary.pk,
            "hours": "42.5",
        },
    )
    assert response.status_code == 302
    created = HoursDeclaration.objects.get()
    assert created.status == DeclarationStatus.DRAFT and created.created_by == facilitator


def test_summary_follows_validations_and_corrections(declaration, facilitator, contract):
    import io

    from django.core.management import call_command
    from django.db.models import Sum

    from dentelle.insertion.models import RealisedMonth

    def summary():
        return RealisedMonth.objects.aggregate(h=Sum("hours"))["h"] or 0

    assert summary() == 0  # drafts never count
    service.validate(declaration, user=facilitator)
    assert summary() == 100
    correction = service.correct(declaration, user=facilitator, comment="x", hours=Decimal("70"))
    assert summary() == 100
    service.validate(correction, user=facilitator)
    assert summary() == 70 == realised_total()
    RealisedMonth.objects.all().delete()
    call_command("insertion", "refresh-totals", stdout=io.StringIO())
    assert summary() == 70 and RealisedMonth.objects.get().declarations == 1


def test_summary_follows_a_contract_moving_to_another_department(declaration, facilitator, contract):
    from dentelle.insertion.models import RealisedMonth

    service.validate(declaration, user=facilitator)
    assert list(RealisedMonth.objects.values_list("department_code", "hours")) == [("94", 100)]
    contract.department_code = "93"
    contract.save()
    assert list(RealisedMonth.objects.values_list("department_code", "hours")) == [("93", 100)]
