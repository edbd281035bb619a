"""What every source reader shares: the SiaeRecord, the CSV and JSON file readers, the field parsers.

Each source has its own module (asp, asp_ids, geiq, esat, lemarche, lemarche_api) that turns a file
into SiaeRecord objects, reporting bad rows. A reader validates what it can alone (SIRET, kind,
coordinates); communes are resolved later against the referentials (upsert.py), because they need
the database.
"""

import csv
import datetime as dt
import json
from dataclasses import dataclass, field

from dentelle.core import tabular
from dentelle.core.file_errors import (
    csv_error_message,
    has_lone_surrogate,
    has_nul,
    json_error_message,
    nul_error_message,
    surrogate_error_message,
)
from dentelle.core.numbers import NumberError, json_int, parse_number
from dentelle.core.parsing import DateError, iso_date
from dentelle.core.validators import clean_siret
from dentelle.siaes.kinds import ALL_KINDS
from dentelle.siaes.naf_cpv import compact_naf


class SourceFileError(Exception):
    """The file cannot be read at all (missing, wrong encoding, wrong headers): French message."""


@dataclass
class SiaeRecord:
    line: int
    siret: str
    kind: str
    name: str
    data_date: dt.date
    brand: str = ""
    naf: str = ""
    legal_form: str = ""
    address: str = ""
    postcode: str = ""
    city: str = ""
    insee_code: str = ""
    latitude: float | None = None
    longitude: float | None = None
    website: str = ""
    description: str = ""
    is_active: bool | None = None
    conventions: list = field(default_factory=list)  # [(kind, asp_id, department_code)]
    external_ids: dict = field(default_factory=dict)
    capacities: dict = field(default_factory=dict)  # metric → Decimal
    service_kinds: list = field(default_factory=list)  # ServiceKind values, when the source says
    create: bool = True  # False: only enrich existing structures (asp-ids)


KIND_ALIASES = {"EA_EATT": "EA", "ESAT": "ESAT"}


def read_csv(path, required, report=None):
    try:
        handle = open(path, encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise SourceFileError(f"Fichier introuvable : {path}") from None
    except OSError as exc:
        raise SourceFileError(f"Fichier illisible : {path} ({exc.strerror})") from None
    with handle:
        try:
            text = handle.read()
        except UnicodeDecodeError as exc:
            raise SourceFileError(
                f"{path} : encodage non reconnu (UTF-8 attendu), octet {exc.start}"
            ) from None
    if has_nul(text):
        raise SourceFileError(nul_error_message(path, text))
    reader = csv.DictReader(text.splitlines(), delimiter=tabular.sniff_delimiter(text))
    headers = [h.strip() for h in (reader.fieldnames or [])]
    missing = [col for col in required if col not in headers]
    if missing:
        raise SourceFileError(
            f"{path} : colonnes manquantes ligne 1 : {', '.join(missing)} (trouvées : {', '.join(headers) or 'aucune'})"
        )
    rows, line = iter(reader), 1
    while True:  # not a for loop: csv.Error (a quote never closed) is raised by next()
        line += 1
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error:
            raise SourceFileError(csv_error_message(path, line)) from None
        extra = row.pop(None, None)  # more cells than columns: DictReader files them under None
        if extra and any(cell.strip() for cell in extra):
            if report is not None:
                report.warning(
                    line, "", f"{len(extra)} cellule(s) en trop après la dernière colonne (ignorées)"
                )
        yield line, {(k or "").strip(): (v or "").strip() for k, v in row.items()}


def read_json(path):
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        if has_nul(text):
            raise SourceFileError(nul_error_message(path, text))
        payload = json.loads(text, parse_int=json_int)
    except FileNotFoundError:
        raise SourceFileError(f"Fichier introuvable : {path}") from None
    except UnicodeDecodeError:
        raise SourceFileError(f"{path} : encodage non reconnu (UTF-8 attendu)") from None
    except json.JSONDecodeError as exc:
        raise SourceFileError(
            json_error_message(path, exc, "Corrigez le fichier puis relancez l'import.")
        ) from None
    except RecursionError:
        raise SourceFileError(
            f"{path} : JSON trop profondément imbriqué (listes ou objets les uns dans les autres) : "
            "ce n'est pas un export du marché de l'inclusion."
        ) from None
    if has_lone_surrogate(payload):
        raise SourceFileError(surrogate_error_message(path))
    return payload


def parse_siret(report, line, value):
    try:
        return clean_siret(value)
    except ValueError as exc:
        report.error(line, "siret", str(exc))
        return None


def text(report, line, column, value):
    """A text field of a JSON record: numbers are taken as text; objects and lists are reported."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float)):
        return str(value) if abs(value) < 1e30 else ""
    report.warning(
        line, column, f"texte attendu, reçu {'un objet' if isinstance(value, dict) else 'une liste'} (ignoré)"
    )
    return ""


def parse_kind(report, line, value, column="type"):
    value = text(report, line, column, value)
    kind = KIND_ALIASES.get(value.upper(), value.upper())
    if kind not in ALL_KINDS:
        report.error(line, column, f"type de structure inconnu : {value!r}")
        return None
    return kind


def parse_float(report, line, column, value):
    if value in ("", None):
        return None
    if isinstance(value, (bool, dict, list)) or (isinstance(value, str) and len(value) > 40):
        report.warning(line, column, f"nombre illisible : {str(value)[:40]!r} (ignoré)")
        return None
    try:
        return float(str(value).replace(",", "."))
    except (ValueError, OverflowError):
        report.warning(line, column, f"nombre illisible : {value!r} (ignoré)")
        return None


def parse_coordinates(report, line, lat, lon):
    """Latitude and longitude as given; reported and dropped when impossible (or swapped)."""
    lat, lon = parse_float(report, line, "latitude", lat), parse_float(report, line, "longitude", lon)
    if lat is None or lon is None:
        return None, None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        report.warning(line, "latitude", f"coordonnées impossibles ({lat}, {lon}) : ignorées")
        return None, None
    return lat, lon


def parse_capacity(report, line, column, value, bound):
    """A capacity (places, staff, turnover) within ``bound``; reported and ignored when it is not."""
    try:
        return parse_number(value, bound)
    except NumberError as exc:
        report.warning(line, column, f"{exc.reason} Valeur ignorée.")
        return None


def parse_date(value, default, report=None, line=None, column="updated_at"):
    """The AAAA-MM-JJ date at the start of ``value``; ``default`` (reported) when it is impossible."""
    try:
        return iso_date(value) or default
    except DateError as exc:
        if report is not None:
            report.warning(line, column, f"{exc.reason} : date du fichier retenue")
        return default


def identity(report, line, row, kind_value, data_date):
    """Line, SIRET, kind, name and date of a CSV row, as SiaeRecord fields; None (reported) when the
    SIRET or the kind is invalid."""
    siret = parse_siret(report, line, row["siret"])
    kind = parse_kind(report, line, kind_value, "type_siae")
    if not siret or not kind:
        return None
    return {"line": line, "siret": siret, "kind": kind, "name": row["denomination"], "data_date": data_date}


def located(report, line, row, address, postcode_column, city_column):
    """Address, commune and coordinates of a CSV row, as SiaeRecord fields."""
    lat, lon = parse_coordinates(report, line, row.get("latitude"), row.get("longitude"))
    return {
        "address": address,
        "postcode": row[postcode_column],
        "city": row[city_column],
        "insee_code": row["code_insee"],
        "latitude": lat,
        "longitude": lon,
    }


def structure_rows(path, columns, report, data_date, kind_of, address_of, city_column):
    """(line, row, fields) of a CSV list of structures with their place (ASP, GEIQ): ``fields`` are the
    SiaeRecord fields of ``identity`` (kind read by ``kind_of(row)``) and of ``located`` (address built by
    ``address_of(row)``, city in ``city_column``); rows with an invalid SIRET or kind are reported, skipped."""
    for line, row in read_csv(path, columns, report):
        fields = identity(report, line, row, kind_of(row), data_date)
        if fields is None:
            continue
        fields.update(located(report, line, row, address_of(row), "code_postal", city_column))
        yield line, row, fields


def short_code(report, line, column, row, size):
    """A code of at most ``size`` characters (a department); a longer one is reported and dropped."""
    value = row.get(column, "")
    if len(value) > size:
        report.warning(line, column, f"code trop long : {value[:20]!r} ({size} caractères au plus, ignoré)")
        return ""
    return value


def naf_or_report(report, line, value):
    if not value:
        return ""
    naf = compact_naf(value)
    if not naf:
        report.warning(line, "naf", f"code NAF mal formé : {value!r} (ignoré)")
    return naf
