"""Beneficiary form refuses impossible data (QA: 'ABCDE' as commune and an end before the start were saved)."""

import pytest

from dentelle.insertion.forms import BeneficiaryForm
from dentelle.insertion.models import Beneficiary


@pytest.mark.django_db
def test_form_refuses_a_malformed_commune_code():
    form = BeneficiaryForm(data={"commune_insee_code": "ABCDE"})
    assert not form.is_valid()
    assert "Code INSEE de commune invalide" in form.errors["commune_insee_code"][0]


@pytest.mark.django_db
def test_form_refuses_dates_in_the_wrong_order():
    form = BeneficiaryForm(
        data={"contract_start": "2026-03-01", "contract_end": "2026-01-01", "exited_on": "2026-02-01"}
    )
    assert not form.is_valid()
    assert form.errors["contract_end"] == ["La fin du contrat précède son début."]
    assert form.errors["exited_on"] == ["La date de sortie précède le début du contrat."]


@pytest.mark.django_db
def test_page_saves_nothing_on_bad_input(client, facilitator):
    client.force_login(facilitator)
    response = client.post("/insertion/beneficiaires/nouveau/", {"commune_insee_code": "ABCDE"})
    assert response.status_code == 200 and not Beneficiary.objects.exists()


@pytest.mark.django_db
def test_form_accepts_a_corsican_code_and_normalises_case():
    form = BeneficiaryForm(data={"commune_insee_code": "2a004"})
    form.is_valid()
    assert "commune_insee_code" not in form.errors
    assert form.cleaned_data["commune_insee_code"] == "2A004"
