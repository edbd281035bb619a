"""List of GEIQ (November 2019)."""

from dentelle.siaes.importers.records import SiaeRecord, naf_or_report, structure_rows

GEIQ_COLUMNS = ["siret", "denomination", "code_postal", "ville", "code_insee"]


def _address(row):
    return ", ".join(p for p in (row.get("adresse", ""), row.get("complement_adresse", "")) if p)


def read_geiq(path, report, data_date):
    rows = structure_rows(
        path, GEIQ_COLUMNS, report, data_date, lambda row: row.get("type_siae") or "GEIQ", _address, "ville"
    )
    for line, row, fields in rows:
        yield SiaeRecord(**fields, naf=naf_or_report(report, line, row.get("naf", "")))
