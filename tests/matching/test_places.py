"""Places of the matching built from the referential index (wide places get a weighted centre)."""

import pytest

from dentelle.matching.places import place_of, resolve_place_text
from dentelle.referentials.models import Commune, Grouping
from tests.matching.conftest import COMMUNES


def _weighted_centre(codes):
    rows = [c for c in COMMUNES if c[0] in codes]
    total = sum(c[6] for c in rows)
    return sum(c[4] * c[6] for c in rows) / total, sum(c[5] * c[6] for c in rows) / total


@pytest.mark.django_db
def test_grouping_place_lists_its_communes_and_weighted_centre(geo):
    grouping = Grouping.objects.create(siren="200054781", name="Plaine Commune", kind="EPCI")
    Commune.objects.filter(insee_code__in=["93001", "93066"]).update(epci=grouping)

    place = place_of("epci", "200054781")

    assert (place.kind, place.name, place.department_codes) == ("epci", "Plaine Commune", ("93",))
    assert place.commune_codes == ("93001", "93066")
    assert (place.latitude, place.longitude) == pytest.approx(_weighted_centre({"93001", "93066"}))
    assert place_of("epci", "999999999") is None


@pytest.mark.django_db
def test_region_place_spans_its_departments(geo):
    place = place_of("region", "11")

    assert (place.name, place.department_codes, place.commune_codes) == ("Île-de-France", ("75", "93"), ())
    assert (place.latitude, place.longitude) == pytest.approx(_weighted_centre({"93001", "93066", "75056"}))
    assert resolve_place_text("93001").commune_codes == ("93001",)  # an INSEE code is taken as such
