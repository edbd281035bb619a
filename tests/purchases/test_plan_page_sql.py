"""The plan page aggregates in SQL and paginates: the same summary as the full report, and a number of
queries that does not grow with the plan."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dentelle.accounts.models import BuyerService
from dentelle.core.roles import Role
from dentelle.jobs.models import Job, JobKind, JobState
from dentelle.jobs.worker import run_pending
from dentelle.purchases import views
from dentelle.purchases.models import Finding, FindingStatus, Lot, Operation, PurchasePlan
from dentelle.purchases.plan_page import filtered_lots, plan_summary
from dentelle.purchases.queries import plan_report

KINDS = ["social_clause", "reservation", "mandatory_condition", "allotment", "carve_out"]
DEPARTMENTS = [["93"], ["75", "92"], [], ["93", "93", "94"], ["77"]]


def make_plan(organisation, lots):
    plan = PurchasePlan.objects.create(organisation=organisation, name="Plan SQL", year=2026)
    services = list(BuyerService.objects.filter(organisation=organisation).order_by("code"))
    for i in range(lots):
        operation = Operation.objects.create(
            plan=plan, buyer_service=services[i % len(services)], reference=f"OP-{i:03}", title=f"Op {i}"
        )
        lot = Lot.objects.create(
            operation=operation,
            number="1",
            title=f"Lot {i}",
            cpv_code="90911200",
            estimated_amount=None if i % 7 == 0 else Decimal(1000 * i + 333),
            department_codes=DEPARTMENTS[i % len(DEPARTMENTS)],
        )
        for j in range(i % 4):
            Finding.objects.create(
                lot=lot,
                rule_id=f"R{j}",
                kind=KINDS[(i + j) % len(KINDS)],
                subject=f"s{j}",
                estimated_hours=None if (i + j) % 5 == 0 else 10 * i + 7 * j,
                status=FindingStatus.REJECTED if (i + j) % 6 == 0 else FindingStatus.PROPOSED,
                is_current=(i + j) % 9 != 0,
            )
    return plan


@pytest.mark.django_db
def test_the_sql_summary_equals_the_full_reports(organisation, officer, make_user):
    plan = make_plan(organisation, 40)
    for user in (officer, make_user(Role.BUYER, "DL")):  # a buyer's summary covers its own service only
        expected = plan_report(plan, user)["summary"]
        assert plan_summary(plan, user) == expected
    assert plan_summary(plan, officer)["lots"] == 40


@pytest.mark.django_db
def test_lots_are_sorted_and_filtered_as_before(organisation, officer):
    plan = make_plan(organisation, 30)
    report = plan_report(plan, officer)
    entries = sorted(report["lots"], key=lambda e: (-e["potential_hours"], -len(e["findings"])))
    assert [lot.pk for lot in filtered_lots(plan, officer)] == [e["id"] for e in entries]
    reserved = {e["id"] for e in entries if any(f["kind"] == "reservation" for f in e["findings"])}
    assert {lot.pk for lot in filtered_lots(plan, officer, kind="reservation")} == reserved
    dl = {e["id"] for e in entries if e["service"] == "DL"}
    assert {lot.pk for lot in filtered_lots(plan, officer, service="DL")} == dl


@pytest.mark.django_db
def test_the_plan_page_costs_the_same_queries_for_20_or_250_lots(client, organisation, officer):
    client.force_login(officer)

    def queries(plan):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/achats/programmation/{plan.pk}/?page=2")
            assert response.status_code == 200
        return len(captured), response.content.decode()

    small, _ = queries(make_plan(organisation, 20))
    PurchasePlan.objects.all().delete()
    big, page = queries(make_plan(organisation, 250))
    assert big <= small + 2, (small, big)  # (page 2 exists only for the big plan: its lots' findings)
    assert "Lots 101 à 200 sur 250" in page


@pytest.mark.django_db
def test_page_links_keep_the_filter(client, organisation, officer, monkeypatch):
    monkeypatch.setattr(views, "PLAN_PAGE_SIZE", 10)
    plan = make_plan(organisation, 60)
    client.force_login(officer)
    page = client.get(f"/achats/programmation/{plan.pk}/?service=DL").content.decode()
    assert "service=DL&amp;page=2" in page


@pytest.mark.django_db
def test_scanning_again_and_large_exports_are_jobs(client, organisation, officer, monkeypatch):
    plan = make_plan(organisation, 12)
    client.force_login(officer)
    response = client.post(f"/achats/programmation/{plan.pk}/balayer/")
    job = Job.objects.get(kind=JobKind.PLAN_SCAN)
    assert response["Location"] == f"/travaux/{job.pk}/" and job.params == {"plan": plan.pk}
    run_pending()
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED and re.search(
        r"\d+ décisions? conservées?\.", job.result["message"]
    )
    monkeypatch.setattr(views, "EXPORT_INLINE_MAX_LOTS", 10)
    page = client.get(f"/achats/programmation/{plan.pk}/").content.decode()
    assert "Préparer l'export XLSX" in page
    response = client.post(f"/achats/programmation/{plan.pk}/exporter/", {"format": "xlsx"})
    export = Job.objects.get(kind=JobKind.PLAN_EXPORT)
    assert response["Location"] == f"/travaux/{export.pk}/"
    run_pending()
    export.refresh_from_db()
    assert export.state == JobState.SUCCEEDED
    download = client.get(export.result["url"])
    assert download.status_code == 200 and download.content[:2] == b"PK"  # an XLSX (zip)
    assert client.post(f"/achats/programmation/{plan.pk}/exporter/", {"format": "exe"}).status_code == 404


@pytest.mark.django_db
def test_plan_page_counts_are_grouped_by_thousands(client, organisation, officer, monkeypatch):
    """Review: « 1431 lots » in the header, « 1129 » in the DPMG row: counts read « 1 431 »."""
    plan = make_plan(organisation, 3)
    real = views.plan_summary

    def big(plan, user):
        summary = real(plan, user)
        summary["lots"] = 1431
        for row in summary["by_service"].values():
            row["lots"], row["findings"] = 1129, 1501
        summary["lots_by_kind"] = {kind: 1255 for kind in summary["lots_by_kind"]}
        return summary

    monkeypatch.setattr(views, "plan_summary", big)
    client.force_login(officer)
    html = client.get(f"/achats/programmation/{plan.pk}/").content.decode()
    assert "1\u202f431 lots" in html and "1\u202f129</td>" in html and "1\u202f501</td>" in html
    assert "1\u202f255 lots" in html
    assert "1431" not in html and ">1129<" not in html
