"""The upload preview gives the warnings the CLI import gives (they used to appear only once saved)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dentelle.purchases.models import Lot

CSV = (
    "Programmation 2027;;;;\n"
    "Objet;Code CPV;Montant estimé HT;Lieu d'exécution;Direction/Service\n"
    "Nettoyage des lycées;12345678;120000;Montreuil;DL\n"
    "Espaces verts;77310000;80000;Zzyzx-sur-Rien;DL\n"
).encode()


@pytest.mark.django_db
def test_preview_warns_of_an_unknown_cpv_and_an_unknown_place_like_the_cli(
    client, officer, organisation, referentials_loaded
):
    client.force_login(officer)
    page = client.post("/achats/importer/", {"file": SimpleUploadedFile("plan.csv", CSV)}).content.decode()
    assert "code CPV 12345678 inconnu du référentiel CPV 2008 : ignoré." in page
    assert "Zzyzx-sur-Rien" in page and "non reconnu" in page
    assert "lieu « Montreuil » non reconnu" not in page
    assert "ligne 3" in page  # the file's own line, the title row counted
    assert not Lot.objects.exists()  # the preview writes nothing
