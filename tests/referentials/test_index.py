"""Lookups of the in-memory index on the real reference files (loaded once per session)."""

import csv

import pytest
from django.conf import settings

from dentelle.referentials.index import get_index

pytestmark = pytest.mark.django_db


def test_real_files_are_complete(referentials_loaded):
    index = referentials_loaded
    with open(f"{settings.DENTELLE_DATA_DIR}/cpv/cpv_2008.csv", encoding="utf-8") as handle:
        cpv_rows = sum(1 for _ in csv.DictReader(handle))
    assert len(index.cpv_codes) == cpv_rows == 9454
    assert len(index.regions) == 26 and len(index.departments) == 109
    assert sum(1 for c in index.communes.values() if c.kind == "COM") == 34969


def test_commune_facts_from_the_data_readme(referentials_loaded):
    commune = referentials_loaded.commune("93001")
    assert (commune.name, commune.department_code, commune.region_code, commune.population) == (
        "Aubervilliers",
        "93",
        "11",
        88365,
    )
    assert referentials_loaded.grouping(commune.ept_siren).name == "Plaine Commune"
    assert referentials_loaded.grouping(commune.epci_siren).name == "Métropole du Grand Paris"
    assert abs(commune.latitude - 48.91248) < 1e-4


def test_department_and_region_helpers(referentials_loaded):
    index = referentials_loaded
    assert index.department_region["2A"] == "94"
    assert index.department_name("78") == "Yvelines" and index.region_name("11") == "Île-de-France"
    assert index.departments_of_region("11") == ["75", "77", "78", "91", "92", "93", "94", "95"]
    assert len(index.communes_of_grouping(index.commune("93001").ept_siren)) == 8


@pytest.mark.parametrize(
    ("text", "insee"),
    [
        ("Saint-Denis (93)", "93066"),
        ("saint denis (974)", "97411"),
        ("ST DENIS (93200)", "93066"),
        ("L'Haÿ-les-Roses", "94038"),
        ("Paris 13e", "75113"),
        ("PARIS 13EME", "75113"),
        ("75013", "75113"),
        ("Marseille 1er", "13201"),
        ("Lyon 3e arrondissement", "69383"),
        ("93001", "93001"),
        ("Arbignieu", "01015"),
    ],
)
def test_find_commune(referentials_loaded, text, insee):
    found = referentials_loaded.find_commune(text)
    assert (found.insee_code if found else None) == insee


def test_communes_by_postcode_and_name(referentials_loaded):
    index = referentials_loaded
    assert [c.insee_code for c in index.communes_by_postcode("93200")] == ["93066"]
    homonyms = {c.department_code for c in index.communes_by_name("saint-denis")}
    assert {"93", "974"} <= homonyms


@pytest.mark.parametrize("code", ["77310000", "77310000-6", "773100006", " 77310000-6 "])
def test_cpv_lookup_accepts_every_spelling(referentials_loaded, code):
    assert referentials_loaded.cpv_label(code) == "Réalisation et entretien d'espaces verts"


def test_cpv_tree(referentials_loaded):
    index = referentials_loaded
    assert index.cpv_ancestors("77311000") == ["77310000", "77300000", "77000000"]
    descendants = index.cpv_descendants("77310000")
    assert descendants and all(code.startswith("7731") for code in descendants)
    assert set(index.cpv_children("77310000")) <= set(descendants)
    assert index.cpv("99999999") is None and index.cpv_ancestors("nope") == []


@pytest.mark.parametrize(
    ("query", "expected_first"),
    [
        ("nettoyage de bureaux", "90919200"),
        ("NETTOYAGE BUREAUX", "90919200"),
        ("restauration scolaire", "55523100"),
        ("services sociaux personnes handicapees", "85311200"),
        ("7731", "77310000"),
    ],
)
def test_search_cpv_ranks_the_obvious_answer_first(referentials_loaded, query, expected_first):
    results = get_index().search_cpv(query, limit=5)
    assert results[0].code == expected_first


def test_search_cpv_without_match(referentials_loaded):
    assert get_index().search_cpv("zzzz introuvable") == []


def test_index_is_rebuilt_when_another_process_loaded_new_files(referentials_loaded, monkeypatch):
    from dentelle.referentials import index as index_module
    from dentelle.referentials.models import ReferentialLoad

    first = get_index()
    assert get_index() is first
    monkeypatch.setattr(index_module, "RECHECK_SECONDS", -1)
    assert get_index() is first  # nothing changed: same index
    # update() sends no signal: this is what a load from another process looks like to this one.
    ReferentialLoad.objects.filter(name="naf").update(version="NAF rév. 2 · autre")
    assert get_index() is not first
    index_module.invalidate_index()
