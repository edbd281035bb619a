"""The demo's two region-wide maintenance contracts, built by one helper (no database)."""

from datetime import date
from decimal import Decimal

import pytest

from dentelle.purchases.demo_sites import (
    CLEANING_REFERENCE,
    GREEN_REFERENCE,
    ILLUSTRATIVE,
    green_space_operation,
    regional_cleaning_operation,
)


@pytest.mark.parametrize(
    "build, reference, title, cpv, annual, staff_hours",
    [
        (
            regional_cleaning_operation,
            CLEANING_REFERENCE,
            "Nettoyage des locaux des lycées franciliens",
            "90919300",
            Decimal("1200000"),
            Decimal("1500"),
        ),
        (
            green_space_operation,
            GREEN_REFERENCE,
            "Entretien des espaces verts des lycées franciliens",
            "77310000",
            Decimal("1000000"),
            None,
        ),
    ],
)
def test_regional_maintenance_operation(build, reference, title, cpv, annual, staff_hours):
    operation = build(2027)
    assert operation.reference == reference
    assert operation.title == f"{title} (exemple de démonstration)"
    assert (operation.service, operation.nature, operation.renewals) == ("DL", "services", 0)
    assert (operation.duration_months, operation.launch_date) == (48, date(2027, 9, 1))
    assert operation.places == "Île-de-France"
    [lot] = operation.lots
    assert (lot.number, lot.title, lot.cpv) == ("1", title, cpv)
    assert (lot.amount, lot.annual_amount, lot.duration_months) == (annual * 4, annual, 48)
    assert (lot.place, lot.place_code, lot.place_kind_hint) == ("Île-de-France", "11", "Code région")
    assert lot.transferred_staff_monthly_hours == staff_hours


def test_descriptions():
    assert regional_cleaning_operation(2027).description == (
        "Marché régional d'entretien : cible de l'allotissement territorial (GRAFIE, « La Région s'engage "
        "pour développer ses achats socialement responsables en direction de l'IAE »)."
    )  # the source users can look up, not a repository file
    assert green_space_operation(2027).description.endswith(ILLUSTRATIVE)
