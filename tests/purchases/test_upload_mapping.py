"""Upload page: the user corrects the column mapping before confirming; the importer takes it."""

from decimal import Decimal
from pathlib import Path

import pytest

from dentelle.jobs.worker import run_pending
from dentelle.purchases.models import Lot, PurchasePlan
from dentelle.purchases.plan_columns import user_mapping
from dentelle.purchases.plan_data import PlanFileError

DATA = Path(__file__).resolve().parents[1] / "data" / "purchases"


def upload(client, name):
    with open(DATA / name, "rb") as handle:
        return client.post("/achats/importer/", {"file": handle})


@pytest.mark.django_db
def test_unrecognised_headers_can_be_mapped_by_hand_then_imported(client, officer, organisation):
    client.force_login(officer)
    preview = upload(client, "plan_unknown_headers.csv").content.decode()
    assert 'name="col_0"' in preview  # one select per file column
    assert "Confirmer l'import" not in preview  # « objet » not recognised: blocking error
    chosen = {"col_0": "title", "col_1": "amount", "col_2": "cpv", "col_3": "service", "col_4": "place"}
    remapped = client.post("/achats/importer/", {"step": "remap", "name": "Plan corrigé", **chosen})
    page = remapped.content.decode()
    assert "Confirmer l'import" in page
    assert '<option value="amount" selected>' in page  # the choice is kept in the form
    response = client.post("/achats/importer/", {"step": "confirm", "name": "Plan corrigé", **chosen})
    assert response.status_code == 302
    assert not PurchasePlan.objects.exists()  # the worker imports it, with the chosen columns
    assert run_pending() == 1
    plan = PurchasePlan.objects.get(name="Plan corrigé")
    amounts = sorted(Lot.objects.filter(operation__plan=plan).values_list("estimated_amount", flat=True))
    assert amounts == [Decimal("60000"), Decimal("250000")]


@pytest.mark.django_db
def test_a_recognised_column_can_be_ignored(client, officer, organisation):
    client.force_login(officer)
    preview = upload(client, "plan_semicolon.csv").content.decode()
    assert '<option value="amount" selected>' in preview  # « Montant estimé HT » recognised
    upload(client, "plan_unknown_headers.csv")
    posted = {"step": "confirm", "name": "Sans montants", "col_0": "title", "col_1": "", "col_2": "cpv"}
    posted |= {"col_3": "service", "col_4": "place"}  # « Combien (euros) » ignored by the user
    assert client.post("/achats/importer/", posted).status_code == 302
    run_pending()
    lots = Lot.objects.filter(operation__plan__name="Sans montants")
    assert lots.count() == 2 and not lots.exclude(estimated_amount=None).exists()


@pytest.mark.django_db
def test_a_field_chosen_twice_is_refused(client, officer, organisation):
    client.force_login(officer)
    upload(client, "plan_unknown_headers.csv")
    response = client.post(
        "/achats/importer/", {"step": "remap", "col_0": "title", "col_1": "title", "col_2": "cpv"}
    )
    assert "attribué à deux colonnes" in response.content.decode()
    assert not PurchasePlan.objects.exists()


def test_user_mapping_validation():
    assert user_mapping({0: "title", 1: "", 2: "amount"}, 3) == {"title": 0, "amount": 2}
    with pytest.raises(PlanFileError, match="inconnue"):
        user_mapping({0: "prix"}, 1)
    with pytest.raises(PlanFileError, match="absente"):
        user_mapping({5: "title"}, 2)
