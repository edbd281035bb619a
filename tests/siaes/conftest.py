from pathlib import Path

import factory
import pytest

from dentelle.core.importing import ImportReport, run_import
from dentelle.core.roles import Role
from dentelle.siaes.importers import import_file
from dentelle.siaes.models import Competence, Siae

DATA = Path(__file__).resolve().parent.parent / "data" / "siaes"


class SiaeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Siae

    siret = factory.Sequence(lambda n: _valid_siret(n))
    siren = factory.LazyAttribute(lambda o: o.siret[:9])
    name = factory.Sequence(lambda n: f"Structure {n}")
    kind = "ACI"
    commune_insee_code = "93048"
    department_code = "93"
    region_code = "11"
    latitude = 48.86415
    longitude = 2.44322

    class Params:
        in_ain = factory.Trait(
            commune_insee_code="01004", department_code="01", region_code="84", latitude=45.96, longitude=5.37
        )
        inactive = factory.Trait(is_active=False)


def _valid_siret(n):
    from stdnum.fr import siren, siret

    base = 50000000 + n * 7
    while True:
        for c in range(10):
            head = f"{base}{c}"
            if siren.is_valid(head):
                for k in range(10):
                    candidate = f"{head}0001{k}"
                    if siret.is_valid(candidate):
                        return candidate
        base += 1


def with_competences(siae, *prefixes, origin="declared"):
    for prefix in prefixes:
        Competence.objects.create(siae=siae, cpv_prefix=prefix, origin=origin, rationale="test")
    return siae


@pytest.fixture
def index(referentials_loaded):
    return referentials_loaded


@pytest.fixture
def run(index):
    """Import a file of tests/data/siaes (wet, non-strict) and return the report."""

    def _run(source, name, wet=True, strict=False, path=None):
        report, committed = run_import(
            import_file,
            wet_run=wet,
            report=ImportReport(),
            strict=strict,
            source=source,
            path=str(path or DATA / name),
        )
        report.committed = committed
        return report

    return _run


def make_user(django_user_model, username, role, **extra):
    return django_user_model.objects.create_user(username=username, password="x", role=role, **extra)


@pytest.fixture
def officer(django_user_model):
    return make_user(django_user_model, "acheteuse", Role.PURCHASING_OFFICER)


@pytest.fixture
def reader(django_user_model):
    return make_user(django_user_model, "lecteur", Role.READER)


@pytest.fixture
def buyer(django_user_model):
    return make_user(django_user_model, "acheteur", Role.BUYER)
