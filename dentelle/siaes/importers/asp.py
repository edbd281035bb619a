"""ASP list of SIAE (July 2019): one row per structure and convention, with its address."""

from dentelle.siaes.importers.records import SiaeRecord, naf_or_report, short_code, structure_rows

ASP_COLUMNS = ["siret", "denomination", "type_siae", "naf", "code_postal", "commune", "code_insee"]


def _address(row):
    return " ".join(part for part in (row.get("adresse_num", ""), row.get("adresse_voie", "")) if part)


def read_asp(path, report, data_date):
    rows = structure_rows(
        path, ASP_COLUMNS, report, data_date, lambda row: row["type_siae"], _address, "commune"
    )
    for line, row, fields in rows:
        yield SiaeRecord(
            **fields,
            naf=naf_or_report(report, line, row["naf"]),
            legal_form=row.get("nature_juridique", ""),
            conventions=[
                (fields["kind"], "", short_code(report, line, "code_departement_convention", row, 3))
            ],
        )
