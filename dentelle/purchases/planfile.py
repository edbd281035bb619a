"""Read purchase-plan files (CSV, XLSX, JSON) into plain operations → lots → line items.

No database here: the importer writes the result through the ORM, and `dentelle scan` screens it
directly. Headers are recognised by French aliases (accents, case and punctuation ignored); every
problem is reported with its line and column.
"""

import csv
import gc
import io
import itertools
import re
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from dentelle.core.file_errors import (
    OLE2_SIGNATURE,
    ZIP_SIGNATURE,
    csv_error_message,
    has_nul,
    nul_error_message,
)
from dentelle.core.importing import ImportReport
from dentelle.core.numbers import AMOUNT, COUNT, DURATION_MONTHS, HOURS, MONTHLY_HOURS, Bound, parse_number
from dentelle.core.spreadsheet import LOCAL, SpreadsheetError, read_sheets, too_many_rows_message

ENCODINGS = ("utf-8-sig", "utf-8", "cp1252")
FORMAT_ID = "dentelle-plan/1"


def normalise_header(text):
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


# Canonical column → aliases (normalised). The first alias is the label shown to users.
ALIASES = {
    "operation_reference": [
        "reference operation",
        "reference",
        "ref",
        "n operation",
        "numero operation",
        "id",
    ],
    "title": ["objet", "intitule", "libelle", "objet du marche", "intitule de l operation"],
    "description": ["description", "descriptif", "commentaire"],
    "lot_number": ["lot", "n lot", "numero de lot", "n de lot"],
    "lot_title": ["intitule du lot", "libelle du lot", "objet du lot"],
    "family": ["famille d achat", "famille", "categorie d achat", "segment"],
    "cpv": ["code cpv", "cpv", "code cpv principal", "code cpv8"],
    "additional_cpv": ["codes cpv complementaires", "cpv complementaires"],
    "amount": [
        "montant estime ht",
        "montant ht",
        "montant estime",
        "montant",
        "montant total ht",
        "montant previsionnel ht",
        "montant previsionnel",
        "estimation ht",
        "estimation",
        "budget previsionnel",
    ],
    "annual_amount": ["montant annuel", "montant annuel ht", "montant annuel estime"],
    "duration_months": ["duree", "duree mois", "duree en mois", "duree du marche"],
    "renewals": ["reconduction", "reconductions", "nombre de reconductions"],
    "launch_date": [
        "date previsionnelle de lancement",
        "date de lancement",
        "lancement",
        "date previsionnelle",
        "date de lancement previsionnelle",
        "date previsionnelle de publication",
        "date de publication",
    ],
    "place": ["lieu d execution", "lieu", "lieux d execution", "lieu execution nom"],
    "place_code": ["code lieu", "code insee", "code du lieu", "lieu execution code"],
    "service": ["direction service", "direction", "service", "service acheteur", "direction acheteuse"],
    "nature": ["nature", "type de marche", "nature du marche"],
    "procedure": ["procedure", "type de procedure"],
    "clause_hours": ["heures d insertion", "heures clause", "clause sociale heures"],
    "reservation": ["reservation", "marche reserve"],
    "sites_count": ["nombre de sites", "sites"],
    "transferred_staff_monthly_hours": [
        "heures mensuelles reprises",
        "heures mensuelles du personnel a reprendre",
    ],
}
LINE_ALIASES = {
    "operation_reference": ["reference operation", "operation", "reference", "ref"],
    "reference": ["reference ligne", "n ligne", "ligne", "poste"],
    "description": ["designation", "description", "libelle", "corps d etat"],
    "cpv": ["code cpv", "cpv"],
    "amount": ["montant ht", "montant", "montant estime ht"],
}
LABELS = {key: aliases[0] for key, aliases in ALIASES.items()}
# What the upload page shows for each target field (the user may change the automatic mapping).
FIELD_LABELS = {
    "operation_reference": "Référence de l'opération",
    "title": "Objet (obligatoire)",
    "description": "Description",
    "lot_number": "Numéro de lot",
    "lot_title": "Intitulé du lot",
    "family": "Famille d'achat",
    "cpv": "Code CPV principal",
    "additional_cpv": "Codes CPV complémentaires",
    "amount": "Montant estimé HT",
    "annual_amount": "Montant annuel HT",
    "duration_months": "Durée (mois)",
    "renewals": "Reconductions",
    "launch_date": "Date prévisionnelle de lancement",
    "place": "Lieu d'exécution",
    "place_code": "Code du lieu (INSEE, postal, département)",
    "service": "Direction / service",
    "nature": "Nature (travaux, services, fournitures)",
    "procedure": "Procédure",
    "clause_hours": "Heures d'insertion prévues",
    "reservation": "Réservation",
    "sites_count": "Nombre de sites",
    "transferred_staff_monthly_hours": "Heures mensuelles du personnel à reprendre",
}
# Range of every numeric column (core.numbers): within the model columns, so nothing stored is unreadable.
RENEWALS = Bound("nombre de reconductions", Decimal(0), Decimal(100), places=0, integer=True)
BOUNDS = {
    "amount": AMOUNT,
    "annual_amount": AMOUNT,
    "transferred_staff_monthly_hours": MONTHLY_HOURS,
    "duration_months": DURATION_MONTHS,
    "renewals": RENEWALS,
    "clause_hours": HOURS,
    "sites_count": COUNT,
}
# Texts compared in the database (service, organisation: ``iexact``, a LIKE on SQLite) stay short.
MAX_KEY_CHARS = 200
SUGGESTION_SECONDS = 10.0  # time budget of the CPV suggestions for one file (upload preview)
NATURE_WORDS = {"travaux": "works", "services": "services", "service": "services", "fournitures": "supplies"}
RESERVATION_WORDS = {
    "siae": "siae",
    "l2113 13": "siae",
    "ea": "disability",
    "esat": "disability",
    "l2113 12": "disability",
}


@dataclass
class LineItemData:
    reference: str
    description: str
    cpv: str
    amount: Decimal
    line: int | None = None


@dataclass
class LotData:
    number: str
    title: str
    cpv: str = ""
    additional_cpv: list = field(default_factory=list)
    amount: Decimal | None = None
    annual_amount: Decimal | None = None
    duration_months: int | None = None
    place: str = ""
    place_code: str = ""
    place_kind_hint: str = ""
    procedure: str = ""
    clause_hours: int | None = None
    reservation_kind: str = ""
    social_award_criterion: bool = False
    insertion_market: bool = False
    sites_count: int | None = None
    transferred_staff_monthly_hours: Decimal | None = None
    family_text: str = ""
    cpv_suggestion: dict | None = None
    line: int | None = None


@dataclass
class OperationData:
    reference: str
    title: str
    service: str = ""
    nature: str = ""
    description: str = ""
    amount: Decimal | None = None
    duration_months: int | None = None
    renewals: int = 0
    launch_date: date | None = None
    places: str = ""
    lots: list = field(default_factory=list)
    line_items: list = field(default_factory=list)

    @property
    def market_amount(self):
        if self.amount is not None:
            return self.amount
        amounts = [lot.amount for lot in self.lots if lot.amount is not None]
        return sum(amounts, Decimal("0")) if amounts else None


@dataclass
class PlanData:
    operations: list = field(default_factory=list)
    mapping: dict = field(default_factory=dict)  # canonical key → header as found
    unmapped: list = field(default_factory=list)
    columns: list = field(default_factory=list)  # [(index, header, canonical key or "")] of the file
    name: str = ""
    year: int | None = None
    organisation: str = ""
    site_records: list = field(default_factory=list)  # (line, {header: value}) of the « sites » sheet

    @property
    def lot_count(self):
        return sum(len(op.lots) for op in self.operations)


class PlanFileError(ValueError):
    """The file cannot be read at all (French message naming the file)."""


# Abbreviations and variants buyers write in headers (« Date prév. de lancement », « Mt estimé »).
HEADER_WORDS = {
    "prev": "previsionnelle",
    "previ": "previsionnelle",
    "previs": "previsionnelle",
    "previsionnel": "previsionnelle",
    "previsionnels": "previsionnelle",
    "estim": "estime",
    "estimee": "estime",
    "estimes": "estime",
    "estimatif": "estime",
    "mt": "montant",
    "mnt": "montant",
    "mont": "montant",
    "montants": "montant",
    "dt": "date",
    "lanc": "lancement",
    "exec": "execution",
    "num": "n",
    "no": "n",
    "numero": "n",
    "desc": "description",
    "ref": "reference",
    "lots": "lot",
    "lieux": "lieu",
}
# Little words and units that do not tell columns apart (« Montant estimé HT (en €) »).
HEADER_STOPWORDS = frozenset({"de", "du", "d", "des", "l", "la", "le", "les", "en", "eur", "euros", "euro"})
HEADER_SCAN_ROWS = 15  # a title, a date or notes may sit above the headers


def header_key(text):
    """A header reduced for matching: accents, case, punctuation, abbreviations and little words ignored."""
    words = [HEADER_WORDS.get(w, w) for w in normalise_header(text).split()]
    return " ".join(w for w in words if w not in HEADER_STOPWORDS)


def find_header_row(rows, aliases=ALIASES, scan=HEADER_SCAN_ROWS):
    """Index of the header row among the first rows: the one where most columns are recognised and the
    object is found (0 when none has it: the caller then reports the missing column)."""
    best, best_count = 0, 0
    for index, row in enumerate(rows[:scan]):
        mapping = map_headers(row, aliases)
        if "title" in mapping and len(mapping) > best_count:
            best, best_count = index, len(mapping)
    return best


def map_headers(headers, aliases=ALIASES):
    """{canonical: index} for the headers recognised; exact alias first, then prefix match."""
    found = {}
    normalised = [header_key(h) for h in headers]
    aliases = {key: [header_key(name) for name in names] for key, names in aliases.items()}
    for key, names in aliases.items():
        for name in names:
            if name in normalised and normalised.index(name) not in found.values():
                found[key] = normalised.index(name)
                break
    for key, names in aliases.items():
        if key in found:
            continue
        for index, header in enumerate(normalised):
            if index in found.values():
                continue
            if any(header.startswith(name) for name in names if len(name) > 4):
                found[key] = index
                break
    return found


def decode(data, name):
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PlanFileError(
        f"{name} : encodage illisible (UTF-8 ou Windows-1252 attendu) : enregistrez le fichier "
        "en UTF-8 (« CSV UTF-8 » dans un tableur), puis réessayez."
    )


def parse_decimal(value, bound=AMOUNT):
    """A cell → Decimal within ``bound`` (None when empty); ``NumberError`` (a ValueError, French)."""
    if type(value) is str and len(value) < 13 and value.isascii() and value.isdigit():
        return Decimal(value)  # fast path: plain integer amounts (most plans), below 10¹²
    return parse_number(value, bound)


def parse_date(value):
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return _parse_date_text(str(value).strip())


@lru_cache(maxsize=4096)
def _parse_date_text(text):
    """Plans repeat the same few dates: parse each text once (strptime is slow)."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%m/%Y", "%Y-%m"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def nature_of(text, cpv):
    if text:
        words = _nature_words(text)
        for word, nature in NATURE_WORDS.items():
            if word in words:
                return nature
    if cpv[:2].isdigit():
        division = int(cpv[:2])
        return "works" if division == 45 else ("supplies" if division < 45 else "services")
    return ""


@lru_cache(maxsize=1024)
def _nature_words(text):
    """Words of a nature cell ("Travaux", "Fournitures courantes"): plans repeat a handful of them."""
    return frozenset(normalise_header(text).split())


def _blank(row):
    """A row with no visible cell. CSV rows are all text: one join instead of a test per cell."""
    try:
        return not "".join(row).strip()
    except TypeError:  # workbook rows hold numbers, dates and None
        return not any(str(c).strip() for c in row if c is not None)


def _cells(row, items):
    """One dict per row (canonical key → stripped text), built once: cheaper than a lookup per field."""
    size = len(row)
    cells = {}
    for key, index in items:
        if index < size:
            value = row[index]
            if value is None:
                continue
            cells[key] = value.strip() if isinstance(value, str) else value
    return cells


def _cell(row, mapping, key):
    index = mapping.get(key)
    if index is None or index >= len(row):
        return ""
    value = row[index]
    return value.strip() if isinstance(value, str) else ("" if value is None else value)


def _digits_cpv(value):
    if type(value) is str and len(value) == 8 and value.isascii() and value.isdigit():
        return value
    digits = re.sub(r"[^0-9]", "", str(value or ""))
    return digits[:8] if len(digits) >= 8 else ""


def user_mapping(choices, column_count):
    """{canonical: index} from the upload page's choices ``{index: canonical or ""}`` ("" = ignore).

    Raises ``PlanFileError`` (French) on an unknown field, a column out of range or a field chosen twice.
    """
    mapping = {}
    for index, key in sorted(choices.items()):
        if not key:
            continue
        if key not in ALIASES:
            raise PlanFileError(f"Colonne {index + 1} : donnée « {key} » inconnue.")
        if not 0 <= index < column_count:
            raise PlanFileError(f"Colonne {index + 1} absente du fichier.")
        if key in mapping:
            raise PlanFileError(
                f"« {FIELD_LABELS[key]} » est attribué à deux colonnes ({mapping[key] + 1} et {index + 1})."
            )
        mapping[key] = index
    return mapping


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
        if _blank(row):
            continue
        cells = _cells(row, items)
        title = str(cells.get("title", ""))
        if not title:
            report.error(line, LABELS["title"], "objet vide.")
            continue
        lot = _lot_from_row(cells, mapping, line, title, report, suggest_cpv)
        if lot is None:
            continue
        service = _key_text(cells, "service", line, report)
        if service is None:
            continue
        reference = str(cells.get("operation_reference", "")) or f"{service}|{title}"[:80]
        operation = operations.get(reference)
        if operation is None:
            operation = OperationData(reference=reference, title=title, service=service)
            operation.nature = nature_of(cells.get("nature", ""), lot.cpv)
            operation.description = str(cells.get("description", ""))
            operation.places = lot.place
            operation.renewals = _int(cells, "renewals", line, report) or 0
            operation.duration_months = lot.duration_months
            try:
                operation.launch_date = parse_date(cells.get("launch_date", ""))
            except ValueError as exc:
                report.error(line, LABELS["launch_date"], f"date illisible « {exc} » (JJ/MM/AAAA attendu).")
            operations[reference] = operation
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


def _key_text(cells, key, line, report):
    """A text the database compares (``iexact``): refused beyond ``MAX_KEY_CHARS``."""
    text = str(cells.get(key, ""))
    if len(text) > MAX_KEY_CHARS:
        report.error(line, LABELS[key], f"texte trop long ({len(text)} caractères, {MAX_KEY_CHARS} au plus).")
        return None
    return text


def _lot_from_row(cells, mapping, line, title, report, suggest_cpv):
    raw_cpv = cells.get("cpv", "")
    cpv = _digits_cpv(raw_cpv)
    if raw_cpv and not cpv and re.fullmatch(r"\d{7}(-\d)?", str(raw_cpv).strip()):
        # Spreadsheets drop the leading zero of divisions 03–09 (« 3410000 » for 03410000).
        cpv = "0" + str(raw_cpv).strip()[:7]
        report.warning(line, LABELS["cpv"], f"code CPV « {raw_cpv} » complété en {cpv} (zéro initial perdu).")
    if raw_cpv and not cpv:
        report.error(line, LABELS["cpv"], f"code CPV invalide « {raw_cpv} » (8 chiffres attendus).")
        return None
    lot = LotData(number=str(cells.get("lot_number", "")), title=str(cells.get("lot_title", "")) or title)
    lot.line = line
    lot.cpv = cpv
    extra = str(cells.get("additional_cpv", ""))
    if extra:
        lot.additional_cpv = [c for c in (_digits_cpv(p) for p in re.split(r"[;,| ]+", extra)) if c]
    # ``cells`` holds the file's columns only: a column the file lacks costs no call.
    if "amount" in cells:
        lot.amount = _money(cells, "amount", line, report)
    if "annual_amount" in cells:
        lot.annual_amount = _money(cells, "annual_amount", line, report)
    if "duration_months" in cells:
        lot.duration_months = _int(cells, "duration_months", line, report)
    if "clause_hours" in cells:
        lot.clause_hours = _int(cells, "clause_hours", line, report)
    if "sites_count" in cells:
        lot.sites_count = _int(cells, "sites_count", line, report)
    if "transferred_staff_monthly_hours" in cells:
        lot.transferred_staff_monthly_hours = _money(cells, "transferred_staff_monthly_hours", line, report)
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
    if lot.amount is None and "amount" in mapping:
        report.warning(line, LABELS["amount"], "montant absent : le lot ne sera pas chiffré.")
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
        from dentelle.purchases.plan_json import read_json_plan

        return read_json_plan(data, name, report, max_operations=limits.max_rows)
    if lower.endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data, name, report, suggest_cpv, where, mapping, limits)
    if data.startswith((ZIP_SIGNATURE, OLE2_SIGNATURE)):  # a workbook saved under a .csv name
        raise PlanFileError(
            f"{name} : ce fichier est un classeur Excel, pas un CSV : donnez-lui l'extension .xlsx "
            "ou enregistrez-le au format CSV, puis réessayez."
        )
    text = decode(data, name)
    if has_nul(text):
        raise PlanFileError(nul_error_message(name, text))
    sample = text[:5000]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
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
        from dentelle.purchases.sitefile import sheet_records

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
        reference = str(_cell(row, mapping, "operation_reference"))
        operation = by_reference.get(reference)
        if operation is None:
            report.error(
                line,
                f"{sheet} : référence opération",
                f"opération « {reference} » inconnue de la première feuille.",
            )
            continue
        raw_amount = _cell(row, mapping, "amount")
        if raw_amount == "":
            report.error(line, f"{sheet} : montant", "montant absent.")
            continue
        amount = report.number(line, f"{sheet} : montant", raw_amount, AMOUNT)
        if amount is None:
            continue
        operation.line_items.append(
            LineItemData(
                reference=str(_cell(row, mapping, "reference")) or str(len(operation.line_items) + 1),
                description=str(_cell(row, mapping, "description")),
                cpv=_digits_cpv(_cell(row, mapping, "cpv")),
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
