"""ASP identifiers (February 2020): conventions and ASP ids added to the structures already known."""

from dentelle.siaes.importers.records import SiaeRecord, identity, read_csv


def read_asp_ids(path, report, data_date):
    """One row per convention; FDI is a funding line, not a kind: reported and skipped.

    Creates nothing (no address in this file): it only adds conventions and ASP ids to the
    structures already known, and reports the SIRET it does not know.
    """
    for line, row in read_csv(path, ["asp_id", "siret", "denomination", "type_siae"], report):
        if row["type_siae"].upper() == "FDI":
            report.count("lignes FDI (financement, pas un type de structure) ignorées")
            continue
        fields = identity(report, line, row, row["type_siae"], data_date)
        if len(row["asp_id"]) > 20:
            report.error(
                line, "asp_id", f"identifiant ASP trop long ({len(row['asp_id'])} caractères, 20 au plus)"
            )
            continue
        if fields is None:
            continue
        yield SiaeRecord(
            **fields,
            conventions=[(fields["kind"], row["asp_id"], "")],
            external_ids={"asp": [row["asp_id"]]},
            create=False,
        )
