"""List of GEIQ (November 2019)."""

from dentelle.siaes.importers.records import (
    SiaeRecord,
    identity,
    located,
    naf_or_report,
    read_csv,
)


def read_geiq(path, report, data_date):
    for line, row in read_csv(path, ["siret", "denomination", "code_postal", "ville", "code_insee"], report):
        fields = identity(report, line, row, row.get("type_siae") or "GEIQ", data_date)
        if fields is None:
            continue
        place = located(
            report,
            line,
            row,
            ", ".join(p for p in (row.get("adresse", ""), row.get("complement_adresse", "")) if p),
            "code_postal",
            "ville",
        )
        yield SiaeRecord(
            **fields,
            naf=naf_or_report(report, line, row.get("naf", "")),
            **place,
        )
