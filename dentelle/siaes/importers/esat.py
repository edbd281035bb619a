"""ESAT from the FINESS official list: one row per establishment, places authorised."""

from dentelle.core.numbers import COUNT
from dentelle.siaes.importers.records import (
    SiaeRecord,
    located,
    parse_capacity,
    parse_siret,
    read_csv,
)


def read_esat(path, report, data_date):
    columns = ["finess_et", "siret", "raison_sociale_et", "code_postal", "code_insee", "nom_commune"]
    for line, row in read_csv(path, columns, report):
        siret = parse_siret(report, line, row["siret"])
        if not siret:
            continue
        place = located(report, line, row, row.get("adresse", ""), "code_postal", "nom_commune")
        capacities = {}
        places = parse_capacity(report, line, "capacite_autorisee", row.get("capacite_autorisee", ""), COUNT)
        if places is not None:
            capacities["authorised_places"] = places
        yield SiaeRecord(
            line=line,
            siret=siret,
            kind="ESAT",
            name=row["raison_sociale_et"],
            data_date=data_date,
            legal_form=row.get("statut_juridique_ej", ""),
            **place,
            external_ids={"finess": [row["finess_et"]]},
            capacities=capacities,
        )
