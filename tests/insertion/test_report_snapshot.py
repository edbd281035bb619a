"""The yearly insertion report (summary and tables, the XLSX read back), compared with the snapshots."""

from datetime import date
from decimal import Decimal

import pytest

from dentelle.insertion.enums import AgeBand, ClauseCategory, FulfilmentMode, IaeCriterion
from dentelle.insertion.report import build_report
from tests.factories import HoursDeclarationFactory
from tests.snapshots import xlsx_rows


@pytest.fixture
def declared_year(contract, make_beneficiary, facilitator, objective):
    """Validated hours of two beneficiaries over three months (one through subcontracting), and pending hours."""
    young = make_beneficiary()
    disabled = make_beneficiary(
        sex="M",
        clause_categories=[],
        iae_criteria=[IaeCriterion.TH, IaeCriterion.QPV],
        age_band=AgeBand.FROM_26_TO_49,
    )
    for month, beneficiary, hours in ((3, young, "60"), (4, young, "35.5"), (4, disabled, "40")):
        HoursDeclarationFactory(
            contract=contract,
            beneficiary=beneficiary,
            month=date(2026, month, 1),
            hours=Decimal(hours),
            created_by=facilitator,
            validated=True,
        )
    HoursDeclarationFactory(
        contract=contract,
        beneficiary=disabled,
        fulfilment_mode=FulfilmentMode.SUBCONTRACTING,
        month=date(2026, 5, 1),
        hours=Decimal("120"),
        created_by=facilitator,
        validated=True,
    )
    HoursDeclarationFactory(contract=contract, beneficiary=young, month=date(2026, 6, 1), pending=True)
    assert ClauseCategory.YOUTH_LOW_QUALIFICATION in young.clause_categories
    return contract.organisation


@pytest.mark.django_db
def test_the_yearly_report_is_unchanged(declared_year, snapshot):
    report = build_report(declared_year, 2026)
    assert {"summary": report.summary, "tables": report.tables} == snapshot(name="report")
    assert xlsx_rows(report.xlsx()) == snapshot(name="xlsx")
