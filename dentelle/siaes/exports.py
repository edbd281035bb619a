"""Rows of the directory exports (CSV and XLSX go through core.exports, formula-safe)."""

from dentelle.siaes.enums import SiaeKind

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


def siae_rows(queryset, index):
    rows = []
    for siae in queryset.prefetch_related("competences"):
        rows.append(
            [
                siae.siret,
                siae.name,
                siae.brand,
                SiaeKind(siae.kind).label if siae.kind in SiaeKind.values else siae.kind,
                siae.naf,
                siae.legal_form,
                siae.address,
                siae.postcode,
                siae.city,
                siae.commune_insee_code,
                siae.department_code,
                index.region_name(siae.region_code) or siae.region_code,
                siae.latitude,
                siae.longitude,
                " ".join(sorted({c.cpv_prefix for c in siae.competences.all()})),
                "oui" if siae.offers_service_provision else "non",
                "oui" if siae.offers_staff_provision else "non",
                "oui" if siae.offers_goods_production else "non",
                siae.website,
                "oui" if siae.is_active else "non",
            ]
        )
    return HEADER, rows
