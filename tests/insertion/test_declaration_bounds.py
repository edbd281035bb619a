"""Declarations through the API follow the importer's rules (issue 10, defect 4): one row per
contract, month, beneficiary and mode; hours bounded by the same cap (300 h a month)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from dentelle.accounts.models import ApiToken
from dentelle.insertion import declarations as service
from dentelle.insertion.importer import MAX_HOURS_PER_MONTH
from dentelle.insertion.models import HoursDeclaration

pytestmark = pytest.mark.django_db


def post(client, user, contract, beneficiary, hours, month="2026-04-01"):
    _, raw = ApiToken.issue(user)
    payload = {
        "contract_id": contract.pk,
        "month": month,
        "fulfilment_mode": "DIRECT_HIRE",
        "beneficiary": beneficiary.pseudonym,
        "hours": hours,
    }
    return client.post(
        "/api/insertion/declarations",
        payload,
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )


@pytest.mark.parametrize("hours", ["301", "1e20", 1000000, "-5", "0"], ids=str)
def test_out_of_range_hours_are_a_french_422(client, contract, beneficiary, facilitator, hours):
    response = post(client, facilitator, contract, beneficiary, hours)
    assert response.status_code == 422
    assert "valeur trop" in str(response.json()["detail"])
    assert not HoursDeclaration.objects.exists()


@pytest.mark.parametrize("hours", ["NaN", "Infinity", "1e999999"], ids=str)
def test_unreadable_hours_are_refused(client, contract, beneficiary, facilitator, hours):
    response = post(client, facilitator, contract, beneficiary, hours)
    assert response.status_code in (400, 422)
    assert not HoursDeclaration.objects.exists()


def test_the_api_cap_is_the_importers(client, contract, beneficiary, facilitator):
    assert post(client, facilitator, contract, beneficiary, str(MAX_HOURS_PER_MONTH)).status_code == 201
    with pytest.raises(ValidationError, match="plus de 300 h"):
        service.declare(
            contract=contract,
            month=date(2026, 5, 1),
            fulfilment_mode="DIRECT_HIRE",
            beneficiary=beneficiary,
            hours=Decimal("300.01"),
        )


def test_a_second_identical_declaration_is_refused(client, contract, beneficiary, facilitator):
    assert post(client, facilitator, contract, beneficiary, "35").status_code == 201
    again = post(client, facilitator, contract, beneficiary, "35")
    assert again.status_code == 422
    assert "utiliser une correction" in again.json()["detail"]
    assert HoursDeclaration.objects.count() == 1


def test_the_database_refuses_a_twin(declaration):
    twin = {
        f: getattr(declaration, f) for f in ("contract", "month", "fulfilment_mode", "beneficiary", "hours")
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        HoursDeclaration.objects.create(**twin)


def test_a_correction_keeps_working(declaration, facilitator):
    service.validate(declaration, user=facilitator)
    new = service.correct(declaration, user=facilitator, comment="erreur de saisie", hours=Decimal("90"))
    service.validate(new, user=facilitator)
    assert HoursDeclaration.objects.realised().get().hours == Decimal("90")
