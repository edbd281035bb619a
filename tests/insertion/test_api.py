from decimal import Decimal

import pytest

from dentelle.accounts.models import ApiToken
from dentelle.core.models import AuditLog
from dentelle.core.roles import Role
from dentelle.insertion.models import HoursDeclaration

pytestmark = pytest.mark.django_db


def auth(user):
    _, raw = ApiToken.issue(user)
    return {"Authorization": f"Bearer {raw}"}


def test_progress_matches_the_page_figures(client, facilitator, declaration, objective):
    declaration.status = "validated"
    declaration.save()
    data = client.get("/api/insertion/progress?year=2026&as_of=2026-06-30", headers=auth(facilitator)).json()
    assert data["objective"] == 2000 and data["realised"] == 100
    # 30 June: five months closed (June is still being declared): 500 h due of 1,200.
    assert data["committed"] == pytest.approx(1200) and data["committed_to_date"] == pytest.approx(500)
    assert data["status"] == "at_risk" and data["message"].startswith("À risque")
    assert {r["key"] for r in data["breakdowns"]["service"]} == {"DL"}


def test_anonymous_and_siae_members_are_refused(client, make_user):
    assert client.get("/api/insertion/progress").status_code == 401
    assert client.get("/api/insertion/progress", headers=auth(make_user(Role.SIAE_MEMBER))).status_code == 403


def test_declarations_hide_pseudonyms_from_buyers_and_log_facilitators(
    client, declaration, buyer, facilitator
):
    rows = client.get("/api/insertion/declarations", headers=auth(buyer)).json()
    assert rows[0]["beneficiary"] is None and not AuditLog.objects.exists()
    rows = client.get("/api/insertion/declarations", headers=auth(facilitator)).json()
    assert rows[0]["beneficiary"] == declaration.beneficiary.pseudonym
    assert AuditLog.objects.filter(user=facilitator, action="api_declarations").exists()


def test_create_and_validate_a_declaration(client, contract, beneficiary, facilitator, buyer):
    payload = {
        "contract_id": contract.pk,
        "month": "2026-04-01",
        "fulfilment_mode": "STAFF_PROVISION",
        "beneficiary": beneficiary.pseudonym,
        "hours": "35",
    }
    assert (
        client.post(
            "/api/insertion/declarations", payload, content_type="application/json", headers=auth(buyer)
        ).status_code
        == 403
    )
    response = client.post(
        "/api/insertion/declarations", payload, content_type="application/json", headers=auth(facilitator)
    )
    assert response.status_code == 201 and response.json()["status"] == "draft"
    pk = response.json()["id"]
    response = client.post(f"/api/insertion/declarations/{pk}/validate", headers=auth(facilitator))
    assert response.json()["status"] == "validated"
    assert HoursDeclaration.objects.realised().get().hours == Decimal("35")
    bad = dict(payload, month="2030-01-01")
    response = client.post(
        "/api/insertion/declarations", bad, content_type="application/json", headers=auth(facilitator)
    )
    assert response.status_code == 422 and "hors de la période" in response.json()["detail"]


def test_contracts_clause_and_report(client, contract, buyer):
    headers = auth(buyer)
    contracts = client.get("/api/insertion/contracts", headers=headers).json()
    assert contracts[0]["reference"] == "M-001" and contracts[0]["buyer_service"] == "DL"
    clause = client.get(f"/api/insertion/contracts/{contract.pk}/clause", headers=headers).json()
    assert clause["complete"] is False  # the facilitator fixture has no name nor e-mail
    assert "1\u202f200 heures" in clause["text"]
    report = client.get("/api/insertion/report/2026", headers=headers).json()
    assert report["summary"][1]["value"] == 0


def test_other_organisation_contract_is_not_found(client, contract, organisation):
    from dentelle.accounts.models import Organisation, User

    stranger = User.objects.create_user(
        "x", role=Role.DIRECTION, organisation=Organisation.objects.create(name="Autre")
    )
    assert (
        client.get(f"/api/insertion/contracts/{contract.pk}/clause", headers=auth(stranger)).status_code
        == 404
    )
