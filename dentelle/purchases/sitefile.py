"""Sites of a multi-site contract from a CSV, JSON or XLSX file, or the "sites" sheet of a plan workbook.

Columns (French headers, case and accents ignored): « site » (name, required), « commune » (name or
INSEE code, resolved with the referentials' place resolver), « adresse » (kept as text),
« latitude » / « longitude » (optional, else the commune's), « montant » (€ HT per year) or
« poids » (surface, pupils, hours: the lot's amount is then shared in proportion), « groupe » (sites
sharing a group stay in the same lot), « opération » (the plan reference the site belongs to), « lot »
(the lot number in that operation).
Every bad row is reported with its line, column and reason; nothing is kept from a file with errors.
"""

import csv
import io
import json
import re
from dataclasses import dataclass
from decimal import Decimal

from dentelle.core import tabular
from dentelle.core.importing import ImportReport
from dentelle.core.numbers import Bound
from dentelle.core.spreadsheet import SpreadsheetError, iter_sheet_rows, open_workbook
from dentelle.core.text import ascii_fold
from dentelle.referentials.place import KIND_LABELS

COLUMNS = {
    "site": "name",
    "nom": "name",
    "commune": "commune",
    "adresse": "address",
    "latitude": "latitude",
    "longitude": "longitude",
    "montant": "amount",
    "montant annuel": "amount",
    "poids": "weight",
    "groupe": "group",
    "operation": "operation",
    "reference": "operation",
    "reference operation": "operation",
    "lot": "lot",
    "n lot": "lot",
    "numero de lot": "lot",
}


@dataclass
class SiteRow:
    line: int
    name: str
    commune_code: str = ""
    commune_name: str = ""
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    amount: float | None = None
    weight: float | None = None
    group: str = ""
    operation: str = ""
    lot: str = ""
    department: str = ""
    ept: str = ""
    epci: str = ""


def _key(text):
    """A header reduced for matching: accents, case, « (…) » and « HT » ignored (« Montant annuel HT (€) »
    is « montant annuel », « Commune (code INSEE) » is « commune »: the lot page's export reads back)."""
    text = re.sub(r"\([^)]*\)", " ", ascii_fold(text))
    return " ".join(w for w in text.replace("_", " ").split() if w != "ht")


# Metropolitan France and Corsica (a site elsewhere is a typing error: a swapped latitude and longitude).
LATITUDE = Bound("latitude", Decimal("41.0"), Decimal("51.5"), places=6)
LONGITUDE = Bound("longitude", Decimal("-5.5"), Decimal("10.0"), places=6)
SITE_AMOUNT = Bound("montant", Decimal(0), Decimal(1_000_000_000), unit="€")
WEIGHT = Bound("poids", Decimal(0), Decimal(1_000_000_000), places=6)


def _number(report, line, value, bound):
    """A cell within ``bound`` (``core.numbers``: French formats, no NaN), as a float; None if empty or
    wrong (a row error then says why)."""
    if value is None or str(value).strip() == "":
        return None
    number = report.number(line, bound.label, value, bound)
    return float(number) if number is not None else None


def _lot_number(value):
    """A lot number as written (« 2 », or 2.0 read from a spreadsheet cell)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value if value is not None else "").strip()


def _records(content, name):
    """(line, {header: value}) of a CSV (; or ,) or JSON list file."""
    if name.lower().endswith(".json"):
        data = json.loads(content)
        if isinstance(data, dict):
            data = data.get("sites", [])
        if not isinstance(data, list):
            raise ValueError('le JSON doit être une liste de sites ou {"sites": [...]}')
        return [(k + 1, row) for k, row in enumerate(data) if isinstance(row, dict)]
    text = tabular.decode(content, name)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=tabular.sniff_delimiter(text))
    return [(k + 2, row) for k, row in enumerate(reader)]


def homonyms_message(text, places):
    """« Saint-Denis » : 4 communes portent ce nom (11, 30, 93, 974 ; codes INSEE …) : précisez… The
    example names an Île-de-France one when there is one (the Region's buyers' usual case)."""
    departments = ", ".join(p.department_code or "?" for p in places)
    codes = ", ".join(p.code for p in places)
    example = next((p for p in places if p.region_code == "11"), places[0])
    name = re.sub(r"\s*\([^)]*\)\s*$", "", text)
    if len(places) == 1:  # « Lyon (75) »: the only commune of that name is elsewhere
        return (
            f"« {text} » : la commune {places[0].name} est dans le département {departments} "
            f"(code INSEE {codes}) : corrigez le département ou indiquez le code INSEE"
        )
    return (
        f"« {text} » : {len(places)} communes portent ce nom (départements {departments} ; codes INSEE "
        f"{codes}) : précisez le code INSEE ou le département, par exemple « {name} "
        f"({example.department_code}) »"
    )


def _commune_error(text, place):
    if place is None:
        return f"commune « {text} » introuvable dans le référentiel"
    return (
        f"« {text} » n'est pas une commune ({KIND_LABELS.get(place.kind, place.kind)} {place.name}) : "
        "indiquez la commune ou son code INSEE"
    )


def rows_from_records(records, report, resolve=None):
    """SiteRow list from (line, mapping) records; ``resolve(text)`` locates communes: a commune's
    ``Place``, a list of them when the name is several communes', else None or another territory."""
    out = []
    for line, raw in records:
        row = {COLUMNS[_key(k)]: v for k, v in raw.items() if _key(k) in COLUMNS}
        name = str(row.get("name") or "").strip()
        if not name:
            report.error(line, "site", "nom du site manquant")
            continue
        site = SiteRow(line, name, address=str(row.get("address") or "").strip())
        site.group = str(row.get("group") or "").strip()
        site.operation = str(row.get("operation") or "").strip()
        site.lot = _lot_number(row.get("lot"))
        site.latitude = _number(report, line, row.get("latitude"), LATITUDE)
        site.longitude = _number(report, line, row.get("longitude"), LONGITUDE)
        site.amount = _number(report, line, row.get("amount"), SITE_AMOUNT)
        site.weight = _number(report, line, row.get("weight"), WEIGHT)
        commune = str(row.get("commune") or "").strip()
        if commune and resolve is not None:
            place = resolve(commune)
            if isinstance(place, list | tuple):
                report.error(line, "commune", homonyms_message(commune, place))
                continue
            if place is None or place.kind not in ("commune", "arrondissement"):
                report.error(line, "commune", _commune_error(commune, place))
                continue
            site.commune_code, site.commune_name = place.code, place.name
            site.department = place.department_code or ""
            if site.latitude is None or site.longitude is None:
                site.latitude, site.longitude = place.latitude, place.longitude
        if site.latitude is None or site.longitude is None:
            report.error(line, "commune", "ni coordonnées ni commune localisable : position du site inconnue")
            continue
        out.append(site)
    report.count("sites", len(out))
    return out


def read_site_file(content, name, resolve=None):
    """(rows, report) of a CSV or JSON site file; a malformed file is one error, never a traceback."""
    report = ImportReport(source=name)
    if name.lower().endswith((".xlsx", ".xlsm")):
        try:  # the « sites » sheet, else the first one (the lot page's export has one named « Sites »)
            workbook = open_workbook(content, name)
            sheets = workbook.worksheets
            sheet = next((ws for ws in sheets if _key(ws.title) == "sites"), sheets[0] if sheets else None)
            records = sheet_records(iter_sheet_rows(sheet, content, name)) if sheet is not None else []
        except SpreadsheetError as exc:
            report.error(None, "", str(exc))
            return [], report
        return rows_from_records(records, report, resolve), report
    try:
        records = _records(content, name)
    except tabular.TabularError as exc:  # already names the file and says what to do
        report.error(None, "", str(exc))
        return [], report
    except (ValueError, csv.Error) as exc:
        report.error(None, "", f"fichier de sites illisible : {exc}")
        return [], report
    return rows_from_records(records, report, resolve), report


def sheet_records(rows):
    """(line, {header: value}) records of a sheet's rows (header on the first row, blank rows skipped)."""
    rows = iter(rows)
    header = [str(h or "") for h in next(rows, [])]
    return [
        (k + 2, dict(zip(header, row, strict=False)))
        for k, row in enumerate(rows)
        if any(v not in (None, "") for v in row)
    ]


def read_sites_sheet(workbook, resolve=None):
    """(rows, report) of the « sites » sheet of an openpyxl workbook, or ([], None) without one."""
    sheet = next((ws for ws in workbook.worksheets if _key(ws.title) == "sites"), None)
    if sheet is None:
        return [], None
    records = sheet_records(sheet.iter_rows(values_only=True))
    report = ImportReport(source="feuille « sites »")
    return rows_from_records(records, report, resolve), report
