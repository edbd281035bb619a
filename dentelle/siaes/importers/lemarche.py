"""Le marché de l'inclusion: its fixture export, as JSON (Django dumpdata) or CSV.

``lemarche_record`` turns one of its records into a SiaeRecord; the public API (lemarche_api.py)
uses it too.
"""

import re

from dentelle.core.numbers import AMOUNT, FTE
from dentelle.siaes.importers.records import (
    SiaeRecord,
    SourceFileError,
    naf_or_report,
    parse_capacity,
    parse_coordinates,
    parse_date,
    parse_kind,
    parse_siret,
    read_csv,
    read_json,
    text,
)

PRESTA_TYPES = {"PREST": "service_provision", "DISP": "staff_provision", "BUILD": "goods_production"}
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


def read_lemarche(path, report, data_date):
    """The export as it was saved: JSON (dumpdata) by its extension, CSV otherwise."""
    reader = read_lemarche_json if str(path).lower().endswith(".json") else read_lemarche_csv
    yield from reader(path, report, data_date)
