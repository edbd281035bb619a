"""The demo SIAE member is attached to a structure (QA: it had none, so the role could not be tried)."""

import io

import pytest

from dentelle.accounts.demo import load_demo_organisation
from dentelle.accounts.models import User
from dentelle.siaes.demo import link_demo_siae_member
from dentelle.siaes.models import Siae


@pytest.mark.django_db
def test_member_is_linked_to_an_active_ile_de_france_structure_and_step_is_idempotent():
    load_demo_organisation(io.StringIO())
    Siae.objects.create(
        siret="73282932000074", siren="732829320", name="Hors région", kind="EI", region_code="84"
    )
    own = Siae.objects.create(
        siret="78471226700060", siren="784712267", name="Atelier francilien", kind="ACI", region_code="11"
    )
    out = io.StringIO()
    link_demo_siae_member(out)
    assert User.objects.get(username="membre-siae").siae == own
    assert "Atelier francilien" in out.getvalue()
    again = io.StringIO()
    link_demo_siae_member(again)
    assert again.getvalue() == ""


@pytest.mark.django_db
def test_member_stays_unlinked_without_a_structure():
    load_demo_organisation(io.StringIO())
    out = io.StringIO()
    link_demo_siae_member(out)
    assert User.objects.get(username="membre-siae").siae is None
    assert "reste sans structure" in out.getvalue()
