# pure: no database
"""Pure geographic helpers: distances and the commune → department → region chain.

No Django import here: callers pass plain values or numpy arrays (see tests/core/test_geo.py).
"""

import math

import numpy as np

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km between two WGS84 points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def haversine_many(lat_rad, lon_rad, cos_lat, lat0, lon0):
    """Vectorised :func:`haversine_km` from points given in radians (with their cosine, precomputed
    once by the caller's index) to points in degrees; arrays broadcast against each other."""
    lat2, lon2 = np.radians(lat0), np.radians(lon0)
    a = np.sin((lat2 - lat_rad) * 0.5) ** 2 + cos_lat * np.cos(lat2) * np.sin((lon2 - lon_rad) * 0.5) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def department_of_commune(insee_code):
    """Department code of an INSEE commune code: '93001' → '93', '2A004' → '2A', '97105' → '971'."""
    code = (insee_code or "").strip().upper()
    if len(code) != 5:
        raise ValueError(f"Code INSEE de commune invalide : {insee_code!r}")
    if code.startswith("97") or code.startswith("98"):
        return code[:3]
    return code[:2]


def department_of_postcode(postcode):
    """Department code suggested by a postcode ('75013' → '75', '20000' → '2A', '97400' → '974')."""
    code = (postcode or "").strip()
    if len(code) != 5 or not code.isdigit():
        raise ValueError(f"Code postal invalide : {postcode!r}")
    if code.startswith("97") or code.startswith("98"):
        return code[:3]
    if code.startswith("20"):
        # Corsica: 200xx and 201xx are Corse-du-Sud, 202xx and above Haute-Corse.
        return "2A" if int(code[2]) < 2 else "2B"
    return code[:2]


def region_of_department(department_code, department_to_region):
    """Region code of a department, from a mapping loaded from the referentials."""
    try:
        return department_to_region[department_code]
    except KeyError:
        raise ValueError(f"Département inconnu : {department_code!r}") from None


def region_of_commune(insee_code, department_to_region):
    return region_of_department(department_of_commune(insee_code), department_to_region)
