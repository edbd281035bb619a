"""Database readers of the referentials index (index.py): whole parts, or one row alone."""

from dentelle.referentials.index_cpv import CpvInfo
from dentelle.referentials.index_territories import CommuneInfo
from dentelle.referentials.models import Commune, CpvCode

_COMMUNE_FIELDS = (
    "insee_code",
    "name",
    "kind",
    "department_id",
    "region_id",
    "epci_id",
    "ept_id",
    "latitude",
    "longitude",
    "postcodes",
    "population",
    "parent_code",
    "other_names",
)
_CPV_FIELDS = ("code", "check_digit", "level", "parent_id", "label_fr", "label_en", "search_text")


def _commune_info(row):
    return CommuneInfo(
        insee_code=row[0],
        name=row[1],
        kind=row[2],
        department_code=row[3],
        region_code=row[4],
        epci_siren=row[5],
        ept_siren=row[6],
        latitude=row[7],
        longitude=row[8],
        postcodes=tuple(p for p in row[9].split("|") if p),
        population=row[10],
        parent_code=row[11],
        other_names=tuple(n for n in row[12].split("|") if n),
    )


def db_communes():
    return [_commune_info(row) for row in Commune.objects.values_list(*_COMMUNE_FIELDS).order_by()]


def db_cpv_codes():
    return [CpvInfo(*row) for row in CpvCode.objects.values_list(*_CPV_FIELDS).order_by("code")]


def db_single(part, key):
    """One commune or CPV code read alone (None when absent)."""
    if part == "communes":
        row = Commune.objects.filter(insee_code=key).values_list(*_COMMUNE_FIELDS).first()
        return _commune_info(row) if row else None
    row = CpvCode.objects.filter(code=key).values_list(*_CPV_FIELDS).first()
    return CpvInfo(*row) if row else None
