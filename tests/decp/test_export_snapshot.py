"""The DECP v2 export of an awarded contract, compared with the committed snapshot."""

from datetime import date

import pytest

from dentelle.decp.adapters import export_organisation


@pytest.mark.django_db
def test_the_decp_v2_export_is_unchanged(awarded_contract, snapshot):
    document, violations = export_organisation(awarded_contract.organisation, today=date(2026, 5, 4))
    assert document == snapshot(name="document")
    assert [str(violation) for violation in violations] == snapshot(name="violations")
