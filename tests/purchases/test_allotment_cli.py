"""`dentelle allot FILE` end to end: sites resolved in the real referentials, able SIAE counted by the
matching engine's definition, optimiser and department split side by side."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dentelle.core.roles import Role
from tests.commands import command_output
from tests.factories import SiaeFactory, with_competences

pytestmark = pytest.mark.django_db

CRETEIL = {"commune_insee_code": "94028", "department_code": "94", "latitude": 48.7904, "longitude": 2.4556}


@pytest.fixture
def gardeners(referentials_loaded):
    for kind in ("ACI", "EI", "EI", "AI"):
        with_competences(SiaeFactory(kind=kind, **CRETEIL), "7731")


def test_allot_file_json(gardeners, tmp_path):
    sites = tmp_path / "sites.csv"
    sites.write_text(
        "site;commune;montant\nLycée A;94028;20000\nLycée B;94081;15000\nLycée C;Cergy;30000\n",
        encoding="utf-8",
    )
    data = json.loads(command_output("allot", str(sites), "--json", "--lots", "2", "--max-km", "20"))
    assert data["sites"] == 3 and data["able_structures"] >= 1
    best, base = data["optimiser"], data["baseline"]
    assert best["error"] == "" and best["figures"]["lots"] <= 2
    assert sorted(k for lot in best["lots"] for k in lot["sites"]) == ["1", "2", "3"]
    assert {lot["label"] for lot in base["lots"]} == {"Département 94", "Département 95"}
    # Cergy is ≈ 30 km from Créteil: never in the same lot under 20 km.
    lot_of = {k: lot["label"] for lot in best["lots"] for k in lot["sites"]}
    assert lot_of["1"] == lot_of["2"] != lot_of["3"]


def test_allot_bad_file_lists_rows(referentials_loaded, tmp_path):
    sites = tmp_path / "sites.csv"
    sites.write_text("site;commune;montant\nLycée A;Nulle-Part-sur-Mer;20000\n", encoding="utf-8")
    with pytest.raises(CommandError, match="ligne 2, colonne « commune »"):
        call_command("allot", str(sites))


def test_allot_infeasible_is_explained(gardeners, tmp_path):
    sites = tmp_path / "sites.csv"
    sites.write_text("site;commune;montant\nA;94028;20000\nB;Cergy;30000\n", encoding="utf-8")
    text = command_output("allot", str(sites), "--lots", "1", "--max-km", "5")
    assert "Impossible :" in text and "relâchez" in text


def test_allotment_api(client, make_user, gardeners):
    payload = {
        "sites": [
            {"site": "Lycée A", "commune": "94028", "montant": 20000},
            {"site": "Lycée B", "commune": "94081", "montant": 15000},
        ],
        "max_lots": 2,
        "max_km": 20,
    }
    client.force_login(make_user(Role.READER))
    assert (
        client.post("/api/purchases/allotment", payload, content_type="application/json").status_code == 403
    )
    client.force_login(make_user(Role.PURCHASING_OFFICER))
    data = client.post("/api/purchases/allotment", payload, content_type="application/json").json()
    assert data["sites"] == 2 and data["optimiser"]["error"] == "" and data["baseline"]["lots"]
    bad = client.post(
        "/api/purchases/allotment",
        {"sites": [{"site": "X", "commune": "Nulle-Part-sur-Mer"}]},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "ligne 1" in bad.json()["detail"]
