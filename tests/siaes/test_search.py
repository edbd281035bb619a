"""QuerySet filters and the directory search: competence both ways, territory, kinds, capacity."""

import datetime as dt

import pytest
from django.http import QueryDict

from dentelle.siaes.models import Capacity, Convention, ServiceArea, Siae
from dentelle.siaes.search import SearchParams, search_siaes
from tests.factories import SiaeFactory, with_competences

pytestmark = pytest.mark.django_db


def found(querystring, index):
    return set(search_siaes(SearchParams.from_mapping(QueryDict(querystring)), index).queryset)


@pytest.mark.parametrize(
    "competence, lot, matches",
    [
        pytest.param("4544", "45442100", True, id="broader-competence-matches-finer-lot"),
        pytest.param("45442100", "45000000", True, id="division-lot-matches-finer-competence"),
        pytest.param("454421", "454421", True, id="same-code"),
        pytest.param("4544", "45210000", False, id="sibling-family"),
        pytest.param("7731", "77", True, id="division-code-given-short"),
        pytest.param("90", "9091", True, id="division-competence"),
        pytest.param("9091", "9092", False, id="neighbour-class"),
    ],
)
def test_with_competence_matches_both_ways(competence, lot, matches):
    siae = with_competences(SiaeFactory(), competence)
    assert (siae in Siae.objects.with_competence(lot)) is matches


def test_of_kinds_includes_convention_kinds():
    both = SiaeFactory(kind="ACI")
    Convention.objects.create(siae=both, kind="EI", source="asp")
    only_aci = SiaeFactory(kind="ACI")
    assert set(Siae.objects.of_kinds("EI")) == {both}
    assert set(Siae.objects.of_kinds(["ACI"])) == {both, only_aci}


def test_active_and_department_filters():
    kept = SiaeFactory()
    SiaeFactory(inactive=True)
    SiaeFactory(in_ain=True)
    assert set(Siae.objects.active().in_department("93")) == {kept}


def test_near_uses_real_distance_not_the_box():
    centre = SiaeFactory(latitude=48.8566, longitude=2.3522)
    # Inside the bounding box of a 10 km circle (corner), but about 13 km away.
    corner = SiaeFactory(latitude=48.8566 + 0.085, longitude=2.3522 + 0.13)
    far = SiaeFactory(latitude=45.76, longitude=4.83)
    assert set(Siae.objects.near(48.8566, 2.3522, 10)) == {centre}
    assert corner in set(Siae.objects.in_box(48.8566, 2.3522, 10))
    assert far not in set(Siae.objects.near(48.8566, 2.3522, 300))  # Lyon is about 390 km away
    assert far in set(Siae.objects.near(48.8566, 2.3522, 400))


def test_text_search_ignores_accents_and_case_and_reads_siret(index):
    target = SiaeFactory(name="ÉTABLISSEMENT Solidarité", brand="Les Écureuils")
    SiaeFactory(name="Autre")
    assert found("q=etablissement", index) == {target}
    assert found("q=ecureuils", index) == {target}
    assert found(f"q={target.siret[:9]}", index) == {target}


def test_cpv_filter_accepts_a_label(index):
    greens = with_competences(SiaeFactory(), "7731")
    with_competences(SiaeFactory(), "9091")
    result = search_siaes(SearchParams.from_mapping(QueryDict("cpv=espaces verts")), index)
    assert set(result.queryset) == {greens}
    assert any("7731" in note for note in result.notes)


def test_unknown_cpv_is_reported_not_guessed(index):
    SiaeFactory()
    result = search_siaes(SearchParams.from_mapping(QueryDict("cpv=zzzzqqq")), index)
    assert result.queryset.count() == 1 and "non reconnu" in result.notes[0]


def test_territory_commune_radius_department_region(index):
    montreuil = SiaeFactory()
    ain = SiaeFactory(in_ain=True)
    assert found("place=Montreuil (93)&radius_km=5", index) == {montreuil}
    assert found("place=Ain", index) == {ain}
    assert found("region=84", index) == {ain}
    assert found("department=93", index) == {montreuil}


def test_serving_includes_structures_whose_area_covers_the_department(index):
    local = SiaeFactory()
    regional = SiaeFactory(in_ain=True)
    ServiceArea.objects.create(siae=regional, kind="region", code="11")
    national = SiaeFactory(in_ain=True)
    ServiceArea.objects.create(siae=national, kind="national")
    assert found("department=93", index) == {local}
    assert found("department=93&serving=1", index) == {local, regional, national}
    assert found("region=11&serving=1", index) == {local, regional, national}


def test_service_kind_and_known_capacity(index):
    staff = SiaeFactory(offers_staff_provision=True)
    SiaeFactory(offers_service_provision=True)
    assert found("service_kind=staff_provision", index) == {staff}
    Capacity.objects.create(
        siae=staff, metric="insertion_fte", value=0, source="bilan", as_of=dt.date(2025, 12, 31)
    )
    assert found("capacity=insertion_fte", index) == {staff}  # a known zero is known; no row is unknown
    assert found("capacity=annual_turnover", index) == set()


def test_inactive_hidden_unless_asked(index):
    SiaeFactory(inactive=True)
    assert found("", index) == set()
    assert len(found("inactive=1", index)) == 1


def test_result_pages_keep_the_order_and_read_narrow_rows(django_assert_num_queries):
    from dentelle.siaes.search import LIST_DEFERRED, ResultPages

    for name in ("Charlie", "alpha", "Bravo", "Delta", "Echo"):
        SiaeFactory(name=name)
    SiaeFactory(name="Aaa inactive", inactive=True)
    queryset = Siae.objects.active().order_by("name", "pk")
    pages = ResultPages(queryset)
    expected = list(queryset.values_list("name", flat=True))
    with django_assert_num_queries(2):  # the ids of the slice, then those rows
        first = pages[0:3]
    assert [s.name for s in first] == expected[:3]
    assert [s.name for s in pages[3:10]] == expected[3:]
    assert pages.count() == len(pages) == 5 and pages[5:10] == []
    assert set(LIST_DEFERRED) <= first[0].get_deferred_fields()
