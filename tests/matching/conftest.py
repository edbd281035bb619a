"""Small directory, territories and a lot for the matching's database tests (no real files needed)."""

import pytest

from dentelle.core.roles import Role
from dentelle.referentials.models import Commune, CpvCode, Department, Region
from dentelle.siaes.models import Capacity, Competence, Contact, ServiceArea, Siae
from tests.factories import BuyerServiceFactory, LotFactory, UserFactory, valid_siret

COMMUNES = [
    ("93001", "Aubervilliers", "93", "11", 48.9125, 2.3846, 88365),
    ("93066", "Saint-Denis", "93", "11", 48.9298, 2.3596, 113942),
    ("75056", "Paris", "75", "11", 48.8566, 2.3522, 2100000),
    ("59350", "Lille", "59", "32", 50.6292, 3.0573, 236000),
]
CPV = [
    ("77000000", "division", None, "Services agricoles, sylvicoles, horticoles, aquacoles et apicoles"),
    ("77300000", "groupe", "77000000", "Services horticoles"),
    ("77310000", "classe", "77300000", "Réalisation et entretien d'espaces verts"),
    ("90000000", "division", None, "Services d'évacuation des eaux usées, d'élimination des déchets"),
    ("90910000", "groupe", "90000000", "Services de nettoyage"),
    ("79000000", "division", None, "Services aux entreprises"),
    ("79620000", "groupe", "79000000", "Services de fourniture de personnel, y compris personnel temporaire"),
]


@pytest.fixture
def geo(empty_referentials):
    """A small hand-made referential (whatever an earlier test loaded for the session is set aside)."""
    Region.objects.create(code="11", name="Île-de-France")
    Region.objects.create(code="32", name="Hauts-de-France")
    for code, name, region in (
        ("75", "Paris", "11"),
        ("93", "Seine-Saint-Denis", "11"),
        ("59", "Nord", "32"),
    ):
        Department.objects.create(code=code, name=name, region_id=region)
    for insee, name, dept, region, lat, lon, pop in COMMUNES:
        Commune.objects.create(
            insee_code=insee,
            name=name,
            kind="COM",
            department_id=dept,
            region_id=region,
            latitude=lat,
            longitude=lon,
            population=pop,
            postcodes="",
        )
    for code, level, parent, label in CPV:
        CpvCode.objects.create(code=code, check_digit="0", level=level, parent_id=parent, label_fr=label)


def make_siae(
    number, name, kind, commune, *, competences=(), areas=(), capacities=None, active=True, email=""
):
    insee, _, dept, region, lat, lon, _ = next(c for c in COMMUNES if c[0] == commune)
    siae = Siae.objects.create(
        siret=valid_siret(number),
        siren=valid_siret(number)[:9],
        name=name,
        kind=kind,
        is_active=active,
        commune_insee_code=insee,
        department_code=dept,
        region_code=region,
        latitude=lat,
        longitude=lon,
    )
    for prefix, origin in competences:
        Competence.objects.create(siae=siae, cpv_prefix=prefix, origin=origin)
    for kind_, code, radius in areas:
        ServiceArea.objects.create(siae=siae, kind=kind_, code=code, radius_km=radius)
    for metric, value in (capacities or {}).items():
        Capacity.objects.create(siae=siae, metric=metric, value=value, source="test", as_of="2026-01-01")
    if email:
        Contact.objects.create(siae=siae, name="Direction", email=email)
    return siae


@pytest.fixture
def directory(geo):
    return {
        "jardins": make_siae(
            1,
            "Les Jardins d'Aubervilliers",
            "ACI",
            "93001",
            competences=[("7731", "declared")],
            areas=[("department", "93", None)],
            capacities={"annual_turnover": 900_000},
            email="jardins@example.org",
        ),
        "paysage": make_siae(
            2, "Paysages du Nord", "EI", "59350", competences=[("7731", "declared")], email="nord@example.org"
        ),
        "proprete": make_siae(
            3,
            "Propreté Plaine",
            "EI",
            "93066",
            competences=[("9091", "declared")],
            email="proprete@example.org",
        ),
        "interim": make_siae(
            4,
            "Intérim Solidaire",
            "ETTI",
            "75056",
            competences=[("7962", "declared")],
            areas=[("region", "11", None)],
        ),
        "esat": make_siae(5, "ESAT des Espaces Verts", "ESAT", "93066", competences=[("773", "naf")]),
        "closed": make_siae(
            6, "Jardins Fermés", "ACI", "93001", competences=[("7731", "declared")], active=False
        ),
    }


@pytest.fixture
def organisation(db):
    service = BuyerServiceFactory(lycees=True, organisation__name="Région test")
    return service.organisation, service


@pytest.fixture
def lot(organisation):
    _, service = organisation
    return LotFactory(operation__buyer_service=service, operation__reference="OP-1", number="1")


@pytest.fixture
def users(organisation, directory):
    org, service = organisation
    return {
        "buyer": UserFactory(username="buyer", buyer=True, organisation=org, buyer_service=service),
        "officer": UserFactory(username="officer", officer=True, organisation=org),
        "member": UserFactory(
            username="member", siae_member=True, siae=directory["jardins"], email="membre@example.org"
        ),
        "other_member": UserFactory(username="other", siae_member=True, siae=directory["paysage"]),
        "outsider": UserFactory(username="outsider", role=Role.BUYER),
    }
