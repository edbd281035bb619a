"""Rows of the directory exports (CSV and XLSX go through core.exports, formula-safe).

Fast on the whole directory (5,000+ structures): plain tuples from `values_list` (no model
instances), the competences of every exported structure in one query, and the labels (kinds,
regions) looked up once per distinct code, not once per row.
"""

from django.db.models import Subquery

from dentelle.siaes.enums import SiaeKind
from dentelle.siaes.models import Competence

EXPORT_LIMIT = 20000

HEADER = [
    "SIRET",
    "Raison sociale",
    "Enseigne",
    "Type",
    "NAF",
    "Forme juridique",
    "Adresse",
    "Code postal",
    "Ville",
    "Commune (INSEE)",
    "Département",
    "Région",
    "Latitude",
    "Longitude",
    "Compétences (préfixes CPV)",
    "Prestation de service",
    "Mise à disposition",
    "Fabrication et vente",
    "Site internet",
    "Active",
]
# The model fields read, in the order of HEADER ("pk" first: the key of the competences).
FIELDS = (
    "pk",
    "siret",
    "name",
    "brand",
    "kind",
    "naf",
    "legal_form",
    "address",
    "postcode",
    "city",
    "commune_insee_code",
    "department_code",
    "region_code",
    "latitude",
    "longitude",
    "offers_service_provision",
    "offers_staff_provision",
    "offers_goods_production",
    "website",
    "is_active",
)
KIND_LABELS = dict(SiaeKind.choices)


def competences_text(queryset):
    """{siae id: "45 4544 77"} for the structures of `queryset` (already sliced), in one query."""
    prefixes = {}
    rows = Competence.objects.filter(siae_id__in=Subquery(queryset.values("pk"))).values_list(
        "siae_id", "cpv_prefix"
    )
    for siae_id, prefix in rows:
        prefixes.setdefault(siae_id, set()).add(prefix)
    return {siae_id: " ".join(sorted(found)) for siae_id, found in prefixes.items()}


def siae_rows(queryset, index, limit=EXPORT_LIMIT):
    """(HEADER, rows) for the first `limit` structures of `queryset`, in its order. Two queries."""
    sliced = queryset[:limit]
    competences = competences_text(sliced)
    region_names = {}
    rows = []
    for values in sliced.values_list(*FIELDS):
        (pk, siret, name, brand, kind, naf, legal_form, address, postcode, city, commune, department) = (
            values[:12]
        )
        region, latitude, longitude, service, staff, goods, website, active = values[12:]
        if region not in region_names:
            region_names[region] = index.region_name(region) or region
        rows.append(
            [
                siret,
                name,
                brand,
                KIND_LABELS.get(kind, kind),
                naf,
                legal_form,
                address,
                postcode,
                city,
                commune,
                department,
                region_names[region],
                latitude,
                longitude,
                competences.get(pk, ""),
                "oui" if service else "non",
                "oui" if staff else "non",
                "oui" if goods else "non",
                website,
                "oui" if active else "non",
            ]
        )
    return HEADER, rows
