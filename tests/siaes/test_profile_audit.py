"""Viewing a structure's contacts is logged once an hour per user, not on every view (issue 10, defect 6)."""

import pytest
from django.urls import reverse

from dentelle.core.models import AuditLog
from dentelle.siaes.models import Contact
from tests.factories import SiaeFactory

pytestmark = pytest.mark.django_db


def test_repeated_profile_views_write_one_audit_row(client, officer, index):
    siae = SiaeFactory()
    Contact.objects.create(siae=siae, name="Camille Martin", email="camille@example.org")
    client.force_login(officer)
    for _ in range(5):
        assert "Camille Martin" in client.get(reverse("siaes:profile", args=[siae.pk])).text
    assert AuditLog.objects.filter(user=officer, action="voir contacts", object_id=str(siae.pk)).count() == 1
    other = SiaeFactory()
    Contact.objects.create(siae=other, name="Jean Dupont", email="jean@example.org")
    client.get(reverse("siaes:profile", args=[other.pk]))
    assert AuditLog.objects.filter(user=officer, action="voir contacts").count() == 2  # per structure
