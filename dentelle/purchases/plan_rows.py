# pure: no database
"""Table rows → a plan: one row is one lot; rows sharing a reference (or service + object) form one
operation. Every problem is reported with its line and the user's own column name."""

import re
import time
from decimal import Decimal

from dentelle.core.text import fold
from dentelle.purchases.plan_cells import (
    BOUNDS,
    MAX_KEY_CHARS,
    RESERVATION_WORDS,
    SUGGESTION_SECONDS,
    blank_row,
    digits_cpv,
    nature_of,
    parse_date,
    row_cells,
)
from dentelle.purchases.plan_columns import HEADER_SCAN_ROWS, LABELS, map_headers, normalise_header
from dentelle.purchases.plan_data import LotData, OperationData, PlanData


def rows_to_plan(header, rows, report, start_line=2, suggest_cpv=None, mapping=None):
    """Table rows → PlanData. One row is one lot; rows sharing a reference (or service + object)
    form one operation. ``mapping`` ({canonical: column index}) replaces the automatic recognition."""
    if mapping is None:
        mapping = map_headers(header)
    else:  # chosen by the user (``user_mapping``): keep the columns the file really has
        mapping = {key: index for key, index in mapping.items() if index < len(header)}
    plan = PlanData(mapping={k: str(header[i]) for k, i in mapping.items()})
    plan.unmapped = [
        str(h) for i, h in enumerate(header) if i not in mapping.values() and str(h or "").strip()
    ]
    by_index = {i: k for k, i in mapping.items()}
    plan.columns = [(i, str(h if h is not None else ""), by_index.get(i, "")) for i, h in enumerate(header)]
    if "title" not in mapping:
        read = ", ".join(f"« {h} »" for h in header if str(h or "").strip())[:300] or "aucun"
        report.error(
            None,
            "objet",
            "colonne obligatoire introuvable (alias : objet, intitulé, libellé). En-têtes lus ligne "
            f"{start_line - 1} : {read}. Les en-têtes sont cherchés dans les {HEADER_SCAN_ROWS} premières "
            "lignes : nommez la colonne de l'objet « Objet » ou choisissez-la dans la correspondance des colonnes.",
        )
        return plan
    # Messages name the user's own columns (« Montant prév. (€) »), not the normalised alias.
    report = _UserColumns(report, {LABELS[k]: str(header[i]).strip() for k, i in mapping.items()})
    operations = {}
    items = list(mapping.items())
    if suggest_cpv is not None:
        suggest_cpv = _BudgetedSuggestion(suggest_cpv, report)
    for offset, row in enumerate(rows):
        line = start_line + offset
        if blank_row(row):
            continue
        cells = row_cells(row, items)
        title = str(cells.get("title", ""))
        if not title:
            report.error(line, LABELS["title"], "objet vide.")
        # Every cell of the row is checked, so each bad one is reported (line, column, reason).
        lot = _lot_from_row(cells, mapping, line, title, report, suggest_cpv if title else None)
        service = _key_text(cells, "service", line, report)
        renewals = _int(cells, "renewals", line, report) if "renewals" in cells else None
        launch_date = _launch_date(cells, line, report)
        if not title or lot is None or service is None:
            plan.refused_rows.append((line, service or ""))  # its service is still checked (preview)
            continue
        # Without a reference, a service's rows with the same object form one operation, named by it.
        reference = str(cells.get("operation_reference", "")) or title[:80]
        key = (
            " ".join(fold(service).split()),
            reference,
        )  # « Direction des lycées » = « direction des lycees »
        operation = operations.get(key)
        if operation is None:
            operation = OperationData(reference=reference, title=title, service=service)
            operation.nature = nature_of(cells.get("nature", ""), lot.cpv)
            operation.description = str(cells.get("description", ""))
            operation.places = lot.place
            operation.renewals = renewals or 0
            operation.duration_months = lot.duration_months
            operation.launch_date = launch_date
            operations[key] = operation
        if not lot.number:
            lot.number = str(len(operation.lots) + 1)
        operation.lots.append(lot)
    plan.operations = list(operations.values())
    return plan


class _UserColumns:
    """The import report, with each column named as the user's file names it."""

    def __init__(self, report, names):
        self._report, self._names = report, {k: v for k, v in names.items() if v}

    def __getattr__(self, name):
        return getattr(self._report, name)

    def error(self, line, column, message, *args, **kwargs):
        return self._report.error(line, self._names.get(column, column), message, *args, **kwargs)

    def warning(self, line, column, message, *args, **kwargs):
        return self._report.warning(line, self._names.get(column, column), message, *args, **kwargs)

    def number(self, line, column, *args, **kwargs):
        return self._report.number(line, self._names.get(column, column), *args, **kwargs)


class _BudgetedSuggestion:
    """CPV suggestions within a time budget: a long file is read whole, only the suggestions stop.

    Each suggestion searches the CPV tree (milliseconds); 100,000 lots without a code would hold
    the upload page for minutes. Past the budget, one warning says from which line on it stopped.
    """

    def __init__(self, suggest, report, seconds=None):
        self.suggest, self.report = suggest, report
        self.deadline = time.monotonic() + (SUGGESTION_SECONDS if seconds is None else seconds)
        self.stopped = False

    def __call__(self, text, line=None):
        if self.stopped:
            return None
        if time.monotonic() > self.deadline:
            self.stopped = True
            self.report.warning(
                line,
                LABELS["cpv"],
                "suggestions de codes CPV interrompues à partir de cette ligne (fichier trop long pour "
                "être analysé en une fois) : renseignez les codes CPV ou découpez le fichier.",
            )
            return None
        return self.suggest(text)


def _launch_date(cells, line, report):
    try:
        return parse_date(cells.get("launch_date", ""))
    except ValueError as exc:
        report.error(line, LABELS["launch_date"], f"date illisible « {exc} » (JJ/MM/AAAA attendu).")
        return None


def _int(cells, key, line, report):
    """A whole number within its column's range (decimals dropped: « 12,5 » mois → 12)."""
    value = cells.get(key, "")
    if value in ("", None):
        return None
    if type(value) is str and len(value) < 7 and value.isascii() and value.isdigit():
        number = int(value)  # fast path
        if number <= BOUNDS[key].maximum:
            return number
    return report.number(line, LABELS[key], value, BOUNDS[key], integer=True, truncate=True)


def _money(cells, key, line, report):
    value = cells.get(key, "")
    if value == "":
        return None
    if type(value) is str and len(value) < 13 and value.isascii() and value.isdigit():
        return Decimal(value)  # fast path
    return report.number(line, LABELS[key], value, BOUNDS[key])


# The number columns of a lot: column key (also the LotData attribute) and its reader.
_LOT_NUMBERS = (
    ("amount", _money),
    ("annual_amount", _money),
    ("duration_months", _int),
    ("clause_hours", _int),
    ("sites_count", _int),
    ("transferred_staff_monthly_hours", _money),
)


def _key_text(cells, key, line, report):
    """A text the database compares (``iexact``): refused beyond ``MAX_KEY_CHARS``."""
    text = str(cells.get(key, ""))
    if len(text) > MAX_KEY_CHARS:
        report.error(line, LABELS[key], f"texte trop long ({len(text)} caractères, {MAX_KEY_CHARS} au plus).")
        return None
    return text


def _lot_from_row(cells, mapping, line, title, report, suggest_cpv):
    raw_cpv = cells.get("cpv", "")
    cpv = digits_cpv(raw_cpv)
    if raw_cpv and not cpv and re.fullmatch(r"\d{7}(-\d)?", str(raw_cpv).strip()):
        # Spreadsheets drop the leading zero of divisions 03–09 (« 3410000 » for 03410000).
        cpv = "0" + str(raw_cpv).strip()[:7]
        report.warning(line, LABELS["cpv"], f"code CPV « {raw_cpv} » complété en {cpv} (zéro initial perdu).")
    bad_cpv = bool(raw_cpv and not cpv)
    if bad_cpv:  # the row is refused once its other cells are checked
        report.error(line, LABELS["cpv"], f"code CPV invalide « {raw_cpv} » (8 chiffres attendus).")
    lot = LotData(number=str(cells.get("lot_number", "")), title=str(cells.get("lot_title", "")) or title)
    lot.line = line
    lot.cpv = cpv
    extra = str(cells.get("additional_cpv", ""))
    if extra:
        lot.additional_cpv = [c for c in (digits_cpv(p) for p in re.split(r"[;,| ]+", extra)) if c]
    # ``cells`` holds the file's columns only: a column the file lacks costs no call.
    for key, read in _LOT_NUMBERS:
        if key in cells:
            setattr(lot, key, read(cells, key, line, report))
    lot.place = str(cells.get("place", ""))
    lot.place_code = str(cells.get("place_code", ""))
    lot.procedure = str(cells.get("procedure", ""))
    lot.family_text = str(cells.get("family", ""))
    raw_reservation = cells.get("reservation", "")
    reservation = normalise_header(raw_reservation) if raw_reservation else ""
    if reservation:
        lot.reservation_kind = next(
            (v for k, v in RESERVATION_WORDS.items() if k in reservation.split() or k == reservation), ""
        )
    if "amount" in mapping and cells.get("amount") in ("", None):  # a refused amount is an error already
        report.warning(line, LABELS["amount"], "montant absent : le lot ne sera pas chiffré.")
    if bad_cpv:
        return None
    if not cpv and suggest_cpv is not None:
        suggestion = suggest_cpv(f"{lot.family_text} {title}", line)
        if suggestion:
            lot.cpv_suggestion = suggestion
            if suggestion["confidence"] == "haute":
                lot.cpv = suggestion["code"]
                report.warning(
                    line,
                    LABELS["cpv"],
                    f"code CPV déduit du texte : {suggestion['code']} « {suggestion['label']} » (confiance haute).",
                )
            else:
                report.warning(
                    line,
                    LABELS["cpv"],
                    f"code CPV absent ; suggestion {suggestion['code']} « {suggestion['label']} » "
                    f"(confiance {suggestion['confidence']}) non appliquée : à confirmer.",
                )
    return lot
