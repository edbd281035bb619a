"""An SIAE member sees and edits the contacts of its own structure, never those of another one."""

import pytest
from django.urls import reverse

from dentelle.core.models import AuditLog
from dentelle.core.roles import Role
from dentelle.siaes.models import Contact, SourcingNote
from tests.factories import SiaeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def structures(make_user, officer):
    own, other = SiaeFactory(name="Notre structure"), SiaeFactory(name="Une autre")
    Contact.objects.create(siae=own, name="Alix Durand", email="alix@example.org", role="Directrice")
    Contact.objects.create(siae=other, name="Brune Petit", email="brune@example.org")
    SourcingNote.objects.create(
        siae=own, date="2026-11-01", author=officer, who_met="Alix", learned="Note interne"
    )
    member = make_user(Role.SIAE_MEMBER, siae=own, username="membre")
    return own, other, member


def test_member_sees_its_own_contacts_not_the_buyers_notes(client, structures, index):
    own, _other, member = structures
    client.force_login(member)
    page = client.get(reverse("siaes:profile", args=[own.pk])).content.decode()
    assert "Alix Durand" in page and "alix@example.org" in page
    assert reverse("siaes:edit_contact", args=[own.pk, own.contacts.get().pk]) in page
    assert "Note interne" not in page  # sourcing notes stay internal to the buyers
    assert AuditLog.objects.filter(user=member, action="voir contacts", object_id=str(own.pk)).exists()
    detail = client.get(f"/api/siaes/{own.pk}").json()
    assert detail["contacts"] == [
        {"name": "Alix Durand", "role": "Directrice", "email": "alix@example.org", "phone": ""}
    ]


def test_member_does_not_see_the_contacts_of_another_structure(client, structures, index):
    _own, other, member = structures
    client.force_login(member)
    page = client.get(reverse("siaes:profile", args=[other.pk])).content.decode()
    assert "Brune Petit" not in page and "brune@example.org" not in page
    assert client.get(f"/api/siaes/{other.pk}").json()["contacts"] is None


def test_member_edits_and_removes_its_own_contacts_only(client, structures, index):
    own, other, member = structures
    client.force_login(member)
    mine, theirs = own.contacts.get(), other.contacts.get()
    url = reverse("siaes:edit_contact", args=[own.pk, mine.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"name": "Alix Durand", "role": "Présidente", "email": "alix@example.org", "phone": "01 02 03 04 05"},
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.role, mine.phone) == ("Présidente", "01 02 03 04 05")
    invalid = client.post(url, {"name": "", "email": "pas-un-courriel"})
    assert invalid.status_code == 200 and "fr-error-text" in invalid.content.decode()
    assert client.get(reverse("siaes:edit_contact", args=[other.pk, theirs.pk])).status_code == 403
    # Another structure's contact reached through one's own structure: not found, not edited.
    assert (
        client.post(reverse("siaes:edit_contact", args=[own.pk, theirs.pk]), {"name": "X"}).status_code == 404
    )
    assert client.post(reverse("siaes:delete_contact", args=[other.pk, theirs.pk])).status_code == 403
    assert client.post(reverse("siaes:delete_contact", args=[own.pk, theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Brune Petit"
    client.post(reverse("siaes:add_contact", args=[own.pk]), {"name": "Camille Roux"})
    assert client.post(reverse("siaes:delete_contact", args=[own.pk, mine.pk])).status_code == 302
    assert list(own.contacts.values_list("name", flat=True)) == ["Camille Roux"]
    assert AuditLog.objects.filter(user=member, action="retirer contact").exists()


def test_reader_cannot_edit_contacts(client, structures, reader, index):
    own, _other, _member = structures
    client.force_login(reader)
    contact = own.contacts.get()
    assert client.get(reverse("siaes:edit_contact", args=[own.pk, contact.pk])).status_code == 403
    assert client.post(reverse("siaes:delete_contact", args=[own.pk, contact.pk])).status_code == 403
