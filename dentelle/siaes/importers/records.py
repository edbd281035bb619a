"""Readers of the source formats: each turns a file into SiaeRecord objects, reporting bad rows.

A reader validates what it can alone (SIRET, kind, coordinates); communes are resolved later
against the referentials (upsert.py), because they need the database.
"""

import csv
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from dentelle.core.file_errors import csv_error_message, json_error_message
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


def read_csv(path, required):
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
        yield line, {(k or "").strip(): (v or "").strip() for k, v in row.items()}


def read_json(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        raise SourceFileError(f"Fichier introuvable : {path}") from None
    except UnicodeDecodeError:
        raise SourceFileError(f"{path} : encodage non reconnu (UTF-8 attendu)") from None
    except json.JSONDecodeError as exc:
        raise SourceFileError(
            json_error_message(path, exc, "Corrigez le fichier puis relancez l'import.")
        ) from None


def parse_siret(report, line, value):
    try:
        return clean_siret(value)
    except ValueError as exc:
        report.error(line, "siret", str(exc))
        return None


def parse_kind(report, line, value, column="type"):
    kind = KIND_ALIASES.get(value.strip().upper(), value.strip().upper())
    if kind not in ALL_KINDS:
        report.error(line, column, f"type de structure inconnu : {value!r}")
        return None
    return kind


def parse_float(report, line, column, value):
    if value in ("", None):
        return None
    try:
        return float(str(value).replace(",", "."))
    except ValueError:
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


def parse_decimal(value):
    try:
        number = Decimal(str(value).replace(",", ".").replace(" ", ""))
    except (InvalidOperation, ValueError):
        return None
    return number if number >= 0 else None


def parse_date(value, default):
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", str(value or ""))
    return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3))) if match else default


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
    for line, row in read_csv(path, ASP_COLUMNS):
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
            conventions=[(kind, "", row.get("code_departement_convention", ""))],
        )


# --- ASP identifiers (February 2020) ------------------------------------------------------------
def read_asp_ids(path, report, data_date):
    """One row per convention; FDI is a funding line, not a kind: reported and skipped.

    Creates nothing (no address in this file): it only adds conventions and ASP ids to the
    structures already known, and reports the SIRET it does not know.
    """
    for line, row in read_csv(path, ["asp_id", "siret", "denomination", "type_siae"]):
        if row["type_siae"].upper() == "FDI":
            report.count("lignes FDI (financement, pas un type de structure) ignorées")
            continue
        siret = parse_siret(report, line, row["siret"])
        kind = parse_kind(report, line, row["type_siae"], "type_siae")
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
    for line, row in read_csv(path, ["siret", "denomination", "code_postal", "ville", "code_insee"]):
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
    for line, row in read_csv(path, columns):
        siret = parse_siret(report, line, row["siret"])
        if not siret:
            continue
        lat, lon = parse_coordinates(report, line, row.get("latitude"), row.get("longitude"))
        capacities = {}
        places = parse_decimal(row.get("capacite_autorisee", ""))
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
    siret = parse_siret(report, line, data.get("siret", ""))
    kind = parse_kind(report, line, data.get("kind") or "", "kind")
    if not siret or not kind:
        return None
    lat, lon = parse_coordinates(report, line, data.get("latitude"), data.get("longitude"))
    capacities = {}
    for source_key, metric in (
        ("employees_insertion_count", "insertion_fte"),
        ("employees_permanent_count", "permanent_fte"),
        ("ca", "annual_turnover"),
    ):
        value = parse_decimal(data.get(source_key)) if data.get(source_key) not in (None, "") else None
        if value is not None:
            capacities[metric] = value
    service_kinds = [PRESTA_TYPES[p] for p in data.get("presta_type") or [] if p in PRESTA_TYPES]
    return SiaeRecord(
        line=line,
        siret=siret,
        kind=kind,
        name=data.get("name") or "",
        brand=data.get("brand") or "",
        data_date=parse_date(data.get("updated_at"), default_date),
        naf=naf_or_report(report, line, data.get("naf") or ""),
        legal_form=data.get("legal_form") or "",
        address=data.get("address") or "",
        postcode=data.get("post_code") or "",
        city=data.get("city") or "",
        latitude=lat,
        longitude=lon,
        website=data.get("website") or data.get("contact_website") or "",
        description=data.get("description") or "",
        is_active=data.get("is_active") if isinstance(data.get("is_active"), bool) else None,
        external_ids={"lemarche": [str(data["pk"])]} if data.get("pk") else {},
        capacities=capacities,
        service_kinds=service_kinds,
    )


def read_lemarche_json(path, report, data_date):
    payload = read_json(path)
    if not isinstance(payload, list):
        raise SourceFileError(f"{path} : liste d'enregistrements attendue (export du marché de l'inclusion)")
    for index, item in enumerate(payload, start=1):
        fields = dict(item.get("fields") or {}) if isinstance(item, dict) else {}
        if not fields:
            report.error(index, "fields", "enregistrement sans champs")
            continue
        match = POINT_RE.search(fields.get("coords") or "")
        if match:  # EWKT order is (longitude latitude)
            fields["longitude"], fields["latitude"] = match.group(1), match.group(2)
        fields["pk"] = item.get("pk")
        record = lemarche_record(report, index, fields, data_date)
        if record:
            yield record


def read_lemarche_csv(path, report, data_date):
    for line, row in read_csv(path, ["siret", "name", "kind", "post_code", "city"]):
        row["pk"] = row.get("fixture_pk")
        record = lemarche_record(report, line, row, data_date)
        if record:
            yield record


def read_lemarche_api_payload(payload, report, data_date, path="API"):
    """Le marché's public API `/api/siae/` list: a page {count, next, results} or a list of pages."""
    pages = payload if isinstance(payload, list) and payload and "results" in payload[0] else [payload]
    line = 0
    for page in pages:
        results = page.get("results") if isinstance(page, dict) else page
        if not isinstance(results, list):
            raise SourceFileError(f"{path} : réponse de l'API sans « results »")
        for item in results:
            line += 1
            data = dict(item)
            data["pk"] = item.get("id")
            record = lemarche_record(report, line, data, data_date)
            if record:
                yield record


def read_lemarche_api(path, report, data_date):
    yield from read_lemarche_api_payload(read_json(path), report, data_date, path)
