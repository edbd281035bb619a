"""Lot page, allotment section: sites given on the page, the proposal recomputed with the officer's
limits (table, map, both methods), accepted (lots created), exported (XLSX, formula-safe); the sites in
the API and `dentelle allot --lot`; roles as for the lot itself."""

import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from dentelle.core.roles import Role
from dentelle.purchases.models import Finding, FindingStatus, Lot
from dentelle.purchases.views_allotment import input_number
from tests.commands import command_output
from tests.purchases.test_allotment_sites import _lot, gardeners  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

SITES = (
    "site;commune;montant\n"
    '=HYPERLINK("http://x");94028;10000\n'
    "Lycée Créteil 2;94028;10000\n"
    "Lycée Vitry;94081;10000\n"
    "Lycée Cergy;95127;10000\n"
    "Lycée Pontoise;95500;10000\n"
    "Lycée Osny;95476;10000\n"
)


def _upload(client, lot, content=SITES, name="sites.csv"):
    return client.post(
        f"/achats/lot/{lot.pk}/sites/", {"sites": SimpleUploadedFile(name, content.encode())}, follow=True
    )


def test_sites_page_recompute_accept_export(client, officer, organisation, gardeners):  # noqa: F811
    lot = _lot(organisation)
    client.force_login(officer)
    page = client.get(f"/achats/lot/{lot.pk}/").content.decode()
    assert "Aucun site n'est connu pour ce lot" in page and "Donner les sites" in page

    bad = _upload(client, lot, "site;commune\nA;Nulle-Part-sur-Mer\n").content.decode()
    assert "Fichier de sites refusé, rien n" in bad and "ligne 2, colonne « commune »" in bad
    assert not lot.sites.exists()
    page = _upload(client, lot).content.decode()
    assert "6 sites enregistrés" in page and lot.sites.count() == 6

    # Numbers as written in French: decimal comma, spaces between thousands.
    limits = {"allot": 1, "max_lots": 2, "max_km": "25,0", "min_lot_amount": "1 000"}
    page = client.get(f"/achats/lot/{lot.pk}/", limits).content.decode()
    assert "Proposition recalculée avec ces limites" in page
    assert "Lots proposés par l'optimiseur" in page and "Découpage par département" in page
    assert page.count("<circle") == 6 and "<svg" in page
    assert "Accepter : créer les 2 lots" in page
    # Coordinates written with a dot whatever the page's language (a comma would break the SVG).
    assert 'cx="' in page and not any("," in part.split('"')[1] for part in page.split("cx=")[1:])

    wrong = client.get(f"/achats/lot/{lot.pk}/?allot=1&min_lots=5&max_lots=2").content.decode()
    assert "Le nombre minimal de lots dépasse le nombre maximal" in wrong

    xlsx = client.get(f"/achats/lot/{lot.pk}/allotissement/export.xlsx?allot=1&max_lots=2&max_km=25")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["Lots", "Comparaison", "Sites", "Paramètres"]
    methods = {row[0] for row in book["Lots"].iter_rows(min_row=2, values_only=True)}
    assert methods == {"optimiseur", "découpage par département"}
    names = [row[0] for row in book["Sites"].iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://x")' in names  # never a formula

    # The export's « Sites » sheet is edited in a spreadsheet and sent back: one site removed, two
    # kept together.
    sheet = book["Sites"]
    sheet.delete_rows(2)
    sheet["I4"], sheet["I5"] = "ensemble", "ensemble"
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("export.xlsx", buffer.getvalue())
    page = client.post(f"/achats/lot/{lot.pk}/sites/", {"sites": upload}, follow=True).content.decode()
    assert "5 sites enregistrés" in page
    assert [s.group for s in lot.sites.order_by("id")] == ["", "", "ensemble", "ensemble", ""]
    assert lot.sites.order_by("id").first().name == "Lycée Créteil 2"

    done = client.post(
        f"/achats/lot/{lot.pk}/allotissement/accepter/", {"max_lots": 2, "max_km": 25}, follow=True
    ).content.decode()
    assert "Découpage accepté : 2 lots territoriaux" in done
    lots = Lot.objects.filter(operation=lot.operation).order_by("number")
    assert [x.number for x in lots] == ["1", "1.2"] and sorted(x.sites.count() for x in lots) == [2, 3]
    finding = Finding.objects.get(lot=lot, rule_id="R4-allotment")
    assert finding.status == FindingStatus.ACCEPTED and finding.proposal["params"]["max_km"] == 25
    again = client.post(f"/achats/lot/{lot.pk}/allotissement/accepter/", {"max_lots": 2}, follow=True)
    assert "déjà issu d" in again.content.decode() and "un découpage accepté" in again.content.decode()


def test_roles_on_the_allotment_section(client, make_user, organisation, gardeners):  # noqa: F811
    lot = _lot(organisation)
    client.force_login(make_user(Role.PURCHASING_OFFICER))
    _upload(client, lot)
    reader = make_user(Role.READER)
    client.force_login(reader)
    page = client.get(f"/achats/lot/{lot.pk}/").content.decode()
    assert "Les 6 sites" in page and "Remplacer les sites" not in page
    assert _upload(client, lot).status_code == 403
    assert client.post(f"/achats/lot/{lot.pk}/allotissement/accepter/", {}).status_code == 403
    buyer_elsewhere = make_user(Role.BUYER, "DFP")  # the lot belongs to DL
    client.force_login(buyer_elsewhere)
    assert client.get(f"/achats/lot/{lot.pk}/allotissement/export.xlsx").status_code == 404
    assert client.get(f"/api/purchases/lots/{lot.pk}/sites").status_code == 404
    client.force_login(reader)
    sites = client.get(f"/api/purchases/lots/{lot.pk}/sites").json()
    assert len(sites) == 6 and sites[2]["commune_code"] == "94081" and sites[2]["department"] == "94"
    assert (
        client.get(f"/api/purchases/lots/{lot.pk}/sites?limit=2&offset=4").json()[0]["name"]
        == "Lycée Pontoise"
    )
    url = f"/api/purchases/lots/{lot.pk}/allotment"
    assert client.post(url, {}, content_type="application/json").status_code == 403  # a reader
    client.force_login(make_user(Role.PURCHASING_OFFICER, "DL"))
    data = client.post(url, {"max_lots": 2, "max_km": 25}, content_type="application/json").json()
    assert data["sites"] == 6 and data["optimiser"]["figures"]["lots"] == 2 and data["params"]["max_km"] == 25
    assert client.post(url, {"max_km": 0}, content_type="application/json").status_code in (400, 422)


def test_allot_command_on_a_stored_lot(client, officer, organisation, gardeners):  # noqa: F811
    lot = _lot(organisation)
    with pytest.raises(CommandError, match="aucun site"):
        call_command("allot", "--lot", str(lot.pk))
    with pytest.raises(CommandError, match="introuvable"):
        call_command("allot", "--lot", "999999")
    with pytest.raises(CommandError, match="pas les deux"):
        call_command("allot", "x.csv", "--lot", str(lot.pk))
    client.force_login(officer)
    _upload(client, lot)
    data = json.loads(
        command_output("allot", "--lot", str(lot.pk), "--lots", "2", "--max-km", "25", "--json")
    )
    assert data["sites"] == 6 and data["optimiser"]["figures"]["lots"] == 2
    assert data["baseline"]["figures"]["lots"] == 2  # departments 94 and 95
    assert "≥ 9 structures aptes" in command_output("allot", "--lot", str(lot.pk), "--min-able", "9")


def test_allotment_section_numbers_read_in_french(client, officer, organisation, gardeners):  # noqa: F811
    """Review: form values « 0,0 » and « 30,0 » for whole numbers, « écart d'optimalité 0, 0,5 s »,
    site weights « 1773,0 »."""
    lot = _lot(organisation)
    client.force_login(officer)
    _upload(client, lot, "site;commune;montant;poids\nA;94028;;1773\nB;94081;;2\nC;95127;;3\n")
    page = client.get(f"/achats/lot/{lot.pk}/", {"allot": 1, "max_lots": 2}).content.decode()
    assert "1\u202f773</td>" in page and "1773,0" not in page
    assert "écart d'optimalité 0," not in page or "écart d'optimalité 0,00\u202f%" in page
    assert " s." in page and "calcul en " in page
    initial = client.get(f"/achats/lot/{lot.pk}/").content.decode()
    values = re.findall(r'class="fr-input" [^>]*value="([^"]*)"', initial)
    assert values and not [v for v in values if v.endswith(",0")]


def test_input_number_keeps_decimals_only_when_there_are_some():
    assert (input_number(0.0), input_number(30.0), input_number(51.46)) == ("0", "30", "51,5")
    assert input_number(1200000.0) == "1\u202f200\u202f000"
