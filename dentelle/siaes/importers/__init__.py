"""Importers of the SIAE directory: one reader per source format, one shared upsert."""

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from dentelle.referentials.index import get_index
from dentelle.siaes.importers import asp, asp_ids, esat, geiq, lemarche, lemarche_api
from dentelle.siaes.importers.upsert import Upserter


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    reader: object
    default_date: dt.date | None  # date of the data when the file name does not say


SOURCES = {
    s.key: s
    for s in (
        Source("asp", "Liste ASP des SIAE (2019)", asp.read_asp, dt.date(2019, 7, 1)),
        Source("asp-ids", "Identifiants ASP (2020)", asp_ids.read_asp_ids, dt.date(2020, 2, 1)),
        Source("lemarche", "Export du marché de l'inclusion", lemarche.read_lemarche, dt.date(2021, 2, 1)),
        Source("lemarche-api", "API du marché de l'inclusion", lemarche_api.read_lemarche_api, None),
        Source("geiq", "Liste des GEIQ", geiq.read_geiq, dt.date(2019, 11, 21)),
        Source("esat", "Liste FINESS des ESAT", esat.read_esat, dt.date(2026, 6, 24)),
    )
}


def data_date_of(source, path, override=None):
    """Date of the data: --date, else YYYY_MM in the file name, else the source default, else today."""
    if override:
        return override
    match = re.search(r"(20\d{2})[_-](\d{2})(?:[_-](\d{2}))?", Path(path).name)
    if match:
        try:
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3) or 1))
        except ValueError:  # « liste_2023_13.csv »: not a date, the source default applies
            pass
    return SOURCES[source].default_date or dt.date.today()


def read_records(source, path, report, data_date):
    return list(SOURCES[source].reader(path, report, data_date))


def import_file(report, *, source, path, data_date=None, index=None):
    """Importer function for core.importing.run_import: read, validate, upsert."""

    date = data_date_of(source, path, data_date)
    report.source = f"{SOURCES[source].label} — {Path(path).name}"
    records = read_records(source, path, report, date)
    report.count("lignes lues valides", len(records))
    report.rows = len(records)  # valid rows, for the import's log line
    return Upserter(report, source, Path(path).name, index or get_index()).run(records)


def import_records(report, *, source, records, label, index=None):
    """Upsert records obtained elsewhere (the API client)."""

    report.source = label
    report.count("lignes lues valides", len(records))
    report.rows = len(records)
    return Upserter(report, source, label, index or get_index()).run(records)
