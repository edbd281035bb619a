"""Chainable filters of the directory: `Siae.objects.active().of_kinds(...).with_competence(...)`."""

import math

from django.db import models

from dentelle.core.geo import EARTH_RADIUS_KM, haversine_km
from dentelle.siaes.enums import SERVICE_KIND_FIELDS


def cpv_prefix(code):
    """Significant prefix of a CPV code: '45442100' → '454421', '45000000' → '45' (at least 2 digits)."""
    digits = "".join(ch for ch in str(code or "") if ch.isdigit())[:8]
    stripped = digits.rstrip("0")
    return digits[: max(2, len(stripped))] if len(digits) >= 2 else ""


def digit_prefix_q(field, prefix, width):
    """`field` starts with `prefix`, for digit strings up to `width` long, as an index-friendly range.

    Digits sort the same under every collation, so p <= x <= p + "99…" is exactly "x starts with p"
    (LIKE 'p%' uses no index on SQLite, nor on PostgreSQL without a pattern index).
    """
    return models.Q(**{f"{field}__gte": prefix, f"{field}__lte": prefix + "9" * (width - len(prefix))})


def competence_q(codes, field="cpv_prefix"):
    """Q on Competence rows matching any of `codes`, in both directions.

    A structure competent for '4544' matches lot '45442100' (its prefix is an ancestor of the lot),
    and a lot of division '45' matches a structure competent for '45442100' (a descendant).
    """
    query = models.Q(pk__in=[])
    for code in codes:
        prefix = cpv_prefix(code)
        if not prefix:
            continue
        ancestors = [prefix[:n] for n in range(2, len(prefix) + 1)]
        query |= models.Q(**{f"{field}__in": ancestors}) | digit_prefix_q(field, prefix, 8)
    return query


class SiaeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def of_kinds(self, *kinds):
        """Main kind or any convention kind (a SIRET can hold an EI and an ACI convention)."""
        kinds = [str(k) for group in kinds for k in ([group] if isinstance(group, str) else group)]
        if not kinds:
            return self
        # lazy: cycle, siaes.models imports this module for its managers
        from dentelle.siaes.models import Convention

        # One subquery, not a list fetched first: PostgreSQL hashes it once ("hashed SubPlan") and
        # SQLite materialises it once, and the search keeps a fixed number of queries.
        others = Convention.objects.filter(kind__in=kinds).values("siae_id")
        return self.filter(models.Q(kind__in=kinds) | models.Q(pk__in=others))

    def with_competence(self, *codes, origins=None):
        codes = [c for group in codes for c in ([group] if isinstance(group, str) else group)]
        if not codes:
            return self
        # lazy: cycle, siaes.models imports this module for its managers
        from dentelle.siaes.models import Competence

        competences = Competence.objects.filter(competence_q(codes), siae_id=models.OuterRef("pk"))
        if origins:
            competences = competences.filter(origin__in=origins)
        # EXISTS, not `pk IN (…)`: a semi-join that stops at the first matching competence, answered
        # from the (cpv_prefix, siae) index. On SQLite it bounds the worst case (a broad family
        # such as 7731, 6,000+ structures: 8 ms against 17 ms for IN); PostgreSQL plans both alike.
        return self.filter(models.Exists(competences))

    def in_department(self, *codes):
        codes = [c for group in codes for c in ([group] if isinstance(group, str) else group)]
        return self.filter(department_code__in=codes)

    def in_region(self, *codes):
        codes = [c for group in codes for c in ([group] if isinstance(group, str) else group)]
        return self.filter(region_code__in=codes)

    def geolocated(self):
        return self.filter(latitude__isnull=False, longitude__isnull=False)

    def in_box(self, lat, lon, km):
        """Bounding box of a circle of `km` around (lat, lon): cheap, index-friendly, a superset."""
        dlat = math.degrees(km / EARTH_RADIUS_KM)
        coslat = max(math.cos(math.radians(lat)), 0.01)
        dlon = math.degrees(km / (EARTH_RADIUS_KM * coslat))
        return self.filter(
            latitude__gte=lat - dlat,
            latitude__lte=lat + dlat,
            longitude__gte=lon - dlon,
            longitude__lte=lon + dlon,
        )

    def near(self, lat, lon, km):
        """Structures within `km` of a point: bounding box in SQL, exact haversine in Python."""
        rows = self.in_box(lat, lon, km).values_list("pk", "latitude", "longitude")
        ids = [pk for pk, la, lo in rows if haversine_km(lat, lon, la, lo) <= km]
        return self.filter(pk__in=ids)

    def serving_department(self, department_code, region_code=""):
        """Structures able to work in a department: located there, or whose service area covers it.

        A radius area counts through the site's department only (no polygons: a department is not
        a shape here); national, region and department areas count as declared.
        """
        # lazy: cycle, siaes.models imports this module for its managers
        from dentelle.siaes.models import ServiceArea

        areas = ServiceArea.objects.filter(
            models.Q(kind="national")
            | models.Q(kind="department", code=department_code)
            | (models.Q(kind="region", code=region_code) if region_code else models.Q(pk__in=[]))
            | models.Q(kind="commune", code__startswith=department_code)
        )
        # A few hundred ids at most: cheaper than an OR with a subquery (no OR → UNION on either engine).
        ids = list(areas.values_list("siae_id", flat=True).distinct())
        return self.filter(models.Q(department_code=department_code) | models.Q(pk__in=ids))

    def with_known_capacity(self, *metrics):
        # lazy: cycle, siaes.models imports this module for its managers
        from dentelle.siaes.models import Capacity

        capacities = Capacity.objects.all()
        if metrics:
            capacities = capacities.filter(metric__in=metrics)
        # IN, not EXISTS: known capacities are few, SQLite materialises the list once (2-3× faster
        # than its per-row EXISTS here) and PostgreSQL plans both the same (measured, bench_siaes).
        return self.filter(pk__in=capacities.values("siae_id"))

    def offering(self, *service_kinds):
        query = models.Q(pk__in=[])
        for kind in service_kinds:
            query |= models.Q(**{SERVICE_KIND_FIELDS[kind]: True})
        return self.filter(query) if service_kinds else self

    def search(self, text):
        """Free text on name, brand and city (accents and case ignored); digits → SIRET/SIREN prefix."""
        # lazy: cycle, siaes.search imports siaes.models, which imports this module
        from dentelle.siaes.search import search_text

        return search_text(self, text)
