"""The plan report (JSON) and the plan export (XLSX) of a small scanned plan, compared with the committed
snapshots (tests/purchases/__snapshots__/; `pytest --snapshot-update` rewrites them after a wanted change)."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from dentelle.purchases.models import PurchasePlan
from dentelle.purchases.services import scan_plan
from tests.snapshots import WITHOUT_IDS, xlsx_rows

DATA = Path(__file__).resolve().parents[1] / "data" / "purchases"
pytestmark = pytest.mark.django_db


@pytest.fixture
def scanned(client, officer, organisation):
    """plan.json (one works operation, launch dated: the scan does not depend on today) once scanned."""
    call_command("plan", "import", str(DATA / "plan.json"), "--organisation", organisation.name, "--wet-run")
    plan = PurchasePlan.objects.get()
    scan_plan(plan)
    client.force_login(officer)
    return plan


def test_the_plan_report_is_unchanged(client, scanned, snapshot):
    report = json.loads(client.get(f"/achats/programmation/{scanned.pk}/export.json").content)
    assert report == snapshot(exclude=WITHOUT_IDS)


def test_the_plan_xlsx_export_reads_back_unchanged(client, scanned, snapshot):
    response = client.get(f"/achats/programmation/{scanned.pk}/export.xlsx")
    assert xlsx_rows(response.content) == snapshot
