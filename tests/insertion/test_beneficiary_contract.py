"""Hours declared for a month outside the beneficiary's work contract get a warning (user review)."""

import io
from datetime import date

import pytest

from dentelle.core.importing import run_import
from dentelle.insertion.importer import import_declarations
from dentelle.insertion.models import Beneficiary, HoursDeclaration
from tests.factories import HoursDeclarationFactory


def person(**kwargs):
    return Beneficiary(pseudonym="B-1", employment_contract_type="CDD", **kwargs)


@pytest.mark.parametrize(
    ("month", "warned"),
    [
        (date(2026, 8, 1), False),  # the last month of the contract
        (date(2026, 9, 1), True),  # after its end
        (date(2026, 7, 1), False),  # the month it starts in (15 July)
        (date(2026, 6, 1), True),  # before it starts
    ],
)
def test_warning_for_a_month_outside_the_contract(month, warned):
    b = person(contract_start=date(2026, 7, 15), contract_end=date(2026, 8, 31))
    assert bool(b.contract_warning(month)) is warned


def test_warning_says_which_contract_ended_when():
    message = person(contract_end=date(2026, 8, 31)).contract_warning(date(2026, 9, 1))
    assert message == (
        "09/2026 est après la fin du contrat du bénéficiaire B-1 (CDD terminé le 31/08/2026) : "
        "vérifier le contrat avant de valider."
    )


def test_no_warning_without_contract_dates():
    assert person().contract_warning(date(2030, 1, 1)) == ""


@pytest.mark.django_db
def test_import_warns_but_records(contract, beneficiary):
    data = b"marche;mois;modalite;beneficiaire;heures\nM-001;2026-05;DIRECT_HIRE;DOSSIER-42;20\n"
    report, committed = run_import(
        import_declarations, wet_run=True, stream=io.BytesIO(data), filename="h.csv"
    )
    assert committed and HoursDeclaration.objects.count() == 1  # the beneficiary's contract ended 31/03
    (warning,) = report.warnings
    assert warning.line == 2 and warning.column == "mois"
    assert warning.reason.startswith(
        f"05/2026 est après la fin du contrat du bénéficiaire {beneficiary.pseudonym}"
    )
    assert "terminé le 31/03/2026" in warning.reason


@pytest.mark.django_db
def test_pending_page_flags_hours_outside_the_contract(client, contract, beneficiary, facilitator):
    HoursDeclarationFactory(contract=contract, beneficiary=beneficiary, month=date(2026, 6, 1))
    client.force_login(facilitator)
    page = client.get("/insertion/declarations/a-valider/").text
    assert "Hors contrat" in page and "terminé le 31/03/2026" in page


@pytest.mark.django_db
def test_form_entry_warns(client, contract, beneficiary, facilitator):
    client.force_login(facilitator)
    response = client.post(
        "/insertion/declarations/nouvelle/",
        {
            "contract": contract.pk,
            "month": "2026-06",
            "fulfilment_mode": "DIRECT_HIRE",
            "beneficiary": beneficiary.pk,
            "hours": "10",
        },
        follow=True,
    )
    assert HoursDeclaration.objects.count() == 1
    assert "après la fin du contrat du bénéficiaire" in response.text
