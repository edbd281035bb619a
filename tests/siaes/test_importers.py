"""Importers on small made files (one per error kind), idempotence, edited-field protection."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from dentelle.siaes.models import Capacity, Competence, Convention, ServiceArea, Siae

from .conftest import DATA

pytestmark = pytest.mark.django_db


def problems(report, column=None):
    return [p for p in report.problems if column is None or p.column == column]


def test_asp_creates_one_structure_per_siret_with_every_convention(run):
    report = run("asp", "asp_ok.csv")
    assert report.committed
    assert Siae.objects.count() == 3
    jardins = Siae.objects.get(siret="12345670900013")
    assert jardins.kind == "ACI"  # first row's kind stays the main kind
    assert sorted(Convention.objects.filter(siae=jardins).values_list("kind", flat=True)) == ["ACI", "EI"]
    assert jardins.kinds == ["ACI", "EI"]
    assert (jardins.commune_insee_code, jardins.department_code, jardins.region_code) == ("93048", "93", "11")
    assert jardins.provenance["name"] == {"source": "asp", "file": "asp_ok.csv", "date": "2019-07-01"}
    assert jardins.naf == "8130Z" and jardins.legal_form == "Association déclarée"


def test_missing_coordinates_take_the_commune_centroid(run, index):
    run("asp", "asp_ok.csv")
    auber = Siae.objects.get(siret="12345671700016")
    commune = index.commune("93001")
    assert (auber.latitude, auber.longitude) == (round(commune.latitude, 6), round(commune.longitude, 6))


def test_every_imported_structure_gets_competences_and_a_default_area(run):
    run("asp", "asp_ok.csv")
    for siae in Siae.objects.all():
        assert siae.competences.exists(), siae
    jardins = Siae.objects.get(siret="12345670900013")
    assert set(jardins.competences.values_list("cpv_prefix", flat=True)) >= {"7731"}
    accueil = Siae.objects.get(siret="12345672500019")  # NAF 88.99B says nothing: kind default (AI)
    assert set(accueil.competences.values_list("origin", flat=True)) == {"naf", "kind"}
    area = ServiceArea.objects.get(siae=jardins)
    assert (area.kind, area.code, area.origin) == ("department", "93", "default")
    assert jardins.offers_service_provision and not jardins.offers_staff_provision
    assert Siae.objects.get(siret="12345672500019").offers_staff_provision


def test_second_identical_import_changes_nothing(run):
    first = run("asp", "asp_ok.csv")
    assert first.counts["modifications"] > 0
    second = run("asp", "asp_ok.csv")
    assert second.counts["modifications"] == 0
    assert second.counts["structures inchangées"] == 3


def test_dry_run_writes_nothing(run):
    report = run("asp", "asp_ok.csv", wet=False)
    assert not report.committed and report.counts["structures créées"] == 3
    assert Siae.objects.count() == 0


@pytest.mark.parametrize(
    "line, column, reason",
    [
        pytest.param(3, "siret", "mal formé", id="short-siret"),
        pytest.param(4, "siret", "clé de contrôle", id="bad-check-digit"),
        pytest.param(5, "type_siae", "type de structure inconnu", id="unknown-kind"),
        pytest.param(6, "commune", "commune inconnue", id="unknown-commune"),
        pytest.param(7, "latitude", "axes inversés", id="swapped-axes"),
    ],
)
def test_row_report_names_line_column_and_reason(run, line, column, reason):
    report = run("asp", "asp_errors.csv")
    found = [p for p in report.problems if p.line == line and p.column == column]
    assert found and reason in found[0].reason, [str(p) for p in report.problems]


def test_bad_rows_are_skipped_and_unknown_commune_is_not_guessed(run, index):
    report = run("asp", "asp_errors.csv")
    assert report.committed and len(report.errors) == 3
    assert not Siae.objects.filter(siret="12345673300013").exists()
    unknown = Siae.objects.get(siret="12345674100016")
    assert unknown.commune_insee_code == "" and unknown.latitude is None and unknown.department_code == ""
    swapped = Siae.objects.get(siret="12345675800010")
    assert swapped.latitude == round(index.commune("93048").latitude, 6)


def test_strict_mode_cancels_everything_on_one_bad_row(run):
    report = run("asp", "asp_errors.csv", strict=True)
    assert not report.committed
    assert Siae.objects.count() == 0


def test_import_never_overwrites_a_person_edited_field(run):
    run("asp", "asp_ok.csv")
    jardins = Siae.objects.get(siret="12345670900013")
    jardins.name = "Les Jardins (nom corrigé)"
    jardins.mark_edited(["name"], "saisie par acheteuse", dt.date(2026, 11, 25))
    jardins.save()
    report = run("lemarche", "lemarche.json")  # newer data, would otherwise win
    jardins.refresh_from_db()
    assert jardins.name == "Les Jardins (nom corrigé)"
    assert jardins.brand == "Les Jardins de Montreuil"  # other fields still follow the newer source
    assert report.counts["valeurs protégées (modifiées à la main) conservées"] >= 1


def test_newer_data_wins_whatever_the_import_order(run):
    run("lemarche", "lemarche.json")  # 2020-12
    run("asp", "asp_ok.csv")  # 2019-07: older, must not undo the newer values
    jardins = Siae.objects.get(siret="12345670900013")
    assert jardins.legal_form == "ASSOCIATION"
    assert jardins.provenance["legal_form"]["source"] == "lemarche"
    assert run("lemarche", "lemarche.json").counts["modifications"] == 0
    assert run("asp", "asp_ok.csv").counts["modifications"] == 0


def test_lemarche_json_reads_ewkt_points_and_capacities(run):
    report = run("lemarche", "lemarche.json")
    assert [p.line for p in report.errors] == [3]
    jardins = Siae.objects.get(siret="12345670900013")
    assert (jardins.latitude, jardins.longitude) == (48.86415, 2.44322)  # EWKT is (lon lat)
    capacity = Capacity.objects.get(siae=jardins, metric="insertion_fte")
    assert capacity.value == 24 and capacity.as_of == dt.date(2020, 12, 18)
    assert not Capacity.objects.filter(siae=jardins, metric="permanent_fte").exists()  # unknown stays unknown
    paris = Siae.objects.get(siret="12345679000013")
    assert paris.commune_insee_code == "75113"  # postcode 75013 designates one arrondissement
    assert set(paris.competences.values_list("cpv_prefix", flat=True)) == {"7962"}


def test_lemarche_csv_is_the_same_export(run):
    run("lemarche", "lemarche.json")
    assert run("lemarche", "lemarche.csv").counts["modifications"] == 0


def test_asp_ids_enriches_known_structures_and_creates_none(run):
    run("asp", "asp_ok.csv")
    report = run("asp-ids", "asp_ids.csv")
    jardins = Siae.objects.get(siret="12345670900013")
    assert jardins.name == "JARDINS DE MONTREUIL"  # the truncated 2020 name does not replace it
    assert jardins.external_ids["asp"] == ["101"]
    assert Convention.objects.filter(siae=jardins, asp_id="101").exists()
    assert not Siae.objects.filter(siret="12345676600013").exists()
    assert report.counts["SIRET inconnus non créés"] == 1
    assert report.counts["lignes FDI (financement, pas un type de structure) ignorées"] == 1


def test_geiq_import(run):
    run("geiq", "geiq.csv")
    geiq = Siae.objects.get(siret="12345677400017")
    assert geiq.kind == "GEIQ" and geiq.address == "10, rue de Paris, Bâtiment B"
    assert geiq.offers_staff_provision and set(geiq.competences.values_list("cpv_prefix", flat=True)) == {
        "7962"
    }
    assert geiq.reservation_bases == [] and "vérifier" in geiq.reservation_note


def test_esat_import_merges_establishments_of_one_siret(run):
    report = run("esat", "esat.csv")
    assert [(p.line, p.column) for p in report.errors] == [(4, "siret")]
    esat = Siae.objects.get(siret="12345678200010")
    assert esat.kind == "ESAT" and esat.external_ids["finess"] == ["930000001", "930000002"]
    assert Capacity.objects.get(siae=esat, metric="authorised_places").value == 75
    assert [b.article for b in esat.reservation_bases] == ["L2113-12"]


def test_changed_naf_replaces_derived_competences_but_keeps_declared_ones(run):
    run("asp", "asp_ok.csv")
    jardins = Siae.objects.get(siret="12345670900013")
    Competence.objects.create(siae=jardins, cpv_prefix="9091", origin="declared", rationale="déclarée")
    path = DATA / "asp_ok.csv"
    text = path.read_text(encoding="utf-8").replace("8130Z", "4334Z")
    changed = path.parent / "tmp_asp_naf.csv"
    changed.write_text(text, encoding="utf-8")
    try:
        run("asp", None, path=changed)
    finally:
        changed.unlink()
    prefixes = set(jardins.competences.values_list("cpv_prefix", "origin"))
    assert (
        ("4544", "naf") in prefixes and ("7731", "naf") not in prefixes and ("9091", "declared") in prefixes
    )


def test_command_reports_zero_modification_on_second_run(index, capsys):
    path = str(DATA / "asp_ok.csv")
    call_command("siaes", "import", "--source", "asp", path, "--wet-run")
    call_command("siaes", "import", "--source", "asp", path, "--wet-run")
    out = capsys.readouterr().out
    assert "0 modification" in out


@pytest.mark.parametrize(
    "name, content, message",
    [
        pytest.param("absent.csv", None, "introuvable", id="missing-file"),
        pytest.param(
            "latin1.csv", "siret,denomination\n1,Épinay\n".encode("latin-1"), "encodage", id="wrong-encoding"
        ),
        pytest.param(
            "headers.csv",
            (DATA / "asp_bad_headers.csv").read_bytes(),
            "colonnes manquantes",
            id="wrong-headers",
        ),
        pytest.param("bad.json", b"{not json", "JSON invalide", id="bad-json"),
        pytest.param(
            "quote.csv",
            (DATA / "asp_ok.csv").read_bytes().replace(b"\n", b'\n"', 1) + b"x" * 140_000,
            "ligne 2 : .*guillemet",
            id="quote-never-closed",
        ),
    ],
)
def test_unreadable_files_give_a_french_error_not_a_traceback(index, tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    source = "lemarche" if name.endswith(".json") else "asp"
    with pytest.raises(CommandError, match=message):
        call_command("siaes", "import", "--source", source, str(path))


@pytest.mark.parametrize(
    "ewkt, lon, lat",
    [("SRID=4326;POINT (2.4e-05 45.012811)", "2.4e-05", "45.012811"), ("POINT(-1.5 48.86)", "-1.5", "48.86")],
)
def test_ewkt_points_with_exponents(ewkt, lon, lat):
    from dentelle.siaes.importers.lemarche import POINT_RE

    assert POINT_RE.search(ewkt).groups() == (lon, lat)


def test_reworded_table_line_reaches_existing_competences(run, monkeypatch):
    """The NAF → CPV table holds the "why": a new wording updates the competences, once."""
    from dentelle.siaes.importers import upsert
    from dentelle.siaes.naf_cpv import SuggestedCompetence, suggest_competences

    run("esat", "esat.csv")
    esat = Siae.objects.get(siret="12345678200010")
    assert Competence.objects.filter(siae=esat, origin="kind").count() == 3

    def reworded(naf, kind):
        return [
            SuggestedCompetence(s.cpv_prefix, s.origin, f"{s.rationale} (v2)")
            for s in suggest_competences(naf, kind)
        ]

    monkeypatch.setattr(upsert, "suggest_competences", reworded)
    report = run("esat", "esat.csv")
    assert report.counts["justifications de compétences mises à jour"] == 3
    assert all(c.rationale.endswith("(v2)") for c in Competence.objects.filter(siae=esat))
    assert "justifications de compétences mises à jour" not in run("esat", "esat.csv").counts
