"""Site files (CSV / JSON): every bad row reported with its line, column and reason."""

from types import SimpleNamespace

from dentelle.purchases.sitefile import read_site_file

PLACES = {
    "94028": SimpleNamespace(
        kind="commune", code="94028", name="Créteil", department_code="94", latitude=48.7904, longitude=2.4556
    ),
}


def resolve(text):
    return PLACES.get(text)


def test_csv_sites_resolved_and_bad_rows_reported():
    content = (
        "Site;Commune;Montant;Latitude;Longitude\n"
        "Lycée A;94028;12000;;\n"
        "Lycée B;99999;5000;;\n"
        ";94028;1;;\n"
        "Lycée C;;abc;48.8;2.3\n"
        "Lycée D;;7000;48.8;2.3\n"
    ).encode()
    rows, report = read_site_file(content, "sites.csv", resolve)
    assert [r.name for r in rows] == ["Lycée A", "Lycée C", "Lycée D"]
    assert rows[0].department == "94" and rows[0].latitude == 48.7904
    problems = {(p.line, p.column) for p in report.errors}
    assert problems == {(3, "commune"), (4, "site"), (5, "montant")}
    assert "introuvable" in next(str(p) for p in report.errors if p.line == 3)


def test_json_sites_and_unreadable_file():
    rows, report = read_site_file(
        b'{"sites": [{"site": "Gare", "latitude": 48.9, "longitude": 2.4}]}', "s.json"
    )
    assert report.ok and rows[0].name == "Gare"
    rows, report = read_site_file(b"{not json", "s.json")
    assert not report.ok and rows == [] and "illisible" in str(report.errors[0])


def test_headers_with_units_and_notes():
    content = (
        "Site;Commune (code INSEE);Montant annuel HT (€);Lot proposé\nLycée A;94028;12000;Lot 1\n".encode()
    )
    rows, report = read_site_file(content, "sites.csv", resolve)
    assert report.ok and rows[0].amount == 12000 and rows[0].commune_code == "94028" and rows[0].lot == ""


def test_coordinates_and_amounts_read_in_french_formats_within_bounds():
    content = (
        "Site;Latitude;Longitude;Montant\n"
        "Gare;48,9;2,35;12 000,50\n"  # decimal commas, a grouped amount
        "Dépôt;2.35;48.9;1000\n"  # latitude and longitude swapped
        "Quai;NaN;2.3;1000\n"
    ).encode("cp1252")  # as a French spreadsheet saves it
    rows, report = read_site_file(content, "sites.csv")
    assert [(r.name, r.latitude, r.longitude, r.amount) for r in rows] == [("Gare", 48.9, 2.35, 12000.5)]
    # Each refused coordinate is named (then the row has no position: a second error says so).
    assert {(p.line, p.column) for p in report.errors} >= {(3, "latitude"), (3, "longitude"), (4, "latitude")}


def _commune_place(code, name, dept, region="11"):
    return SimpleNamespace(
        kind="commune",
        code=code,
        name=name,
        department_code=dept,
        region_code=region,
        latitude=48.9,
        longitude=2.3,
    )


def test_a_name_several_communes_carry_is_reported_as_ambiguous_with_its_candidates():
    homonyms = [
        _commune_place("93066", "Saint-Denis", "93"),
        _commune_place("97411", "Saint-Denis", "974", "04"),
    ]
    places = {
        "Saint-Denis": homonyms,
        "Lyon (75)": [_commune_place("69123", "Lyon", "69", "84")],
        "Essonne": SimpleNamespace(kind="department", code="91", name="Essonne"),
    }
    content = b"Site;Commune\nA;Saint-Denis\nB;Lyon (75)\nC;Essonne\nD;Nulle-Part\n"
    rows, report = read_site_file(content, "sites.csv", places.get)
    assert rows == []
    errors = {p.line: str(p) for p in report.errors}
    assert (
        "« Saint-Denis » : 2 communes portent ce nom (départements 93, 974 ; codes INSEE 93066, 97411) : "
        "précisez le code INSEE ou le département, par exemple « Saint-Denis (93) »"
    ) in errors[2]
    assert "la commune Lyon est dans le département 69 (code INSEE 69123)" in errors[3]
    assert "« Essonne » n'est pas une commune (département Essonne)" in errors[4]
    assert "commune « Nulle-Part » introuvable" in errors[5]
