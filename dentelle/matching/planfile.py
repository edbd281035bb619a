"""Read a purchase plan for batch matching.

Uses the purchases app's plan parser; a file it finds no lot in is read as a simple CSV or XLSX
with the columns objet, code CPV, montant, lieu (names matched loosely, accents and case ignored).
"""

import csv
import io
from pathlib import Path

from django.core.management.base import CommandError

from dentelle.core.numbers import AMOUNT, NumberError, parse_number
from dentelle.core.text import fold
from dentelle.matching.facts import LotFacts

ALIASES = {
    "text": ("objet", "objet du marche", "intitule", "libelle", "designation", "titre"),
    "cpv": ("code cpv", "cpv", "code cpv principal"),
    "amount": ("montant", "montant estime", "montant ht", "montant annuel", "montant estime ht", "budget"),
    "place": ("lieu", "lieu d execution", "lieu d'execution", "territoire", "commune", "departement"),
    "nature": ("nature",),
}
NATURES = {
    "travaux": "works",
    "services": "services",
    "fournitures": "supplies",
    "works": "works",
    "supplies": "supplies",
}


def _key(header):
    return " ".join(fold(header).replace("'", " ").replace("_", " ").replace("(€)", "").split())


def _columns(header):
    found = {}
    for position, name in enumerate(header):
        key = _key(name)
        for field, aliases in ALIASES.items():
            if field not in found and any(key == alias or key.startswith(alias) for alias in aliases):
                found[field] = position
    return found


def _amount(text):
    """A bounded amount (core.numbers: no huge exponent, no NaN/Infinity, within the money column), or
    None when the cell is empty or unreadable: this quick reader ranks lots, it stores nothing."""
    try:
        number = parse_number(text, AMOUNT)
    except NumberError:
        return None
    return float(number) if number is not None else None


def _rows_of(path):
    path = Path(path)
    if not path.exists():
        raise CommandError(f"Fichier introuvable : {path}")
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(path, read_only=True, data_only=True).active
        except Exception as error:
            raise CommandError(f"{path.name} : classeur illisible ({error}).")
        return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        text = path.read_text(encoding="cp1252")
    dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t") if text.strip() else csv.excel
    return list(csv.reader(io.StringIO(text), dialect))


def read_plan(path):
    """[(line number, LotFacts)] of a plan file: the purchases importer's parser (every plan format it
    knows: CSV, XLSX, JSON), else, when it finds no lot, the simple CSV/XLSX reader below."""
    from dentelle.purchases.planfile import PlanFileError, read_plan_file

    if not Path(path).exists():
        raise CommandError(f"Fichier introuvable : {path}")
    try:
        plan, _report = read_plan_file(str(path))
    except PlanFileError as error:
        raise CommandError(str(error))
    lots = []
    for operation in plan.operations:
        for lot in operation.lots:
            title = lot.title if lot.title == operation.title else f"{operation.title} — {lot.title}"
            lots.append(
                (
                    lot.line or 0,
                    LotFacts(
                        cpv_codes=[c for c in [lot.cpv, *lot.additional_cpv] if c],
                        amount=float(lot.amount) if lot.amount is not None else None,
                        annual_amount=float(lot.annual_amount) if lot.annual_amount is not None else None,
                        duration_months=lot.duration_months or operation.duration_months,
                        place_kind=lot.place_kind_hint if lot.place_code else "",
                        place_code=lot.place_code,
                        place_text=lot.place,
                        nature=operation.nature or "services",
                        reservation_kind=lot.reservation_kind,
                        text=title,
                    ),
                )
            )
    return lots if lots else read_simple_plan(path)


def read_simple_plan(path):
    """[(line number, LotFacts)] of a simple CSV/XLSX plan. Raises CommandError (French) on a bad file."""
    rows = _rows_of(path)
    header_line = None
    for position, header in enumerate(rows[:10]):
        columns = _columns(header)
        if "text" in columns and "cpv" in columns:
            header_line = position
            break
    if header_line is None:
        raise CommandError(
            f"{Path(path).name} : en-têtes attendus introuvables (objet, code CPV, montant, lieu)."
        )
    lots = []
    for line, row in enumerate(rows[header_line + 1 :], start=header_line + 2):

        def cell(field, row=row):
            position = columns.get(field)
            return row[position].strip() if position is not None and position < len(row) else ""

        if not any(c.strip() for c in row):
            continue
        cpv = "".join(ch for ch in cell("cpv") if ch.isdigit())[:8]
        lots.append(
            (
                line,
                LotFacts(
                    cpv_codes=[cpv] if len(cpv) == 8 else [],
                    amount=_amount(cell("amount")),
                    place_text=cell("place"),
                    nature=NATURES.get(fold(cell("nature")).strip(), "services"),
                    text=cell("text"),
                ),
            )
        )
    return lots
