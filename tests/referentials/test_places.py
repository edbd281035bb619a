"""The place resolver: pure logic on tiny tables, then the real cases on the real referentials."""

from types import SimpleNamespace

import pytest

from dentelle.referentials.place_resolver import PlaceResolver
from dentelle.referentials.places import code_kind, resolve_place


def _commune(code, name, dept, region, kind="COM", postcodes=(), population=1000, parent=""):
    return SimpleNamespace(
        insee_code=code,
        name=name,
        kind=kind,
        department_code=dept,
        region_code=region,
        latitude=48.0,
        longitude=2.0,
        postcodes=postcodes,
        population=population,
        parent_code=parent,
    )


@pytest.fixture(scope="module")
def tiny():
    """A resolver on hand-made tables: no database involved."""
    from dentelle.referentials.text import normalise

    communes = {
        c.insee_code: c
        for c in [
            _commune("45234", "Orléans", "45", "24", postcodes=("45000", "45100")),
            _commune("45155", "Gien", "45", "24", postcodes=("45500",)),
            _commune("45058", "Bucy-le-Roi", "45", "24", postcodes=("45410",)),
            _commune("86194", "Poitiers", "86", "75", postcodes=("86000",)),
            _commune("38544", "Vienne", "38", "84", postcodes=("38200",)),
        ]
    }
    names = {}
    for c in communes.values():
        names.setdefault(normalise(c.name), []).append(c.insee_code)
    postcodes = {}
    for c in communes.values():
        for p in c.postcodes:
            postcodes.setdefault(p, []).append(c.insee_code)
    departments = {"45": ("Loiret", "24"), "86": ("Vienne", "75"), "38": ("Isère", "84")}
    regions = {"24": "Centre-Val de Loire", "75": "Nouvelle-Aquitaine", "84": "Auvergne-Rhône-Alpes"}
    return PlaceResolver(communes, postcodes, names, departments, regions, {})


def test_communes_named_lists_homonyms_and_leaves_arrondissements_out():
    from dentelle.referentials.index_territories import commune_name_keys
    from dentelle.referentials.text import normalise

    communes = {
        c.insee_code: c
        for c in [
            _commune("75056", "Paris", "75", "11", population=2_100_000),
            _commune("75113", "Paris 13e Arrondissement", "75", "11", kind="ARM", parent="75056"),
            _commune("93066", "Saint-Denis", "93", "11", population=149_000),
            _commune("97411", "Saint-Denis", "974", "04", population=155_000),
        ]
    }
    names = {}
    for c in communes.values():
        for key in commune_name_keys(c.name, c.kind):
            names.setdefault(key, []).append(c.insee_code)
    resolver = PlaceResolver(
        communes, {}, names, {"75": ("Paris", "11"), "93": ("Seine-Saint-Denis", "11")}, {}, {}
    )
    assert resolver.communes_named("Paris") == ["75056"]
    assert resolver.communes_named("PARIS 13e") == ["75113"]
    assert resolver.communes_named("saint denis") == ["93066", "97411"]  # by department code
    assert resolver.communes_named("Saint-Denis (974)") == ["97411"]
    assert resolver.communes_named("Saint-Denis (75)") == [] and resolver.communes_named("Nulle-Part") == []
    assert normalise("Saint-Denis") in names


def _summary(place):
    return (place.kind, place.code) if place else None


@pytest.mark.parametrize(
    ("text", "code", "kind", "expected"),
    [
        ("24 rue du Pot de Fer 45000 ORLEANS", None, None, ("commune", "45234")),
        ("ORLEANS CEDEX 1", "45058", "postcode", ("commune", "45234")),
        ("Hôtel de ville", "45058", "commune", ("commune", "45058")),
        ("Gien", "45503", "postcode", ("commune", "45155")),
        ("Loiret", "45", "department", ("department", "45")),
        ("Département du Loiret", None, None, ("department", "45")),
        ("Is\ufffdre", None, None, ("department", "38")),
        ("Vienne", None, None, ("department", "86")),
        ("Vienne", "38200", "postcode", ("commune", "38544")),
        ("Isère", "45000", "postcode", None),
        ("France entière", None, None, ("national", "FR")),
        ("Somewhere", "FR", "country", ("national", "FR")),
        ("Centre-Val de Loire", None, None, ("region", "24")),
        ("Région Centre", None, None, ("region", "24")),
        ("45", None, None, ("department", "45")),
        ("", None, None, None),
        ("Quelque part", None, None, None),
    ],
    ids=[
        "address-with-postcode",
        "cedex-postcode-is-not-an-insee-code",
        "insee-code-given-as-commune",
        "cedex-postcode-then-name",
        "department-code",
        "department-phrase",
        "lost-accents",
        "department-wins-over-homonym-commune",
        "postcode-picks-the-commune",
        "conflicting-departments-give-none",
        "national-text",
        "country-code",
        "region-name",
        "old-region-name",
        "text-is-a-department-code",
        "empty",
        "unknown",
    ],
)
def test_pure_resolver(tiny, text, code, kind, expected):
    assert _summary(tiny.resolve(text, code, kind)) == expected


@pytest.mark.parametrize(
    ("type_text", "expected"),
    [
        ("Code postal", "postcode"),
        ("CODE DEPARTEMENT", "department"),
        ("Code commune", "commune"),
        ("Code pays", "country"),
        ("Code région", "region"),
        ("Code arrondissement", "arrondissement"),
        ("", None),
    ],
)
def test_code_kind(type_text, expected):
    assert code_kind(type_text) == expected


REAL_CASES = {
    "ville-de": ("Ville de Gennevilliers", None, None, ("commune", "92036", "92")),
    "department-number": ("93", None, None, ("department", "93", "93")),
    "postcode-paris-arrondissement": ("75013 Paris", None, None, ("commune", "75113", "75")),
    "department-phrase": ("Département des Yvelines", None, None, ("department", "78", "78")),
    "region-with-accent": ("Île-de-France", None, None, ("region", "11", None)),
    "region-capitals": ("ILE DE FRANCE", "11", "Code région", ("region", "11", None)),
    "street-address": ("24 rue du Pot de Fer 45000 ORLEANS", None, None, ("commune", "45234", "45")),
    "national": ("France entière", None, None, ("national", "FR", None)),
    "ept": ("Plaine Commune", None, None, ("ept", "200057867", "93")),
    "metropole": ("Métropole du Grand Paris", None, None, ("epci", "200054781", None)),
    "ca-long-form": ("Communauté d'agglomération du Grand Dole", None, None, ("epci", "200010650", "39")),
    "saint-denis-93": ("Saint-Denis (93)", None, None, ("commune", "93066", "93")),
    "homonym-without-hint": ("Saint-Denis", None, None, None),
    "cedex": ("Hôtel de Ville 13528 Port de Bouc Cédex", "13528", "Code postal", ("commune", "13077", "13")),
    "decp-lost-accent": ("Bouches-du-Rh\ufffdne", "13", "Code département", ("department", "13", "13")),
    "decp-code-in-parens": ("(44) Loire-Atlantique", "44", "Code département", ("department", "44", "44")),
    "decp-a-lyon": ("A Lyon", "69123", "Code commune", ("commune", "69123", "69")),
    "decp-mairie-de": ("MAIRIE DE VILLEURBANNE", "69601", "Code postal", ("commune", "69266", "69")),
    "decp-department-typed-as-postcode": ("Cantal", "15000", "Code département", ("department", "15", "15")),
    "decp-corsica-postcode": ("Ajaccio", "20000", "Code postal", ("commune", "2A004", "2A")),
    "decp-text-names-department": ("Seine-et-Marne", "77500", "Code postal", ("department", "77", "77")),
    "decp-all-communes-of": (
        "TOUTES LES COMMUNES DE LOIRE-ATLANTIQUE",
        "DEP",
        "Code commune",
        ("department", "44", "44"),
    ),
    "decp-canton-code": ("Foix (canton)", "0905", "Code arrondissement", ("department", "09", "09")),
    "decp-abroad": ("Etranger", "99", "Code département", None),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(REAL_CASES), ids=list(REAL_CASES))
def test_resolve_real_places(referentials_loaded, case):
    text, code, type_text, expected = REAL_CASES[case]
    place = resolve_place(text, code=code, code_kind_text=type_text)
    assert ((place.kind, place.code, place.department_code) if place else None) == expected


@pytest.mark.django_db
def test_grouping_place_lists_member_communes(referentials_loaded):
    place = resolve_place("Plaine Commune")
    assert "93001" in place.commune_codes and len(place.commune_codes) == 8
    assert place.region_code == "11" and place.latitude is not None
    assert place.as_dict()["kind_label"].startswith("établissement public territorial")
