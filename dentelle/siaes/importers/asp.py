"""ASP list of SIAE (July 2019): one row per structure and convention, with its address."""

from dentelle.siaes.importers.records import (
    SiaeRecord,
    naf_or_report,
    parse_coordinates,
    parse_kind,
    parse_siret,
    read_csv,
    short_code,
)

ASP_COLUMNS = ["siret", "denomination", "type_siae", "naf", "code_postal", "commune", "code_insee"]


def read_asp(path, report, data_date):
    for line, row in read_csv(path, ASP_COLUMNS, report):
        siret = parse_siret(report, line, row["siret"])
        kind = parse_kind(report, line, row["type_siae"], "type_siae")
        if not siret or not kind:
            continue
        lat, lon = parse_coordinates(report, line, row.get("latitude"), row.get("longitude"))
        address = " ".join(part for part in (row.get("adresse_num", ""), row.get("adresse_voie", "")) if part)
        yield SiaeRecord(
            line=line,
            siret=siret,
            kind=kind,
            name=row["denomination"],
            data_date=data_date,
            naf=naf_or_report(report, line, row["naf"]),
            legal_form=row.get("nature_juridique", ""),
            address=address,
            postcode=row["code_postal"],
            city=row["commune"],
            insee_code=row["code_insee"],
            latitude=lat,
            longitude=lon,
            conventions=[(kind, "", short_code(report, line, "code_departement_convention", row, 3))],
        )
