# pure: no database
"""Validation of the rules TOML files (pure: stdlib only): every problem is a ``RulesError`` in French
naming the file and the key."""

import tomllib
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from dentelle.rules.types import (
    FAMILY_PARAMS,
    FULFILMENT_MODES,
    METHODS,
    NATURES,
    TAGS,
    Ceiling,
    Param,
    RulesError,
    TradeFamily,
)


def fail(path, key, reason):
    raise RulesError(f"Fichier de règles {Path(path).name} : clé « {key} » : {reason}")


def _decimal(path, key, raw):
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        fail(path, key, f"nombre attendu, reçu {raw!r}")
    if value < 0:
        fail(path, key, "valeur négative interdite")
    return value


def _tag(path, key, raw):
    if raw not in TAGS:
        fail(path, key, f"étiquette {raw!r} inconnue (attendu : Law, Practice ou Verify)")
    return raw


def parse_param(path, key, raw):
    if not isinstance(raw, dict):
        fail(path, key, "table { value, source, tag } attendue")
    if not raw.get("source"):
        fail(path, key, "source manquante (chaque paramètre porte sa source)")
    value = _decimal(path, key, raw["value"]) if "value" in raw else None
    return Param(value=value, source=raw["source"], tag=_tag(path, f"{key}.tag", raw.get("tag", "Practice")))


def _date(path, key, raw, required=False):
    if raw is None and not required:
        return None
    if not isinstance(raw, date):
        fail(path, key, f"date AAAA-MM-JJ attendue, reçu {raw!r}")
    return raw


def read_toml(path):
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise RulesError(f"Fichier de règles introuvable : {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"Fichier de règles {Path(path).name} illisible : {exc}") from None


def parse_family(path, index, raw):
    key = f"family[{index}]"
    for required in ("id", "label", "cpv_prefixes", "method", "fit_for_siae", "tag"):
        if required not in raw:
            fail(path, f"{key}.{required}", "clé obligatoire absente")
    if raw["method"] not in METHODS:
        fail(
            path, f"{key}.method", f"méthode {raw['method']!r} inconnue (standard, cleaning ou billed_hours)"
        )
    prefixes = raw["cpv_prefixes"]
    if not prefixes or any(not (isinstance(p, str) and p.isdigit() and len(p) <= 8) for p in prefixes):
        fail(path, f"{key}.cpv_prefixes", "liste de préfixes CPV numériques (1 à 8 chiffres) attendue")
    modes = raw.get("fulfilment_modes", [])
    unknown = set(modes) - FULFILMENT_MODES
    if unknown:
        fail(
            path,
            f"{key}.fulfilment_modes",
            f"modalité(s) inconnue(s) : {', '.join(sorted(unknown))} "
            f"(attendu : {', '.join(sorted(FULFILMENT_MODES))})",
        )
    params = {}
    for name in FAMILY_PARAMS:
        if name not in raw:
            fail(path, f"{key}.{name}", "paramètre absent (laisser la valeur vide mais donner la source)")
        params[name] = parse_param(path, f"{key}.{name}", raw[name])
    if "turnover_per_labour_hour" in raw:
        params["turnover_per_labour_hour"] = parse_param(
            path, f"{key}.turnover_per_labour_hour", raw["turnover_per_labour_hour"]
        )
    if raw["method"] in ("cleaning", "billed_hours") and "turnover_per_labour_hour" not in params:
        fail(path, f"{key}.turnover_per_labour_hour", f"obligatoire pour la méthode {raw['method']}")
    share = params["labour_share"].value
    if share is not None and share > 1:
        fail(path, f"{key}.labour_share", "part comprise entre 0 et 1 attendue")
    rate = params["insertion_rate"].value
    if rate is not None and rate > 1:
        fail(path, f"{key}.insertion_rate", "taux compris entre 0 et 1 attendu")
    return TradeFamily(
        id=raw["id"],
        label=raw["label"],
        cpv_prefixes=tuple(prefixes),
        keywords=tuple(k.lower() for k in raw.get("keywords", [])),
        method=raw["method"],
        fit_for_siae=bool(raw["fit_for_siae"]),
        fit_source=raw.get("fit_source", ""),
        fulfilment_modes=tuple(modes),
        tag=_tag(path, f"{key}.tag", raw["tag"]),
        valid_from=_date(path, f"{key}.valid_from", raw.get("valid_from")),
        valid_to=_date(path, f"{key}.valid_to", raw.get("valid_to")),
        params=params,
        new_sector=bool(raw.get("new_sector", False)),
        support_jobs=tuple(raw.get("support_jobs", [])),
    )


def dated_rows(path, name, rows, amount_keys):
    out = []
    for index, raw in enumerate(rows):
        key = f"{name}[{index}]"
        if not raw.get("source"):
            fail(path, f"{key}.source", "source manquante")
        row = dict(raw)
        row["valid_from"] = _date(path, f"{key}.valid_from", raw.get("valid_from") or raw.get("applies_from"))
        row["valid_to"] = _date(path, f"{key}.valid_to", raw.get("valid_to"))
        for amount_key in amount_keys:
            if amount_key not in raw:
                fail(path, f"{key}.{amount_key}", "clé obligatoire absente")
            row[amount_key] = _decimal(path, f"{key}.{amount_key}", raw[amount_key])
        _tag(path, f"{key}.tag", raw.get("tag", "Law"))
        out.append(row)
    return tuple(out)


def plausibility_ceilings(path):
    """Ceilings by nature; the file is optional (no file: no ceiling), but validated when present."""
    if not path.exists():
        return {}, ""
    raw = read_toml(path)
    if "version" not in raw:
        fail(path, "version", "clé obligatoire absente")
    ceilings = {}
    for nature, table in raw.get("ceiling", {}).items():
        key = f"ceiling.{nature}"
        if nature not in NATURES:
            fail(path, key, f"nature {nature!r} inconnue (works, services ou supplies)")
        if not isinstance(table, dict) or not table.get("rationale"):
            fail(path, f"{key}.rationale", "motif en français obligatoire (il est montré à l'acheteur)")
        param = parse_param(path, key, table)
        if param.value is None or param.value <= 0:
            fail(path, f"{key}.value", "plafond d'heures positif attendu")
        ceilings[nature] = Ceiling(param, table["rationale"])
    return ceilings, str(raw["version"])
