"""Read purchase-plan files (CSV, XLSX, JSON) into plain operations → lots → line items.

No database here: the importer writes the result through the ORM, and `dentelle scan` screens it
directly. This module opens the file (format, encoding, delimiter, header row, sheets, limits);
``plan_columns`` recognises the columns, ``plan_rows`` builds the plan (``plan_data``).
"""

import csv
import gc
import itertools

from dentelle.core import tabular
from dentelle.core.file_errors import OLE2_SIGNATURE, ZIP_SIGNATURE, csv_error_message
from dentelle.core.importing import ImportReport
from dentelle.core.numbers import AMOUNT
from dentelle.core.spreadsheet import LOCAL, SpreadsheetError, read_sheets, too_many_rows_message
from dentelle.purchases.plan_cells import digits_cpv, row_cell
from dentelle.purchases.plan_columns import (
    HEADER_SCAN_ROWS,
    LINE_ALIASES,
    find_header_row,
    map_headers,
    normalise_header,
)
from dentelle.purchases.plan_data import LineItemData, PlanFileError, decode
from dentelle.purchases.plan_json import read_json_plan
from dentelle.purchases.plan_rows import rows_to_plan
from dentelle.purchases.sitefile import sheet_records


def _filtered(header, rows, where):
    """Keep rows whose column (header, normalised) equals the value: {"ile de france lieu": "1"}."""
    if not where:
        return rows
    normalised = [normalise_header(h) for h in header]
    checks = []
    for column, value in where.items():
        key = normalise_header(column)
        if key not in normalised:
            raise PlanFileError(f"Filtre : colonne « {column} » absente du fichier.")
        checks.append((normalised.index(key), str(value)))
    return [r for r in rows if all(i < len(r) and str(r[i]).strip() == v for i, v in checks)]


def read_table_file(data, name, report, suggest_cpv=None, where=None, mapping=None, limits=LOCAL):
    """CSV or XLSX bytes → PlanData (XLSX: second sheet = line items keyed by operation reference).
    ``mapping``: {canonical: column index} chosen by the user (None: recognise the headers).
    ``limits`` (``core.spreadsheet``): rows and workbook size; the upload page passes ``UPLOAD``."""
    # Parsing builds many long-lived objects: pause the cyclic garbage collector meanwhile.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _read_table_file(data, name, report, suggest_cpv, where, mapping, limits)
    finally:
        if gc_was_enabled:
            gc.enable()


def _read_table_file(data, name, report, suggest_cpv, where, mapping, limits):
    lower = name.lower()
    if lower.endswith(".json"):
        return read_json_plan(data, name, report, max_operations=limits.max_rows)
    if lower.endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data, name, report, suggest_cpv, where, mapping, limits)
    if data.startswith((ZIP_SIGNATURE, OLE2_SIGNATURE)):  # a workbook saved under a .csv name
        raise PlanFileError(
            f"{name} : ce fichier est un classeur Excel, pas un CSV : donnez-lui l'extension .xlsx "
            "ou enregistrez-le au format CSV, puis réessayez."
        )
    reader = tabular.csv_reader(decode(data, name))
    try:
        top = list(itertools.islice(reader, HEADER_SCAN_ROWS))
        if not top:
            raise StopIteration
        start = find_header_row(top)  # the same row on preview and import: the user's mapping indexes it
        header = top[start]
        rows = top[start + 1 :] + list(itertools.islice(reader, limits.max_rows - len(top) + start + 1))
        if next(reader, None) is not None:
            raise PlanFileError(too_many_rows_message(name, limits.max_rows))
    except StopIteration:
        raise PlanFileError(f"{name} : fichier vide.") from None
    except csv.Error:
        raise PlanFileError(csv_error_message(name, reader.line_num)) from None
    body = _filtered(header, rows, where)
    return rows_to_plan(header, body, report, start_line=start + 2, suggest_cpv=suggest_cpv, mapping=mapping)


def _read_xlsx(data, name, report, suggest_cpv, where, mapping, limits):
    try:
        sheets = read_sheets(data, name, max_sheets=3, limits=limits)
    except SpreadsheetError as exc:
        raise PlanFileError(str(exc)) from None
    # A sheet titled « sites » holds the sites of multi-site lots (sitefile.py); the other second
    # sheet holds the line items.
    site_sheets = [s for s in sheets[1:] if normalise_header(s[0]) == "sites"]
    sheets = [s for s in sheets if s not in site_sheets][:2]
    rows = sheets[0][1] if sheets else []
    if not rows:
        raise PlanFileError(
            f"{name} : la première feuille est vide : les lots y sont attendus, une ligne par lot."
        )
    start = find_header_row([list(r) for r in rows[:HEADER_SCAN_ROWS]])
    header = list(rows[start])
    body = _filtered(header, [list(r) for r in rows[start + 1 :]], where)
    plan = rows_to_plan(header, body, report, start_line=start + 2, suggest_cpv=suggest_cpv, mapping=mapping)
    if len(sheets) > 1:
        _read_line_items(plan, sheets[1][1], sheets[1][0], report)
    if site_sheets:
        plan.site_records = sheet_records(site_sheets[0][1])
    return plan


def _read_line_items(plan, rows, sheet, report):
    if not rows:
        return
    mapping = map_headers(rows[0], LINE_ALIASES)
    for key in ("operation_reference", "description", "amount"):
        if key not in mapping:
            report.error(None, f"{sheet} : {LINE_ALIASES[key][0]}", "colonne obligatoire introuvable.")
            return
    by_reference = {op.reference: op for op in plan.operations}
    for offset, row in enumerate(rows[1:]):
        line = offset + 2
        if not any(c not in (None, "") for c in row):
            continue
        reference = str(row_cell(row, mapping, "operation_reference"))
        operation = by_reference.get(reference)
        if operation is None:
            report.error(
                line,
                f"{sheet} : référence opération",
                f"opération « {reference} » inconnue de la première feuille.",
            )
            continue
        raw_amount = row_cell(row, mapping, "amount")
        if raw_amount == "":
            report.error(line, f"{sheet} : montant", "montant absent.")
            continue
        amount = report.number(line, f"{sheet} : montant", raw_amount, AMOUNT)
        if amount is None:
            continue
        operation.line_items.append(
            LineItemData(
                reference=str(row_cell(row, mapping, "reference")) or str(len(operation.line_items) + 1),
                description=str(row_cell(row, mapping, "description")),
                cpv=digits_cpv(row_cell(row, mapping, "cpv")),
                amount=amount,
                line=line,
            )
        )


def read_plan_file(path, report=None, suggest_cpv=None, where=None):
    """Read a plan file from disk; ``PlanFileError`` with a French message if it cannot be read."""
    report = report if report is not None else ImportReport(source=str(path))
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise PlanFileError(f"Fichier introuvable : {path}") from None
    except IsADirectoryError:
        raise PlanFileError(f"{path} est un dossier, pas un fichier.") from None
    return read_table_file(data, str(path), report, suggest_cpv, where), report
