"""Pages and API: same permissions (visible services, CAN_DECIDE_FINDINGS)."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from dentelle.core.roles import Role
from dentelle.jobs.worker import run_pending
from dentelle.purchases.models import Finding, FindingStatus, PurchasePlan
from dentelle.purchases.services import scan_plan

DATA = Path(__file__).resolve().parents[1] / "data" / "purchases"


@pytest.fixture
def scanned(organisation):
    call_command("plan", "import", str(DATA / "plan.json"), "--organisation", organisation.name, "--wet-run")
    plan = PurchasePlan.objects.get()
    scan_plan(plan)
    return plan


def decide_through_api(client, finding, payload):
    """POST a decision on one finding to the JSON API."""
    return client.post(
        f"/api/purchases/findings/{finding.pk}/decision", json.dumps(payload), content_type="application/json"
    )


@pytest.mark.django_db
def test_plan_pages_and_exports(client, officer, scanned):
    client.force_login(officer)
    assert client.get("/achats/").status_code == 200
    page = client.get(f"/achats/programmation/{scanned.pk}/")
    assert page.status_code == 200 and "170\xa0000 h" in page.content.decode()
    xlsx = client.get(f"/achats/programmation/{scanned.pk}/export.xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    report = json.loads(client.get(f"/achats/programmation/{scanned.pk}/export.json").content)
    assert report["summary"]["lots"] == 1 and report["lots"][0]["findings"]
    lot = scanned.operations.get().lots.get()
    html = client.get(f"/achats/lot/{lot.pk}/").content.decode()
    assert "Lot détaché (exception des petits lots)" in html and "(règle R5)" in html


@pytest.mark.django_db
def test_plan_and_lot_pages_show_french_labels_not_codes(client, officer, scanned):
    """Review: « R5-carve-out », « famille de métiers : cleaning » and file names were shown to users."""
    client.force_login(officer)
    lot = scanned.operations.get().lots.get()
    pages = [
        client.get(f"/achats/programmation/{scanned.pk}/").content.decode(),
        client.get(f"/achats/programmation/{scanned.pk}/?type=carve_out").content.decode(),
        client.get(f"/achats/lot/{lot.pk}/").content.decode(),
    ]
    for html in pages:
        for code in ("R1-clause", "R2-obligation-2026", "R5-carve-out", "carve_out ", "domain.md", ".toml"):
            assert code not in html, code
    plan_page, filtered, lot_page = pages
    assert "Lot détaché <span" in plan_page and "(filtre : Lot détaché" in filtered
    assert "famille de métiers : building_other" not in lot_page


@pytest.mark.django_db
def test_buyer_of_another_service_sees_nothing(client, make_user, scanned):
    client.force_login(make_user(Role.BUYER, "DL"))
    assert client.get(f"/achats/programmation/{scanned.pk}/").status_code == 404
    assert client.get("/api/purchases/findings").json() == []


@pytest.mark.django_db
def test_reader_cannot_decide(client, make_user, scanned):
    client.force_login(make_user(Role.READER))
    finding = Finding.objects.first()
    response = client.post(f"/achats/proposition/{finding.pk}/decision/", {"decision": "accept"})
    assert response.status_code == 403
    api = decide_through_api(client, finding, {"decision": "accept"})
    assert api.status_code == 403


@pytest.mark.django_db
def test_decide_from_page_and_api(client, officer, scanned):
    client.force_login(officer)
    first, second = Finding.objects.order_by("pk")[:2]
    client.post(f"/achats/proposition/{first.pk}/decision/", {"decision": "reject", "reason": ""})
    first.refresh_from_db()
    assert first.status == FindingStatus.PROPOSED  # no reason, no rejection
    response = decide_through_api(client, second, {"decision": "reject", "reason": "Hors sujet"})
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    bad = decide_through_api(client, first, {"decision": "reject"})
    assert bad.status_code == 400


@pytest.mark.django_db
def test_api_lists(client, officer, scanned):
    client.force_login(officer)
    assert client.get("/api/purchases/plans").json()[0]["name"] == scanned.name
    operations = client.get(f"/api/purchases/operations?plan_id={scanned.pk}").json()
    assert operations[0]["reference"] == "AUB-1"
    lots = client.get(f"/api/purchases/lots?operation_id={operations[0]['id']}").json()
    assert lots[0]["cpv_code"] == "45214400"
    report = client.get(f"/api/purchases/plans/{scanned.pk}/report").json()
    assert set(report) == {"summary", "lots"}


@pytest.mark.django_db
def test_upload_preview_then_confirm(client, officer, organisation, tmp_path):
    client.force_login(officer)
    with open(DATA / "plan.json", "rb") as handle:
        preview = client.post("/achats/importer/", {"file": handle})
    assert preview.status_code == 200 and "Confirmer" in preview.content.decode()
    response = client.post("/achats/importer/", {"step": "confirm", "name": "Plan déposé"})
    assert response.status_code == 302
    run_pending()
    plan = PurchasePlan.objects.get(name="Plan déposé")
    assert Finding.objects.filter(lot__operation__plan=plan).exists()


@pytest.mark.django_db
def test_upload_refuses_too_big_files(client, officer, settings):
    settings.DENTELLE_PLAN_MAX_UPLOAD_BYTES = 10
    client.force_login(officer)
    with open(DATA / "plan.json", "rb") as handle:
        response = client.post("/achats/importer/", {"file": handle}, follow=True)
    assert "trop volumineux" in response.content.decode()
