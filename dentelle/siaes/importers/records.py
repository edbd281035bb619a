"""Readers of the source formats: each turns a file into SiaeRecord objects, reporting bad rows.

A reader validates what it can alone (SIRET, kind, coordinates); communes are resolved later
against the referentials (upsert.py), because they need the database.
"""

import csv
import datetime as dt
import json
import re
from dataclasses import dataclass, field

from dentelle.core.file_errors import (
    csv_error_message,
    has_lone_surrogate,
    has_nul,
    json_error_message,
    nul_error_message,
    surrogate_error_message,
)
from dentelle.core.numbers import AMOUNT, COUNT, FTE, NumberError, json_int, parse_number
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
PRESTA_TYPES = {"PREST": "service_provision", "DISP": "staff_provision", "BUILD": "goods_production"}


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
    sample = text[:2000]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(text.splitlines(), delimiter=delimiter)
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
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", value) if isinstance(value, str) else None
    if not match:
        return default
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        if report is not None:
            report.warning(line, column, f"date impossible {match.group(0)!r} : date du fichier retenue")
        return default


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


# --- ASP list (July 2019) ---------------------------------------------------------------------
ASP_COLUMNS = ["siret", "denomination", "type_siae", "naf", "code_postal", "commune", "code_insee"]


def read_asp(path, report, data_date):
    for line, row in read_csv(path, ASP_COLUMNS, report):
        siret = parse_siret(report, line, row["siret"])
        kind = parse_kind(report, line, row["type_siae"], "type_siae")
        if not siret or not kind:
            continue
        lat, lon = parse_coordinates(report, line, row.get("latitude"), row.get("longitude"))
        address = " ".join(part for part in (row.get("adresse_num", ""), row.get("adresse_voie", "")) if part)
        yield SiaeRecord(
            line=line,
            siret=siret,
            kind=kind,
            name=row["denomination"],
            data_date=data_date,
            naf=naf_or_report(report, line, row["naf"]),
            legal_form=row.get("nature_juridique", ""),
            address=address,
            postcode=row["code_postal"],
            city=row["commune"],
            insee_code=row["code_insee"],
            latitude=lat,
            longitude=lon,
            conventions=[(kind, "", short_code(report, line, "code_departement_convention", row, 3))],
        )


# --- ASP identifiers (February 2020) ------------------------------------------------------------
def read_asp_ids(path, report, data_date):
    """One row per convention; FDI is a funding line, not a kind: reported and skipped.

    Creates nothing (no address in this file): it only adds conventions and ASP ids to the
    structures already known, and reports the SIRET it does not know.
    """
    for line, row in read_csv(path, ["asp_id", "siret", "denomination", "type_siae"], report):
        if row["type_siae"].upper() == "FDI":
            report.count("lignes FDI (financement, pas un type de structure) ignorées")
            continue
        siret = parse_siret(report, line, row["siret"])
        kind = parse_kind(report, line, row["type_siae"], "type_siae")
        if len(row["asp_id"]) > 20:
            report.error(
                line, "asp_id", f"identifiant ASP trop long ({len(row['asp_id'])} caractères, 20 au plus)"
            )
            continue
        if not siret or not kind:
            continue
        yield SiaeRecord(
            line=line,
            siret=siret,
            kind=kind,
            name=row["denomination"],
            data_date=data_date,
            conventions=[(kind, row["asp_id"], "")],
            external_ids={"asp": [row["asp_id"]]},
            create=False,
        )


# --- GEIQ list (November 2019) ----------------------------------------------------------------
def read_geiq(path, report, data_date):
    for line, row in read_csv(path, ["siret", "denomination", "code_postal", "ville", "code_insee"], report):
        siret = parse_siret(report, line, row["siret"])
        kind = parse_kind(report, line, row.get("type_siae") or "GEIQ", "type_siae")
        if not siret or not kind:
            continue
        lat, lon = parse_coordinates(report, line, row.get("latitude"), row.get("longitude"))
        address = ", ".join(p for p in (row.get("adresse", ""), row.get("complement_adresse", "")) if p)
        yield SiaeRecord(
            line=line,
            siret=siret,
            kind=kind,
            name=row["denomination"],
            data_date=data_date,
            naf=naf_or_report(report, line, row.get("naf", "")),
            address=address,
            postcode=row["code_postal"],
            city=row["ville"],
            insee_code=row["code_insee"],
            latitude=lat,
            longitude=lon,
        )


# --- ESAT (FINESS official list) --------------------------------------------------------------
def read_esat(path, report, data_date):
    columns = ["finess_et", "siret", "raison_sociale_et", "code_postal", "code_insee", "nom_commune"]
    for line, row in read_csv(path, columns, report):
        siret = parse_siret(report, line, row["siret"])
        if not siret:
            continue
        lat, lon = parse_coordinates(report, line, row.get("latitude"), row.get("longitude"))
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
            address=row.get("adresse", ""),
            postcode=row["code_postal"],
            city=row["nom_commune"],
            insee_code=row["code_insee"],
            latitude=lat,
            longitude=lon,
            external_ids={"finess": [row["finess_et"]]},
            capacities=capacities,
        )


# --- Le marché de l'inclusion: fixture export (JSON and CSV) ------------------------------------
NUMBER = r"(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)"
POINT_RE = re.compile(rf"POINT\s*\(\s*{NUMBER}\s+{NUMBER}\s*\)")  # 2.4e-05 occurs


def lemarche_record(report, line, data, default_date):
    def get_text(key):
        return text(report, line, key, data.get(key))

    siret = parse_siret(report, line, get_text("siret"))
    kind = parse_kind(report, line, data.get("kind"), "kind")
    if not siret or not kind:
        return None
    lat, lon = parse_coordinates(report, line, data.get("latitude"), data.get("longitude"))
    capacities = {}
    for source_key, metric, bound in (
        ("employees_insertion_count", "insertion_fte", FTE),
        ("employees_permanent_count", "permanent_fte", FTE),
        ("ca", "annual_turnover", AMOUNT),
    ):
        value = parse_capacity(report, line, source_key, data.get(source_key), bound)
        if value is not None:
            capacities[metric] = value
    presta = data.get("presta_type") or []
    if not isinstance(presta, list):
        report.warning(line, "presta_type", "liste de types de prestation attendue (ignorée)")
        presta = []
    service_kinds = [PRESTA_TYPES[p] for p in presta if isinstance(p, str) and p in PRESTA_TYPES]
    pk = text(report, line, "pk", data.get("pk"))
    return SiaeRecord(
        line=line,
        siret=siret,
        kind=kind,
        name=get_text("name"),
        brand=get_text("brand"),
        data_date=parse_date(data.get("updated_at"), default_date, report, line),
        naf=naf_or_report(report, line, get_text("naf")),
        legal_form=get_text("legal_form"),
        address=get_text("address"),
        postcode=get_text("post_code"),
        city=get_text("city"),
        latitude=lat,
        longitude=lon,
        website=get_text("website") or get_text("contact_website"),
        description=get_text("description"),
        is_active=data.get("is_active") if isinstance(data.get("is_active"), bool) else None,
        external_ids={"lemarche": [pk]} if pk else {},
        capacities=capacities,
        service_kinds=service_kinds,
    )


def read_lemarche_json(path, report, data_date):
    payload = read_json(path)
    if not isinstance(payload, list):
        raise SourceFileError(f"{path} : liste d'enregistrements attendue (export du marché de l'inclusion)")
    for index, item in enumerate(payload, start=1):
        fields = item.get("fields") if isinstance(item, dict) else None
        if not isinstance(fields, dict) or not fields:
            report.error(index, "fields", "enregistrement sans champs (objet « fields » attendu)")
            continue
        fields = dict(fields)
        coords = fields.get("coords")
        match = POINT_RE.search(coords) if isinstance(coords, str) else None
        if match:  # EWKT order is (longitude latitude)
            fields["longitude"], fields["latitude"] = match.group(1), match.group(2)
        fields["pk"] = item.get("pk")
        record = lemarche_record(report, index, fields, data_date)
        if record:
            yield record


def read_lemarche_csv(path, report, data_date):
    for line, row in read_csv(path, ["siret", "name", "kind", "post_code", "city"], report):
        row["pk"] = row.get("fixture_pk")
        record = lemarche_record(report, line, row, data_date)
        if record:
            yield record


def read_lemarche_api_payload(payload, report, data_date, path="API"):
    """Le marché's public API `/api/siae/` list: a page {count, next, results} or a list of pages."""
    is_pages = (
        isinstance(payload, list) and payload and isinstance(payload[0], dict) and "results" in payload[0]
    )
    pages = payload if is_pages else [payload]
    line = 0
    for page in pages:
        results = page.get("results") if isinstance(page, dict) else page
        if not isinstance(results, list):
            raise SourceFileError(f"{path} : réponse de l'API sans « results »")
        for item in results:
            line += 1
            if not isinstance(item, dict):
                report.error(line, "results", "structure attendue (objet JSON {…})")
                continue
            data = dict(item)
            data["pk"] = item.get("id")
            record = lemarche_record(report, line, data, data_date)
            if record:
                yield record


def read_lemarche_api(path, report, data_date):
    yield from read_lemarche_api_payload(read_json(path), report, data_date, path)
