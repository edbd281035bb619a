"""Pages: search list (query-count guard), profile, permissions, edits, exports, coverage."""

import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dentelle.core.models import AuditLog
from dentelle.core.roles import Role
from dentelle.siaes.models import Competence, Contact, ServiceArea, Siae, SourcingNote
from tests.factories import SiaeFactory, with_competences

pytestmark = pytest.mark.django_db


def test_directory_requires_login(client):
    assert client.get(reverse("siaes:directory")).status_code == 302


def test_directory_lists_and_filters(client, reader, index):
    greens = with_competences(SiaeFactory(name="Les Jardiniers"), "7731")
    with_competences(SiaeFactory(name="Propreté Plus"), "9091")
    client.force_login(reader)
    page = client.get(reverse("siaes:directory"), {"cpv": "7731"}).content.decode()
    assert "Les Jardiniers" in page and "Propreté Plus" not in page
    assert reverse("siaes:map") in page
    assert client.get(reverse("siaes:profile", args=[greens.pk])).status_code == 200


def test_list_page_query_count_does_not_grow_with_results(
    client, reader, index, django_assert_max_num_queries
):
    client.force_login(reader)
    for _n in range(3):
        with_competences(SiaeFactory(), "7731", "9091")
    client.get(reverse("siaes:directory"))  # warm caches (session, index)
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("siaes:directory"))
    for _n in range(30):
        with_competences(SiaeFactory(), "7731", "9091")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("siaes:directory"))


def test_map_is_an_svg_drawn_from_our_coordinates(client, reader, index):
    SiaeFactory(name="Point <Montreuil>")
    client.force_login(reader)
    response = client.get(reverse("siaes:map"))
    body = response.content.decode()
    assert response["Content-Type"].startswith("image/svg+xml")
    # The directory page embeds the map with <object>: X-Frame-Options DENY would blank it.
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert (
        "<circle" in body
        and "Point &lt;Montreuil&gt;" in body
        and "http" not in body.replace("http://www.w3.org/2000/svg", "")
    )


def test_reader_sees_no_contacts_nor_sourcing_notes(client, reader, officer, index):
    siae = SiaeFactory()
    Contact.objects.create(siae=siae, name="Camille Martin", email="camille@example.org")
    SourcingNote.objects.create(
        siae=siae, date="2026-11-01", author=officer, who_met="Directrice", learned="Équipe de 12 ETP"
    )
    client.force_login(reader)
    page = client.get(reverse("siaes:profile", args=[siae.pk])).content.decode()
    assert "Camille Martin" not in page and "Équipe de 12 ETP" not in page
    detail = client.get(f"/api/siaes/{siae.pk}").json()
    assert detail["contacts"] is None


def test_officer_sees_contacts_and_the_access_is_logged(client, officer, index):
    siae = SiaeFactory()
    Contact.objects.create(siae=siae, name="Camille Martin", email="camille@example.org")
    client.force_login(officer)
    assert "Camille Martin" in client.get(reverse("siaes:profile", args=[siae.pk])).content.decode()
    assert AuditLog.objects.filter(user=officer, action="voir contacts", object_id=str(siae.pk)).exists()


def test_siae_member_edits_only_its_own_structure(client, make_user, index):
    own, other = SiaeFactory(), SiaeFactory()
    member = make_user(Role.SIAE_MEMBER, siae=own, username="membre")
    client.force_login(member)
    assert client.get(reverse("siaes:edit", args=[own.pk])).status_code == 200
    assert client.get(reverse("siaes:edit", args=[other.pk])).status_code == 403
    assert (
        client.post(reverse("siaes:add_competence", args=[other.pk]), {"cpv_prefix": "7731"}).status_code
        == 403
    )
    client.post(reverse("siaes:add_competence", args=[own.pk]), {"cpv_prefix": "77310000", "rationale": ""})
    assert Competence.objects.get(siae=own).origin == "declared"


def test_reader_cannot_edit_nor_add_notes(client, reader, index):
    siae = SiaeFactory()
    client.force_login(reader)
    assert client.get(reverse("siaes:edit", args=[siae.pk])).status_code == 403
    response = client.post(
        reverse("siaes:add_note", args=[siae.pk]), {"date": "2026-11-01", "who_met": "x", "learned": "y"}
    )
    assert response.status_code == 403 and not SourcingNote.objects.exists()


def test_officer_edit_marks_edited_fields_and_lineage(client, officer, index):
    siae = SiaeFactory(name="Ancien nom", commune_insee_code="93048")
    client.force_login(officer)
    data = {
        "name": "Nouveau nom",
        "brand": "",
        "legal_form": "",
        "naf": "81.30Z",
        "address": "",
        "postcode": "",
        "city": "",
        "commune_insee_code": "01004",
        "website": "",
        "description": "",
        "is_active": "on",
    }
    response = client.post(reverse("siaes:edit", args=[siae.pk]), data)
    assert response.status_code == 302
    siae.refresh_from_db()
    assert siae.name == "Nouveau nom" and siae.naf == "8130Z"
    assert (siae.department_code, siae.region_code) == ("01", "84")
    assert {"name", "naf", "commune_insee_code", "department_code"} <= set(siae.edited_fields)
    assert siae.provenance["name"]["source"] == f"saisie par {officer.username}"


def test_officer_adds_sourcing_note_capacity_and_area(client, officer, index):
    siae = SiaeFactory()
    ServiceArea.objects.create(siae=siae, kind="department", code="93", origin="default")
    client.force_login(officer)
    client.post(
        reverse("siaes:add_note", args=[siae.pk]),
        {"date": "2026-11-20", "who_met": "Directeur", "learned": "Prêts pour 2027", "next_steps": "Visite"},
    )
    client.post(
        reverse("siaes:add_capacity", args=[siae.pk]),
        {"metric": "free_monthly_hours", "value": "300", "source": "entretien", "as_of": "2026-11-20"},
    )
    client.post(reverse("siaes:add_area", args=[siae.pk]), {"kind": "radius", "code": "", "radius_km": "30"})
    note = SourcingNote.objects.get(siae=siae)
    assert note.author == officer and note.learned == "Prêts pour 2027"
    capacity = siae.capacities.get()
    assert capacity.value == 300 and capacity.recorded_by == officer
    assert list(siae.service_areas.values_list("kind", "radius_km", "origin")) == [("radius", 30, "declared")]
    siae.refresh_from_db()
    assert "service_areas" in siae.edited_fields


def test_removing_a_derived_competence_stops_imports_from_restoring_it(client, officer, index):
    siae = SiaeFactory()
    competence = Competence.objects.create(siae=siae, cpv_prefix="7731", origin="naf", rationale="NAF")
    client.force_login(officer)
    client.post(reverse("siaes:delete_competence", args=[siae.pk, competence.pk]))
    siae.refresh_from_db()
    assert not siae.competences.exists() and "competences" in siae.edited_fields


def test_exports_are_formula_safe(client, reader, index):
    SiaeFactory(name='=HYPERLINK("http://x")', brand="+33 evil")
    client.force_login(reader)
    response = client.get(reverse("siaes:export", args=["csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "SIRET" and rows[1][1].startswith("'=") and rows[1][2].startswith("'+")
    response = client.get(reverse("siaes:export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=2, column=2).value.startswith("'=") and sheet.cell(row=2, column=2).data_type == "s"
    assert client.get(reverse("siaes:export", args=["pdf"])).status_code == 404


def test_coverage_page_and_exports(client, reader, index):
    with_competences(SiaeFactory(), "9091")
    client.force_login(reader)
    page = client.get(reverse("coverage:page"), {"region": "11", "famille": "cleaning"}).content.decode()
    assert "Seine-Saint-Denis" in page and "<svg" in page
    assert "Structures capables : Nettoyage et propreté" in page  # the map shows the chosen family
    response = client.get(reverse("coverage:export", args=["csv"]), {"region": "11"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    cleaning = next(r for r in rows if r[0] == "Nettoyage et propreté")
    header = rows[0]
    assert cleaning[header.index("Seine-Saint-Denis (93)")] == "1"
    xlsx = client.get(reverse("coverage:export", args=["xlsx"]), {"region": "11"})
    assert load_workbook(io.BytesIO(xlsx.content)).active.max_row == len(rows)


def test_profile_shows_reservation_basis_and_lineage(client, reader, index):
    geiq = SiaeFactory(
        kind="GEIQ",
        provenance={
            "name": {"source": "geiq", "date": "2019-11-01"},
            "offers_goods_production": {"source": "défaut selon le type", "date": "2019-11-01"},
            "region_code": {"source": "asp", "file": "siae_asp_2019_07.csv", "date": "2019-07-01"},
        },
        edited_fields=["name"],
    )
    client.force_login(reader)
    page = client.get(reverse("siaes:profile", args=[geiq.pk])).content.decode()
    assert "à vérifier" in page and "01/11/2019" in page
    lineage = page.split('id="provenance"', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r"<td>(.*?)</td>", lineage)
    assert cells[:4] == ["Fabrication et vente", "défaut selon le type", "01/11/2019", ""]
    assert cells[4:8] == ["Raison sociale", "Liste des GEIQ", "01/11/2019", "oui"]
    assert cells[8:10] == ["Région", "Liste ASP des SIAE (2019) (siae_asp_2019_07.csv)"]
    assert not re.search(r"offers_|region_code|>name<|>asp<", lineage)
    assert Siae.objects.count() == 1
