"""The demo's multi-site contracts: a few hundred illustrative lycées, every one in a real Île-de-France
commune of the referentials, the same list on every machine."""

from decimal import Decimal

import pytest

from dentelle.purchases.demo_sites import (
    CLEANING_ANNUAL,
    GREEN_ANNUAL,
    ILLUSTRATIVE,
    cleaning_rows,
    green_space_operation,
    green_space_rows,
)
from dentelle.referentials.models import Commune

pytestmark = pytest.mark.django_db


def test_demo_sites_are_real_communes(referentials_loaded):
    cleaning, green = cleaning_rows(), green_space_rows()
    assert 300 <= len(cleaning) <= 500 and 200 <= len(green) < len(cleaning)
    communes = {
        c.insee_code: c for c in Commune.objects.filter(insee_code__in={r.commune_code for r in cleaning})
    }
    assert len(communes) == len({r.commune_code for r in cleaning})  # none invented
    assert {c.region_id for c in communes.values()} == {"11"}
    assert all(r.name.endswith("(fictif)") for r in cleaning)
    assert all(r.department != "75" for r in green)  # Paris lycées: no grounds to keep
    assert len({r.department for r in cleaning}) == 8
    for rows, annual in ((cleaning, CLEANING_ANNUAL), (green, GREEN_ANNUAL)):
        assert abs(Decimal(str(sum(r.amount for r in rows))) - annual) < 5  # cents rounded per site
    assert [r.name for r in green_space_rows()] == [r.name for r in green]  # deterministic
    assert ILLUSTRATIVE in green_space_operation(2027).description
