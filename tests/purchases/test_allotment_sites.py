"""Sites stored on a lot: from the « sites » sheet of a plan workbook, R4 on the HiGHS optimiser when a
maintenance lot carries them, and accepting its proposal creates the territorial lots with their sites."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from dentelle.purchases.allotment_sites import create_allotted_lots, replace_lot_sites
from dentelle.purchases.allotment_supply import resolver
from dentelle.purchases.models import Finding, Lot, Operation, ReservationKind, Site
from dentelle.purchases.services import accept_finding, scan_operations
from dentelle.purchases.sitefile import SiteRow
from tests.factories import SiaeFactory, with_competences

pytestmark = pytest.mark.django_db

CRETEIL = {"commune_insee_code": "94028", "department_code": "94", "latitude": 48.7904, "longitude": 2.4556}


def _workbook(tmp_path, site_rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Référence", "N° lot", "Intitulé", "Code CPV", "Montant estimé HT", "Direction", "Lieu"])
    sheet.append(["EV-1", "1", "Entretien des espaces verts", "77310000", 400000, "DL", "Île-de-France"])
    sheet.append(["EV-1", "2", "Élagage", "77211400", 50000, "DL", "Île-de-France"])
    sites = workbook.create_sheet("Sites")
    sites.append(["Site", "Commune", "Montant", "Opération", "Lot", "Groupe"])
    for row in site_rows:
        sites.append(row)
    path = tmp_path / "plan.xlsx"
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def _import(path, organisation):
    call_command("plan", "import", str(path), "--organisation", organisation.name, "--wet-run")


def test_sites_sheet_imported_on_its_lot(referentials_loaded, organisation, tmp_path):
    path = _workbook(
        tmp_path,
        [
            ["Lycée A", "94028", 20000, "EV-1", 1, "cité"],
            ["Lycée B", "Cergy", 15000, "EV-1", 1, ""],
            ["Lycée C", "Vitry-sur-Seine", None, "EV-1", 2, ""],
        ],
    )
    _import(path, organisation)
    first, second = Lot.objects.order_by("number")
    assert [s.name for s in first.sites.order_by("id")] == ["Lycée A", "Lycée B"]
    a, b = first.sites.order_by("id")
    assert (a.commune_code, a.department, a.amount, a.group) == ("94028", "94", Decimal("20000.00"), "cité")
    assert b.commune_name == "Cergy" and b.department == "95" and 48.9 < b.latitude < 49.2
    assert first.sites_count == 2 and second.sites.get().commune_code == "94081"
    # A new import is the truth: the lot's sites are replaced, not added.
    path = _workbook(tmp_path, [["Lycée D", "94028", 1000, "EV-1", 1, ""]])
    _import(path, organisation)
    assert [s.name for s in Lot.objects.get(number="1").sites.all()] == ["Lycée D"]


def test_bad_site_rows_cancel_the_import_with_their_line(referentials_loaded, organisation, tmp_path, capsys):
    path = _workbook(
        tmp_path,
        [
            ["Lycée A", "Nulle-Part-sur-Mer", 20000, "EV-1", 1, ""],
            ["Lycée B", "94028", 1000, "EV-9", 1, ""],
            ["Lycée C", "94028", 1000, "EV-1", "", ""],
        ],
    )
    with pytest.raises(CommandError, match="Import annulé"):
        _import(path, organisation)
    message = capsys.readouterr().out
    assert "ligne 2, colonne « sites : commune »" in message
    assert "ligne 3" in message and "EV-9" in message
    assert "ligne 4" in message and "plusieurs lots" in message
    assert not Site.objects.exists() and not Operation.objects.exists()


def _lot(organisation, title="Entretien des espaces verts des lycées", cpv="77310000"):
    service = organisation.services.get(code="DL")
    operation = Operation.objects.create(
        buyer_service=service, reference="EV-2", title=title, nature="services", duration_months=12
    )
    return Lot.objects.create(
        operation=operation,
        number="1",
        title=title,
        cpv_code=cpv,
        estimated_amount=Decimal("120000"),
        annual_amount=Decimal("120000"),
        duration_months=12,
        region_code="11",
        department_codes=["94", "95"],
        place_kind="region",
        place_code="11",
    )


def _site_rows():
    """Six sites near Créteil (94) and six near Cergy (95), 10 000 € a year each."""
    rows = []
    for k in range(6):
        rows.append(
            SiteRow(
                k, f"Créteil {k}", latitude=48.79 + 0.002 * k, longitude=2.455, amount=10000, department="94"
            )
        )
        rows.append(
            SiteRow(
                k, f"Cergy {k}", latitude=49.036 + 0.002 * k, longitude=2.076, amount=10000, department="95"
            )
        )
    return rows


@pytest.fixture
def gardeners(referentials_loaded):
    for kind in ("ACI", "EI", "EI", "AI"):
        with_competences(SiaeFactory(kind=kind, **CRETEIL), "7731")


def test_r4_calls_the_optimiser_and_accepting_creates_the_lots(gardeners, organisation, officer):
    lot = _lot(organisation)
    replace_lot_sites(lot, _site_rows())
    operation = Operation.objects.filter(pk=lot.operation_id).select_related("buyer_service__organisation")
    scan_operations(operation)
    finding = Finding.objects.get(lot=lot, rule_id="R4-allotment")
    proposal = finding.proposal
    assert proposal["method"] == "optimiseur" and proposal["optimiser"]["error"] == ""
    assert proposal["baseline"]["figures"]["lots"] == 2
    parts = proposal["optimiser"]["lots"]
    # Créteil's sites and Cergy's sites (≈ 37 km apart) never share a lot: two lots of 60 000 €.
    names = [sorted(Site.objects.get(pk=int(k)).name[:5] for k in part["sites"]) for part in parts]
    assert sorted(n[0] for n in names) == ["Cergy", "Créte"] and all(len(set(n)) == 1 for n in names)
    assert [part["amount"] for part in parts] == [60000.0, 60000.0]
    assert any(part["measure"].startswith("Réservé") for part in parts)  # 4 gardeners in Créteil

    accept_finding(finding, officer)
    lots = list(Lot.objects.filter(operation=lot.operation).order_by("number"))
    assert [x.number for x in lots] == ["1", "1.2"]
    assert [x.title.split(" (")[0] for x in lots] == [
        "Entretien des espaces verts des lycées — secteur 1",
        "Entretien des espaces verts des lycées — secteur 2",
    ]
    assert sum(x.estimated_amount for x in lots) == Decimal("120000")
    assert [x.sites_count for x in lots] == [6, 6] and all(x.sites.count() == 6 for x in lots)
    reserved = [x for x in lots if x.reservation_kind == ReservationKind.SIAE]
    assert reserved and all(x.department_codes == ["94"] for x in reserved)
    assert all(x.territorial_split for x in lots)
    # A lot already split is not split again by the next scan.
    scan_operations(
        Operation.objects.filter(pk=lot.operation_id).select_related("buyer_service__organisation")
    )
    assert not Finding.objects.filter(rule_id="R4-allotment", is_current=True).exists()


def test_a_stale_proposal_is_refused(organisation):
    lot = _lot(organisation)
    sites = replace_lot_sites(lot, _site_rows())
    keys = [str(s.pk) for s in sites]
    proposal = {
        "error": "",
        "lots": [
            {"label": "Lot 1", "sites": keys[:6], "amount": 60000, "measure": "Aucune mesure"},
            {"label": "Lot 2", "sites": keys[6:11], "amount": 50000, "measure": "Aucune mesure"},
        ],
    }
    with pytest.raises(ValidationError, match="ont changé"):
        create_allotted_lots(lot, proposal)
    assert Lot.objects.count() == 1


@pytest.mark.django_db
def test_site_file_communes_on_the_real_referentials(referentials_loaded):
    resolve = resolver()
    found = {text: resolve(text) for text in ("Paris", "Lyon", "Marseille", "Saint-Denis (93)", "75056")}
    assert {text: place.code for text, place in found.items()} == {
        "Paris": "75056",  # the commune, though Paris is a department too
        "Lyon": "69123",
        "Marseille": "13055",
        "Saint-Denis (93)": "93066",
        "75056": "75056",
    }
    homonyms = resolve("Saint-Denis")
    assert isinstance(homonyms, list) and {"93066", "97411"} <= {p.code for p in homonyms}
    assert resolve("Essonne").kind == "department" and resolve("Nulle-Part") is None
