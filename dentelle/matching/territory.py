# pure: no database
"""Territory criterion, both ways (pure: numpy + core.geo).

Up: the lot's place lies inside a structure's service area (national, region, department, commune,
radius around its site). Down: a structure serving only part of a wide lot (a department of a
region-wide lot) is partly able — the part is named in the reasons. Distance from the site to the lot's
place then lowers the score gently; a structure outside its declared area keeps a small score when near.
"""

import numpy as np

from dentelle.core.geo import EARTH_RADIUS_KM, haversine_many

NATIONAL, REGION, DEPARTMENT, COMMUNE, RADIUS = range(5)


def distance_many(lat_rad, lon_rad, cos_lat, lat0, lon0):
    """Equirectangular distance in km (mean-latitude cosine): within 0.5 % of the great-circle
    distance at the scale of France, and several times cheaper over 10,000 structures."""
    lat2, lon2 = np.radians(lat0), np.radians(lon0)
    mean_cos = 0.5 * (cos_lat + np.cos(lat2))
    return EARTH_RADIUS_KM * np.hypot(lat_rad - lat2, (lon_rad - lon2) * mean_cos)


def lot_department_mask(arrays, place):
    """Boolean over the departments vocabulary: departments the lot spans (all for national)."""
    if place.is_national:
        return np.ones(len(arrays.departments), dtype=bool)
    wanted = set(place.department_codes)
    return np.asarray([code in wanted for code in arrays.departments], dtype=bool)


def area_fractions(arrays, place, distance_rows):
    """Share of the lot each service-area row covers, in [0, 1] (1 = the whole lot)."""
    dept_mask = lot_department_mask(arrays, place)
    n_lot_depts = max(1, int(dept_mask.sum()))
    kind = arrays.area_kind
    frac = np.zeros(len(kind), dtype=np.float64)

    frac[kind == NATIONAL] = 1.0

    # Region area: the share of the lot's departments that lie in that region.
    region_rows = np.flatnonzero(kind == REGION)
    if region_rows.size:
        dept_regions = arrays.department_region_idx[dept_mask]
        per_region = np.bincount(dept_regions[dept_regions >= 0], minlength=len(arrays.regions) + 1)
        region = arrays.area_region[region_rows]
        frac[region_rows] = np.where(region >= 0, per_region[np.maximum(region, 0)] / n_lot_depts, 0.0)

    # Department area: whole lot if the lot lies in it, else 1 / number of departments of the lot.
    dept_rows = np.flatnonzero(kind == DEPARTMENT)
    if dept_rows.size:
        dept = arrays.area_dept[dept_rows]
        inside = (dept >= 0) & dept_mask[np.maximum(dept, 0)]
        frac[dept_rows] = np.where(inside, 1.0 / n_lot_depts, 0.0)

    # Commune area: whole lot if the lot is that commune; a small part of a wider lot otherwise.
    commune_rows = np.flatnonzero(kind == COMMUNE)
    if commune_rows.size:
        codes = arrays.area_commune[commune_rows]
        lot_communes = set(place.commune_codes)
        if place.kind == "commune":
            frac[commune_rows] = np.where(codes == place.code, 1.0, 0.0)
        else:
            in_list = np.asarray([c in lot_communes for c in codes], dtype=bool)
            dept = arrays.area_dept[commune_rows]
            in_dept = (dept >= 0) & dept_mask[np.maximum(dept, 0)]
            share = 1.0 / max(len(lot_communes), 50)
            communes_unknown = not lot_communes
            frac[commune_rows] = np.where(in_list | (in_dept & communes_unknown), share, 0.0)

    # Radius around the site: covers a point-like lot within reach; a part of a wider lot when the
    # site's department is in it.
    radius_rows = np.flatnonzero(kind == RADIUS)
    if radius_rows.size:
        dist = distance_rows[radius_rows]
        reach = arrays.area_radius[radius_rows]
        within = np.nan_to_num(dist, nan=np.inf) <= reach
        if place.is_point:
            frac[radius_rows] = np.where(within, 1.0, 0.0)
        else:
            site_dept = arrays.dept_idx[arrays.area_struct[radius_rows]]
            site_inside = (site_dept >= 0) & dept_mask[np.maximum(site_dept, 0)]
            # The site's own department counts once: through a department row when there is one.
            counted = arrays.area_site_dept_covered[radius_rows]
            covers = (site_inside & ~counted) | (within & ~site_inside)
            frac[radius_rows] = np.where(covers, 1.0 / n_lot_depts, 0.0)
    return frac


def territory_factor(share, distance, params):
    """Territory part from the coverage share and the distance (km, NaN unknown): one formula for
    `territory_scores` (one lot, every structure) and `lot_arrays.territory_part` (one structure, every lot).

    (1 + d / distance_scale_km)^-1 — distance is the backbone: SIAE win the local work they can staff —
    times `outside_factor` for a structure whose area does not cover the place (partly for a partial
    cover). An unknown site counts as `default_radius_km` away."""
    d = np.nan_to_num(distance, nan=params["default_radius_km"])
    near = 1.0 / (1.0 + d / params["distance_scale_km"])
    outside = params["outside_factor"]
    return near * (outside + (1.0 - outside) * np.clip(share, 0.0, 1.0))


def place_is_known(place):
    return place is not None and (
        place.latitude is not None or bool(place.department_codes) or place.is_national
    )


def territory_scores(arrays, place, params, wide_kinds=("region", "national")):
    """Territory part of every structure in [0, 1], plus (coverage share, distance km) for reasons."""
    n = arrays.n
    if not place_is_known(place):
        unknown = np.full(n, params["unknown"])
        return unknown, np.full(n, np.nan), np.full(n, np.nan)
    if place.latitude is not None and place.longitude is not None:
        distance = haversine_many(
            arrays.lat_rad, arrays.lon_rad, arrays.cos_lat, place.latitude, place.longitude
        )
    else:
        distance = np.full(n, np.nan)
    if not place.distance_counts_inside(wide_kinds):
        # Inside a wide lot known only by its centre the site is already "there".
        dept_mask = lot_department_mask(arrays, place)
        inside = (arrays.dept_idx >= 0) & dept_mask[np.maximum(arrays.dept_idx, 0)]
        distance = np.where(inside, 0.0, distance)

    frac_rows = area_fractions(arrays, place, distance[arrays.area_struct])
    share = np.minimum(1.0, np.bincount(arrays.area_struct, frac_rows, minlength=n))
    if place.is_national:
        distance = np.full(n, np.nan) if place.latitude is None else distance
        return np.where(share > 0, 1.0, params["outside_factor"]), share, distance
    return territory_factor(share, distance, params), share, distance
