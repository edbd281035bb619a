"""ASP list of SIAE (July 2019): one row per structure and convention, with its address."""

from dentelle.siaes.importers.records import (
    SiaeRecord,
    identity,
    located,
    naf_or_report,
    read_csv,
    short_code,
)

ASP_COLUMNS = ["siret", "denomination", "type_siae", "naf", "code_postal", "commune", "code_insee"]


def read_asp(path, report, data_date):
    for line, row in read_csv(path, ASP_COLUMNS, report):
        fields = identity(report, line, row, row["type_siae"], data_date)
        if fields is None:
            continue
        place = located(
            report,
            line,
            row,
            " ".join(part for part in (row.get("adresse_num", ""), row.get("adresse_voie", "")) if part),
            "code_postal",
            "commune",
        )
        yield SiaeRecord(
            **fields,
            naf=naf_or_report(report, line, row["naf"]),
            legal_form=row.get("nature_juridique", ""),
            **place,
            conventions=[
                (fields["kind"], "", short_code(report, line, "code_departement_convention", row, 3))
            ],
        )
