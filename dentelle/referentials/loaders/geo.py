"""Territories loader: regions, departments, communes, EPCI and EPT.

Two layouts are read, detected by header:
- our shared files (`geo/regions.csv`, `departements.csv`, `communes.csv`, `epci.csv`, `ept.csv`),
  with postcodes, population, EPCI/EPT and coordinates;
- the official INSEE COG files (`v_region_2025.csv`, `v_departement_2025.csv`, `v_commune_2025.csv`),
  which only carry codes and names: loading them refreshes names and the commune → department →
  region chain and keeps the postcodes, populations, groupings and coordinates already loaded.
"""

import re
from pathlib import Path

from dentelle.referentials.loaders.base import (
    ReferenceFileError,
    checksum,
    delete_missing,
    file_report_error,
    file_report_warning,
    read_csv,
    read_header,
    upsert,
)
from dentelle.referentials.models import Commune, Department, Grouping, Region

INSEE_RE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
DEPT_RE = re.compile(r"^(\d{2}|2[AB]|\d{3})$")
SIREN_RE = re.compile(r"^\d{9}$")
COMMUNE_KINDS = {"COM", "COMD", "COMA", "ARM"}

SHARED = {
    "regions": ("regions.csv", ["code_region", "nom"]),
    "departments": ("departements.csv", ["code_departement", "nom", "code_region"]),
    "communes": ("communes.csv", ["code_insee", "nom", "type", "code_departement", "code_region"]),
}
COG = {
    "regions": ("v_region_*.csv", ["REG", "LIBELLE"]),
    "departments": ("v_departement_*.csv", ["DEP", "REG", "LIBELLE"]),
    "communes": ("v_commune_*.csv", ["TYPECOM", "COM", "REG", "DEP", "LIBELLE", "COMPARENT"]),
}
GROUPING_COLUMNS = ["code_siren", "nom", "type"]


def _layout(path):
    return "cog" if "LIBELLE" in read_header(path) else "shared"


def find_files(data_dir):
    """{'regions': Path, 'departments': Path, 'communes': Path, 'epci': Path?, 'ept': Path?}."""
    data_dir = Path(data_dir)
    folders = [data_dir / "geo", data_dir]
    files = {}
    for key in ("regions", "departments", "communes"):
        for folder in folders:
            shared = folder / SHARED[key][0]
            official = sorted(folder.glob(COG[key][0]))
            if shared.is_file() or official:
                files[key] = shared if shared.is_file() else official[-1]
                break
        else:
            raise ReferenceFileError(data_dir / "geo" / SHARED[key][0], "fichier introuvable")
    for key in ("epci", "ept"):
        for folder in folders:
            if (folder / f"{key}.csv").is_file():
                files[key] = folder / f"{key}.csv"
                break
    return files


def version(files):
    return f"COG · {files['communes'].name} · {checksum(files.values())}"


def _int_or_none(value, report, path, line, column):
    if not value:
        return None
    try:
        return int(float(value))
    except ValueError:
        file_report_error(report, path, line, column, f"nombre attendu ({value!r})")
        return None


def _float_or_none(value, report, path, line, column, low, high):
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        file_report_error(report, path, line, column, f"nombre décimal attendu ({value!r})")
        return None
    if not low <= number <= high:
        file_report_error(report, path, line, column, f"valeur hors limites ({value})")
    return number


def _regions(path, report):
    cog = _layout(path) == "cog"
    code_col, name_col = ("REG", "LIBELLE") if cog else ("code_region", "nom")
    regions = {}
    for line, row in read_csv(path, COG["regions"][1] if cog else SHARED["regions"][1]):
        code = row[code_col]
        if not code or not code.isdigit() or code in regions:
            reason = "code de région en double" if code in regions else f"code de région invalide ({code!r})"
            file_report_error(report, path, line, code_col, reason)
            continue
        if not row[name_col]:
            file_report_error(report, path, line, name_col, "nom manquant")
        regions[code] = {"name": row[name_col], "zone": row.get("zone", "")}
    return regions, cog


def _departments(path, report, regions):
    cog = _layout(path) == "cog"
    code_col, name_col, region_col = (
        ("DEP", "LIBELLE", "REG") if cog else ("code_departement", "nom", "code_region")
    )
    departments = {}
    for line, row in read_csv(path, COG["departments"][1] if cog else SHARED["departments"][1]):
        code = row[code_col]
        if not DEPT_RE.match(code) or code in departments:
            reason = (
                "code de département en double"
                if code in departments
                else f"code de département invalide ({code!r})"
            )
            file_report_error(report, path, line, code_col, reason)
            continue
        if row[region_col] not in regions:
            file_report_error(report, path, line, region_col, f"région inconnue ({row[region_col]!r})")
            continue
        departments[code] = {"name": row[name_col], "region": row[region_col], "zone": row.get("zone", "")}
    return departments, cog


def _groupings(path, kind, report):
    groupings = {}
    for line, row in read_csv(path, GROUPING_COLUMNS):
        siren = row["code_siren"]
        if not SIREN_RE.match(siren) or siren in groupings:
            file_report_error(report, path, line, "code_siren", f"SIREN invalide ou en double ({siren!r})")
            continue
        groupings[siren] = {
            "name": row["nom"],
            "kind": kind,
            "legal_type": row["type"][:10],
            "population": _int_or_none(
                row.get("population_totale", ""), report, path, line, "population_totale"
            ),
        }
    return groupings


def _communes(path, report, departments, groupings):
    cog = _layout(path) == "cog"
    spec = COG["communes"][1] if cog else SHARED["communes"][1]
    communes, aliases = {}, {}
    for line, row in read_csv(path, spec):
        if cog:
            code, name, kind = row["COM"], row["LIBELLE"], row["TYPECOM"]
            dept, region, parent = row["DEP"], row["REG"], row["COMPARENT"]
        else:
            code, name, kind = row["code_insee"], row["nom"], row["type"]
            dept, region, parent = row["code_departement"], row["code_region"], row.get("commune_parente", "")
        if not INSEE_RE.match(code):
            file_report_error(
                report, path, line, "COM" if cog else "code_insee", f"code INSEE invalide ({code!r})"
            )
            continue
        if kind not in COMMUNE_KINDS:
            file_report_error(
                report, path, line, "TYPECOM" if cog else "type", f"type de commune inconnu ({kind!r})"
            )
            continue
        if code in communes:
            # A commune déléguée often keeps the code of its commune nouvelle: keep its name as an alias.
            if communes[code]["kind"] == "COM" and kind != "COM":
                aliases.setdefault(code, []).append(name)
            else:
                file_report_error(report, path, line, "code_insee", f"code INSEE en double ({code})")
            continue
        item = {
            "name": name,
            "kind": kind,
            "department": dept,
            "region": region,
            "parent_code": parent,
            "line": line,
        }
        if not cog:
            item.update(
                postcodes=row.get("codes_postaux", "")[:200],
                population=_int_or_none(row.get("population", ""), report, path, line, "population"),
                epci=row.get("code_epci", "") or None,
                ept=row.get("code_ept", "") or None,
                latitude=_float_or_none(row.get("latitude", ""), report, path, line, "latitude", -90, 90),
                longitude=_float_or_none(
                    row.get("longitude", ""), report, path, line, "longitude", -180, 180
                ),
            )
        communes[code] = item
    for item in communes.values():
        parent = communes.get(item["parent_code"])
        if parent and not item["department"]:  # COG: déléguées and associées carry no DEP/REG
            item["department"], item["region"] = parent["department"], parent["region"]
        if parent and not cog:  # arrondissements and déléguées belong to their parent's groupings
            item["epci"] = item["epci"] or parent["epci"]
            item["ept"] = item["ept"] or parent["ept"]
        column = "DEP" if cog else "code_departement"
        if item["department"] not in departments:
            file_report_error(
                report, path, item["line"], column, f"département inconnu ({item['department']!r})"
            )
        elif departments[item["department"]]["region"] != item["region"]:
            file_report_error(
                report,
                path,
                item["line"],
                "code_region",
                f"région incohérente avec le département ({item['region']!r})",
            )
        for key in ("epci", "ept"):
            if item.get(key) and groupings is not None and item[key] not in groupings:
                file_report_warning(
                    report,
                    path,
                    item["line"],
                    f"code_{key}",
                    f"intercommunalité inconnue ({item[key]}), ignorée",
                )
                item[key] = None
    return communes, aliases, cog


def load(files, report):
    regions, regions_cog = _regions(files["regions"], report)
    departments, departments_cog = _departments(files["departments"], report, regions)
    groupings = None
    if "epci" in files or "ept" in files:
        groupings = {}
        for key, kind in (("epci", "EPCI"), ("ept", "EPT")):
            if key in files:
                groupings.update(_groupings(files[key], kind, report))
    communes, aliases, communes_cog = _communes(files["communes"], report, departments, groupings)
    if not report.ok:
        return

    region_fields = ["name"] if regions_cog else ["name", "zone"]
    report.count(
        "régions", upsert(Region, [Region(code=c, **v) for c, v in regions.items()], "code", region_fields)
    )
    department_objects = [
        Department(code=c, name=v["name"], region_id=v["region"], zone=v["zone"])
        for c, v in departments.items()
    ]
    fields = ["name", "region"] if departments_cog else ["name", "region", "zone"]
    report.count("départements", upsert(Department, department_objects, "code", fields))
    if groupings is not None:
        objects = [Grouping(siren=s, **v) for s, v in groupings.items()]
        report.count(
            "EPCI et EPT", upsert(Grouping, objects, "siren", ["name", "kind", "legal_type", "population"])
        )

    fields = ["name", "kind", "department", "region", "parent_code", "other_names"]
    if not communes_cog:
        fields += ["postcodes", "population", "epci", "ept", "latitude", "longitude"]
    objects = []
    for code, item in communes.items():
        item = dict(item)
        item.pop("line")
        dept, region, epci, ept = (
            item.pop("department"),
            item.pop("region"),
            item.pop("epci", None),
            item.pop("ept", None),
        )
        objects.append(
            Commune(
                insee_code=code,
                department_id=dept,
                region_id=region,
                epci_id=epci,
                ept_id=ept,
                other_names="|".join(aliases.get(code, []))[:500],
                **item,
            )
        )
    report.count("communes", upsert(Commune, objects, "insee_code", fields))
    delete_missing(Commune, communes.keys(), report, "communes")
    if groupings is not None:
        delete_missing(Grouping, groupings.keys(), report, "EPCI et EPT")
    delete_missing(Department, departments.keys(), report, "départements")
    delete_missing(Region, regions.keys(), report, "régions")
