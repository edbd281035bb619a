"""Import of monthly hour declarations from a spreadsheet (CSV or XLSX).

Columns (first row, case and accents ignored): marche, mois, modalite, beneficiaire, heures and
optionally commentaire. Rows become draft declarations that a facilitator validates. The command
and the upload page run it through ``dentelle.core.importing.run_import`` (dry run by default, one
transaction, every bad row reported with its line, column and reason).
"""

import csv
import itertools
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from dentelle.core import tabular
from dentelle.core.file_errors import csv_error_message
from dentelle.core.formatting import format_value
from dentelle.core.numbers import HOURS, Bound, NumberError, parse_number
from dentelle.core.spreadsheet import (
    LOCAL,
    SpreadsheetError,
    iter_sheet_rows,
    open_workbook,
    too_many_rows_message,
)
from dentelle.core.text import ascii_fold
from dentelle.insertion.enums import FulfilmentMode
from dentelle.insertion.models import Beneficiary, Contract, HoursDeclaration

REQUIRED = ("marche", "mois", "modalite", "beneficiaire", "heures")
OPTIONAL = ("commentaire",)
MAX_HOURS_PER_MONTH = Decimal("300")  # above a full-time month with overtime: surely a typo
# Read within ±HOURS so that a negative entry gets its own reason (« non positif ») below.
SIGNED_HOURS = Bound(HOURS.label, -HOURS.maximum, HOURS.maximum, unit="h")


# Counted whether the import is then committed or not: `count_lines` names them for the report.
VALID_DECLARATIONS = "déclarations valides"
VALID_HOURS = "heures valides"


def count_lines(counts, committed):
    """The report's counts as users read them: « créées » only when the import was recorded,
    « à créer » for a simulation or a refused import; hours with their decimals (« 35,5 »)."""
    names = {
        VALID_DECLARATIONS: "déclarations créées" if committed else "déclarations valides, à créer",
        VALID_HOURS: "heures déclarées" if committed else "heures valides, à déclarer",
    }
    return [(names.get(key, key), format_value(value, max_decimals=2)) for key, value in counts.items()]


class FileProblem(Exception):
    """The file as a whole cannot be read (missing, encoding, headers, format)."""


def _key(text):
    return re.sub(r"[^a-z]", "", ascii_fold(text))


MODES = {}
for _mode in FulfilmentMode:
    MODES[_key(_mode.value)] = _mode
    MODES[_key(_mode.label)] = _mode
MODES.update(
    {
        _key(k): v
        for k, v in {
            "embauche directe": FulfilmentMode.DIRECT_HIRE,
            "mise a disposition": FulfilmentMode.STAFF_PROVISION,
            "sous-traitance": FulfilmentMode.SUBCONTRACTING,
            "co-traitance": FulfilmentMode.CO_CONTRACTING,
            "formation": FulfilmentMode.TRAINING,
        }.items()
    }
)


def read_rows(stream, filename, limits=LOCAL):
    """Yield (line number, {column: text}) from a CSV or XLSX byte stream, within ``limits``
    (``core.spreadsheet``: rows, workbook size; the upload page passes ``UPLOAD``)."""
    data = stream.read()
    if Path(filename).suffix.lower() == ".xlsx":
        rows = _xlsx_rows(data, filename, limits)
    else:
        rows = _csv_rows(data, filename, limits)
    header = next(rows, None)
    if header is None:
        raise FileProblem(f"{filename} : fichier vide.")
    columns = [_key(h) for h in header]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise FileProblem(
            f"{filename}, ligne 1 : colonnes manquantes : {', '.join(missing)} "
            f"(attendues : {', '.join(REQUIRED + OPTIONAL)})."
        )
    for line, values in enumerate(rows, start=2):
        if not any(str(v or "").strip() for v in values):
            continue
        yield line, {c: values[i] if i < len(values) else "" for i, c in enumerate(columns) if c}


def _csv_rows(data, filename, limits=LOCAL):
    """Rows of a CSV file, read lazily: encoding and structure problems surface as ``FileProblem``."""
    try:  # UTF-8 only: beneficiaries' names in Windows-1252 would be stored garbled
        reader = tabular.csv_reader(tabular.decode(data, filename, tabular.UTF8))
    except tabular.TabularError as exc:
        raise FileProblem(str(exc)) from None
    try:
        yield from itertools.islice(reader, limits.max_rows)
        if next(reader, None) is not None:
            raise FileProblem(too_many_rows_message(filename, limits.max_rows))
    except csv.Error:  # a quote never closed swallows the rest of the file: no traceback for the user
        raise FileProblem(csv_error_message(filename, reader.line_num)) from None


def _xlsx_rows(data, filename, limits=LOCAL):
    """Rows of the first sheet; a damaged, oversized or endless workbook is a ``FileProblem``."""
    try:
        workbook = open_workbook(data, filename, limits)
        try:
            sheets = workbook.worksheets
            if not sheets:
                return
            yield from iter_sheet_rows(sheets[0], data, filename, limits.max_rows, limits.max_columns)
        finally:
            workbook.close()
    except SpreadsheetError as exc:
        raise FileProblem(str(exc)) from None


def parse_month(value):
    if isinstance(value, datetime):  # a date cell of a workbook
        value = value.date()
    if isinstance(value, date):
        if not 2000 <= value.year <= 2100:
            raise ValueError(f"mois hors limites ({value:%m/%Y} : entre 2000 et 2100 attendu)")
        return value.replace(day=1)
    text = str(value if value is not None else "").strip()[:40]
    for pattern, order in (
        (r"(\d{4})-(\d{1,2})(?:-\d{1,2})?", "ym"),
        (r"(?:\d{1,2}/)?(\d{1,2})/(\d{4})", "my"),
    ):
        match = re.fullmatch(pattern, text)
        if match:
            a, b = (int(x) for x in match.groups())
            year, month = (a, b) if order == "ym" else (b, a)
            if 1 <= month <= 12 and 2000 <= year <= 2100:
                return date(year, month, 1)
    raise ValueError(f"mois illisible ({text!r} : attendu AAAA-MM ou MM/AAAA)")


def parse_hours(value):
    """Hours of one month for one person: bounded (``core.numbers``), positive, at most 300."""
    try:
        hours = parse_number(value, SIGNED_HOURS)
    except NumberError as exc:
        raise ValueError(exc.reason) from None
    if hours is None:
        raise ValueError("nombre d'heures illisible (cellule vide)")
    if hours <= 0:
        raise ValueError(f"nombre d'heures non positif ({value!r})")
    if hours > MAX_HOURS_PER_MONTH:
        raise ValueError(
            f"{hours} h pour un mois et une personne : plus de {MAX_HOURS_PER_MONTH} h, vérifier"
        )
    return hours.quantize(Decimal("0.01"))


def import_declarations(report, *, stream, filename, organisation=None, user=None, limits=LOCAL):
    report.source = filename
    contracts = Contract.objects.all()
    beneficiaries = Beneficiary.objects.all()
    if organisation is not None:
        contracts = contracts.filter(organisation=organisation)
        beneficiaries = beneficiaries.filter(organisation=organisation)
    contract_by_ref = {}
    for contract in contracts:
        contract_by_ref.setdefault(contract.reference.strip().upper(), []).append(contract)
    beneficiary_by_ref = {}
    for beneficiary in beneficiaries.only(
        "pk",
        "pseudonym",
        "external_reference",
        "organisation_id",
        "employment_contract_type",
        "contract_start",
        "contract_end",
    ):
        beneficiary_by_ref[beneficiary.pseudonym.upper()] = beneficiary
        if beneficiary.external_reference:
            beneficiary_by_ref.setdefault(beneficiary.external_reference.strip().upper(), beneficiary)
    existing = set(
        HoursDeclaration.objects.current()
        .filter(contract__in=contracts)
        .values_list("contract_id", "month", "beneficiary_id", "fulfilment_mode")
    )
    seen = {}
    report.rows = 0  # rows read, for the import's log line
    for line, row in read_rows(stream, filename, limits):
        report.count("lignes lues")
        report.rows += 1
        ok = True
        matches = contract_by_ref.get(str(row["marche"] or "").strip().upper(), [])
        if len(matches) != 1:
            reason = (
                "marché inconnu" if not matches else "référence de marché ambiguë (plusieurs organisations)"
            )
            report.error(line, "marche", f"{reason} ({row['marche']!r})")
            ok = False
        contract = matches[0] if len(matches) == 1 else None
        try:
            month = parse_month(row["mois"])
        except ValueError as exc:
            report.error(line, "mois", str(exc))
            ok, month = False, None
        if contract and month and not (contract.start_date.replace(day=1) <= month <= contract.end_date):
            report.error(line, "mois", f"{month:%m/%Y} hors de l'exécution du marché {contract.reference}")
            ok = False
        mode = MODES.get(_key(row["modalite"]))
        if mode is None:
            report.error(line, "modalite", f"modalité inconnue ({row['modalite']!r})")
            ok = False
        beneficiary = beneficiary_by_ref.get(str(row["beneficiaire"] or "").strip().upper())
        if beneficiary is None:
            report.error(line, "beneficiaire", f"bénéficiaire inconnu ({row['beneficiaire']!r})")
            ok = False
        elif contract and beneficiary.organisation_id != contract.organisation_id:
            report.error(line, "beneficiaire", "bénéficiaire d'une autre organisation que le marché")
            ok = False
        try:
            hours = parse_hours(row["heures"])
        except ValueError as exc:
            report.error(line, "heures", str(exc))
            ok = False
        if not ok:
            continue
        key = (contract.pk, month, beneficiary.pk, mode.value)
        if key in existing:
            report.error(
                line,
                "",
                "déjà déclaré pour ce marché, ce mois, ce bénéficiaire et cette modalité : "
                "utiliser une correction",
            )
            continue
        if key in seen:
            report.error(line, "", f"doublon de la ligne {seen[key]}")
            continue
        seen[key] = line
        warning = beneficiary.contract_warning(month)
        if warning:
            report.warning(line, "mois", warning)
        HoursDeclaration.objects.create(
            contract=contract,
            month=month,
            fulfilment_mode=mode,
            beneficiary=beneficiary,
            hours=hours,
            created_by=user,
            comment=str(row.get("commentaire") or "")[:300],
        )
        report.count(VALID_DECLARATIONS)
        report.count(VALID_HOURS, hours)  # Decimal: 35,5 h stays 35,5
