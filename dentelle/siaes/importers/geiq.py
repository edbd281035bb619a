"""List of GEIQ (November 2019)."""

from dentelle.siaes.importers.records import (
    SiaeRecord,
    naf_or_report,
    parse_coordinates,
    parse_kind,
    parse_siret,
    read_csv,
)


def read_geiq(path, report, data_date):
    for line, row in read_csv(path, ["siret", "denomination", "code_postal", "ville", "code_insee"], report):
        siret = parse_siret(report, line, row["siret"])
        kind = parse_kind(report, line, row.get("type_siae") or "GEIQ", "type_siae")
        if not siret or not kind:
            continue
        lat, lon = parse_coordinates(report, line, row.get("latitude"), row.get("longitude"))
        address = ", ".join(p for p in (row.get("adresse", ""), row.get("complement_adresse", "")) if p)
        yield SiaeRecord(
            line=line,
            siret=siret,
            kind=kind,
            name=row["denomination"],
            data_date=data_date,
            naf=naf_or_report(report, line, row.get("naf", "")),
            address=address,
            postcode=row["code_postal"],
            city=row["ville"],
            insee_code=row["code_insee"],
            latitude=lat,
            longitude=lon,
        )
