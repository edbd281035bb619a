"""The DECP analysis in JSON (POST /api/decp/analyse, `dentelle decp analyse --json`): English keys only.

The snapshot is the list of key paths, so that a renamed or added key is a deliberate change; the values
stay out of it (other tests check them). Keys that are data (the DECP's considerationsSociales values,
format versions, field names) show as `*`.
"""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from dentelle.accounts.models import ApiToken
from dentelle.core.roles import Role
from dentelle.siaes.models import Siae
from tests.commands import command_output

SHARED = Path(settings.DENTELLE_DATA_DIR) / "decp"
OWN = Path(__file__).resolve().parent.parent / "data" / "decp"
V2_EXAMPLE = SHARED / "decp_v2_exemple_reel_megalis_2024-07-09.json"
V1_CSV = SHARED / "decp_2019_v1_marches.csv"
NORMANDIE = "20005340300057"
DATA_KEYS = {"versions", "social_values", "anomalies_by_field"}
# The French keys these documents had until December 2026.
FRENCH = {
    "fichier", "enregistrements", "marches", "hors_region", "lieu_non_rattachable", "sans_montant",
    "seuil_eur", "marches_au_dessus_du_seuil", "avec_consideration_sociale", "part", "objectif_pnad",
    "ecart_objectif", "valeurs", "divisions_intensives_en_main_d_oeuvre", "marches_intensifs_au_dessus_du_seuil",
    "part_intensifs_au_dessus_du_seuil", "marches_intensifs_tous_montants", "part_intensifs_tous_montants",
    "divisions_cpv", "au_dessus_du_seuil", "montant", "siae_titulaires", "nom_publie", "anomalies_par_champ",
    "premieres_anomalies", "enregistrement", "champ", "motif", "appels_scanner", "annees", "departements",
    "fiche", "nom", "categorie", "taille", "acheteurs_de_la_categorie", "de_meme_taille", "mesures", "mesure",
    "valeur", "rang", "rang_taille", "mediane", "marches_a_regarder", "objet", "heures",
}  # fmt: skip


def key_paths(value, path=""):
    if isinstance(value, dict):
        if path.rsplit(".", 1)[-1] in DATA_KEYS:
            return {f"{path}.*"}
        return {p for key, item in value.items() for p in key_paths(item, f"{path}.{key}" if path else key)}
    if isinstance(value, list):
        return {f"{path}[]"} | {p for item in value for p in key_paths(item, f"{path}[]")}
    return {path}


def names(paths):
    return {part.rstrip("[]") for path in paths for part in path.split(".")}


@pytest.fixture
def holder(db):
    return Siae.objects.create(
        siret="32933888305269", siren="329338883", name="Charpente solidaire", kind="EI"
    )


@pytest.mark.django_db
def test_api_analyse_keys(client, make_user, holder, snapshot):
    headers = {"Authorization": f"Bearer {ApiToken.issue(make_user(Role.FACILITATOR))[1]}"}
    upload = SimpleUploadedFile("v1.csv", (OWN / "v1_bad_rows.csv").read_bytes())
    paths = key_paths(client.post("/api/decp/analyse", {"file": upload}, headers=headers).json())
    assert {"records", "v2.share", "first_anomalies[].reason", "anomalies_by_field.*"} <= paths
    assert not names(paths) & FRENCH
    assert sorted(paths) == snapshot


def cli_json(*args):
    return json.loads(command_output("decp", "analyse", *args, "--json"))


@pytest.mark.django_db
def test_cli_analyse_json_keys(holder, snapshot):
    # The v2 example has a directory structure among its holders; the 2019 file, the buyer's card.
    paths = key_paths(cli_json(str(V2_EXAMPLE))) | key_paths(cli_json(str(V1_CSV), "--buyer", NORMANDIE))
    assert {"file", "siae_holders[].published_name", "retrospective.card.measures[].size_rank"} <= paths
    assert "retrospective.contracts_to_review[].hours" in paths
    assert not names(paths) & FRENCH
    assert sorted(paths) == snapshot
