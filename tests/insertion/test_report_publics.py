"""The yearly report speaks one vocabulary of eligible publics, in French, each beneficiary once per public."""

from datetime import date
from decimal import Decimal

import pytest

from dentelle.insertion.enums import ClauseCategory, IaeCriterion, clause_publics
from dentelle.insertion.models import HoursDeclaration
from dentelle.insertion.report import build_report

pytestmark = pytest.mark.django_db


def test_iae_criteria_count_under_the_public_they_describe():
    publics = clause_publics(
        [ClauseCategory.YOUTH_LOW_QUALIFICATION], [IaeCriterion.JEUNE, IaeCriterion.CAP_BEP, IaeCriterion.RSA]
    )
    assert publics == {ClauseCategory.YOUTH_LOW_QUALIFICATION, ClauseCategory.MINIMA_SOCIAUX}
    assert clause_publics([], [IaeCriterion.JEUNE]) == set()  # young but qualified: not this public
    assert clause_publics([], [IaeCriterion.PI]) == set()  # an IAE hiring criterion, not a clause public


def test_report_rows_are_french_and_not_duplicated(contract, make_beneficiary, facilitator):
    young = make_beneficiary(
        clause_categories=[ClauseCategory.YOUTH_LOW_QUALIFICATION],
        iae_criteria=[IaeCriterion.JEUNE, IaeCriterion.CAP_BEP],
    )
    disabled = make_beneficiary(clause_categories=[], iae_criteria=[IaeCriterion.TH, IaeCriterion.QPV])
    for beneficiary, hours in ((young, "60"), (disabled, "40")):
        HoursDeclaration.objects.create(
            contract=contract,
            month=date(2026, 3, 1),
            fulfilment_mode="DIRECT_HIRE",
            beneficiary=beneficiary,
            hours=Decimal(hours),
            status="validated",
            created_by=facilitator,
        )
    report = build_report(contract.organisation, 2026)
    title, header, rows = next(t for t in report.tables if t[0].startswith("Par public éligible"))
    assert header[0] == "Public éligible"
    labels = [row[0] for row in rows]
    assert len(labels) == len(set(labels))
    assert all(code not in " ".join(labels) for code in ("YOUTH", "CAP_BEP", "JEUNE", "DISABLED", "QPV_"))
    by_label = {row[0]: row for row in rows}
    assert by_label[ClauseCategory.YOUTH_LOW_QUALIFICATION.label][1:] == [1, 50.0, 60.0]
    assert by_label[ClauseCategory.DISABLED_WORKER.label][1] == 1
    assert by_label[ClauseCategory.QPV_RESIDENT.label][1] == 1
    assert dict(report.summary)["Part de jeunes de moins de 26 ans sans qualification (%)"] == 50.0


def test_the_page_shows_french_numbers_and_the_xlsx_keeps_numbers(contract, make_beneficiary, facilitator):
    beneficiary = make_beneficiary()
    HoursDeclaration.objects.create(
        contract=contract,
        month=date(2026, 3, 1),
        fulfilment_mode="DIRECT_HIRE",
        beneficiary=beneficiary,
        hours=Decimal("12345.6"),
        status="validated",
        created_by=facilitator,
    )
    report = build_report(contract.organisation, 2026)
    assert dict(report.summary)["Heures d'insertion réalisées (validées)"] == 12345.6
    shown = dict(report.display_summary)
    assert shown["Heures d'insertion réalisées (validées)"] == "12\u202f345,6" and shown["Année"] == 2026
