"""Pure geographic helpers (no database)."""

import math

import numpy as np
import pytest

from dentelle.core.geo import (
    department_of_commune,
    department_of_postcode,
    haversine_km,
    haversine_many,
    region_of_commune,
    region_of_department,
)


def test_haversine_known_distance_paris_lyon():
    # Notre-Dame de Paris → Place Bellecour (Lyon): about 392 km as the crow flies.
    assert haversine_km(48.8530, 2.3499, 45.7578, 4.8320) == pytest.approx(392, abs=3)


def test_haversine_is_symmetric_and_zero_on_same_point():
    a, b = (48.91248, 2.38464), (43.2965, 5.3698)
    assert haversine_km(*a, *b) == pytest.approx(haversine_km(*b, *a))
    assert haversine_km(*a, *a) == 0


def test_haversine_quarter_meridian():
    assert haversine_km(0, 0, 90, 0) == pytest.approx(math.pi / 2 * 6371.0088)


@pytest.mark.parametrize(
    ("insee", "dept"),
    [("93001", "93"), ("2A004", "2A"), ("2b033", "2B"), ("97105", "971"), ("97411", "974"), ("98735", "987")],
)
def test_department_of_commune(insee, dept):
    assert department_of_commune(insee) == dept


@pytest.mark.parametrize(
    ("postcode", "dept"),
    [
        ("75013", "75"),
        ("20000", "2A"),
        ("20190", "2A"),
        ("20200", "2B"),
        ("20600", "2B"),
        ("97400", "974"),
        ("01100", "01"),
    ],
)
def test_department_of_postcode(postcode, dept):
    assert department_of_postcode(postcode) == dept


@pytest.mark.parametrize("bad", ["", None, "7501", "750130", "ABCDE"])
def test_department_of_postcode_rejects_bad_input(bad):
    with pytest.raises(ValueError, match="Code postal invalide"):
        department_of_postcode(bad)


@pytest.mark.parametrize("bad", ["", "9300", "930011"])
def test_department_of_commune_rejects_bad_input(bad):
    with pytest.raises(ValueError, match="Code INSEE"):
        department_of_commune(bad)


def test_region_chain():
    mapping = {"93": "11", "2A": "94"}
    assert region_of_department("93", mapping) == "11"
    assert region_of_commune("2A004", mapping) == "94"
    with pytest.raises(ValueError, match="Département inconnu"):
        region_of_department("99", mapping)


def test_haversine_many_matches_the_scalar_version():
    lats, lons = np.array([48.8530, 43.2965, 0.0]), np.array([2.3499, 5.3698, 0.0])
    lat_rad, lon_rad = np.radians(lats), np.radians(lons)
    many = haversine_many(lat_rad, lon_rad, np.cos(lat_rad), 45.7578, 4.8320)
    expected = [haversine_km(la, lo, 45.7578, 4.8320) for la, lo in zip(lats, lons, strict=True)]
    assert many == pytest.approx(expected)
