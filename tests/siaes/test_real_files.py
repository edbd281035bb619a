"""The real shared files (read in place): counts, geolocation, competences, idempotence."""

from pathlib import Path

import pytest
from django.conf import settings

from dentelle.siaes.models import Competence, Siae

pytestmark = pytest.mark.django_db

DATA = Path(settings.DENTELLE_DATA_DIR)


@pytest.mark.slow
def test_asp_geiq_esat_real_files(run):
    asp = run("asp", None, path=DATA / "siae" / "siae_asp_2019_07.csv")
    assert asp.committed and not asp.errors
    assert Siae.objects.count() == 3637  # distinct SIRET of the July 2019 list
    assert Siae.objects.filter(region_code="11").count() == 359  # 409 rows, 359 distinct SIRET
    geiq = run("geiq", None, path=DATA / "siae" / "geiq_2019_11.csv")
    assert [p.line for p in geiq.errors] == [53]  # one SIRET with a wrong check digit
    esat = run("esat", None, path=DATA / "siae" / "esat_finess_liste_officielle.csv")
    assert esat.committed and all(p.column == "siret" for p in esat.errors)
    total = Siae.objects.count()
    assert (
        total == Siae.objects.filter(pk__in=Competence.objects.values("siae_id")).count()
    )  # 100 % with a competence
    assert Siae.objects.filter(latitude__isnull=False).count() / total >= 0.99
    again = run("asp", None, path=DATA / "siae" / "siae_asp_2019_07.csv")
    assert again.counts["modifications"] == 0
