"""Load and validate the rules TOML files (pure: stdlib only).

Every parameter is a ``Param`` carrying its value (``Decimal`` or ``None`` when unknown), its source
and its tag (Law / Practice / Verify). A missing value is never replaced by a neighbour's: callers
get ``None`` and a French warning to show (domain.md §4.3).
"""

import tomllib
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from dentelle.referentials.text import fold

DATA_DIR = Path(__file__).parent / "data"
TAGS = {"Law", "Practice", "Verify"}
METHODS = {"standard", "cleaning", "billed_hours"}
FULFILMENT_MODES = {"direct_hire", "staff_provision", "subcontracting", "co_contracting", "training"}
FAMILY_PARAMS = ("labour_share", "insertion_rate", "loaded_hourly_cost", "floor_hours")
ROUNDINGS = {"half_up", "down", "up"}


class RulesError(ValueError):
    """A rules file is invalid; the message names the file and the key, in French."""


@dataclass(frozen=True)
class Param:
    value: Decimal | None
    source: str
    tag: str = "Practice"
    overridden_by: str = ""

    @property
    def missing(self):
        return self.value is None


@dataclass(frozen=True)
class Ceiling:
    """A plausibility ceiling on proposed insertion hours (plausibility.toml): the hours, their source,
    and the French reason shown when a volume is capped."""

    hours: Param
    rationale: str


NATURES = {"works", "services", "supplies"}


@dataclass(frozen=True, eq=False)
class TradeFamily:
    id: str
    label: str
    cpv_prefixes: tuple[str, ...]
    keywords: tuple[str, ...]
    method: str
    fit_for_siae: bool
    fit_source: str
    fulfilment_modes: tuple[str, ...]
    tag: str
    valid_from: date | None
    valid_to: date | None
    params: dict[str, Param]
    new_sector: bool = False
    support_jobs: tuple[str, ...] = ()

    def param(self, name):
        return self.params[name]

    def missing_warnings(self):
        return [
            f"Famille « {self.label} » : {PARAM_LABELS[name]} inconnu(e) ({p.source})."
            for name, p in self.params.items()
            if p.missing and name != "floor_hours"
        ]


PARAM_LABELS = {
    "labour_share": "part de main-d'œuvre",
    "insertion_rate": "taux d'insertion",
    "loaded_hourly_cost": "coût horaire chargé",
    "floor_hours": "plancher d'heures",
    "turnover_per_labour_hour": "chiffre d'affaires par heure travaillée (C)",
    "amount": "montant HT",
    "duration_months": "durée en mois",
}


@dataclass(frozen=True, eq=False)
class Rules:
    families_version: str
    thresholds_version: str
    families: tuple[TradeFamily, ...]
    rounding: str
    rounding_note: str
    rounding_source: str
    eu_thresholds: tuple[dict, ...]
    dispenses: tuple[dict, ...]
    small_lots: tuple[dict, ...]
    obligations: tuple[dict, ...]
    reservation_shares: tuple[dict, ...]
    screening: dict[str, Param]
    plausibility: dict = field(default_factory=dict)  # nature → Ceiling (plausibility.toml)
    plausibility_version: str = ""
    _prefix_index: dict = field(default_factory=dict, compare=False, repr=False)
    _family_by_cpv: dict = field(default_factory=dict, compare=False, repr=False)  # memo of family_for_cpv

    @property
    def versions(self):
        versions = {"trade_families": self.families_version, "thresholds": self.thresholds_version}
        if self.plausibility_version:
            versions["plausibility"] = self.plausibility_version
        return versions

    def family(self, family_id):
        for family in self.families:
            if family.id == family_id:
                return family
        return None


def _fail(path, key, reason):
    raise RulesError(f"Fichier de règles {Path(path).name} : clé « {key} » : {reason}")


def _decimal(path, key, raw):
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        _fail(path, key, f"nombre attendu, reçu {raw!r}")
    if value < 0:
        _fail(path, key, "valeur négative interdite")
    return value


def _tag(path, key, raw):
    if raw not in TAGS:
        _fail(path, key, f"étiquette {raw!r} inconnue (attendu : Law, Practice ou Verify)")
    return raw


def _param(path, key, raw):
    if not isinstance(raw, dict):
        _fail(path, key, "table { value, source, tag } attendue")
    if not raw.get("source"):
        _fail(path, key, "source manquante (chaque paramètre porte sa source)")
    value = _decimal(path, key, raw["value"]) if "value" in raw else None
    return Param(value=value, source=raw["source"], tag=_tag(path, f"{key}.tag", raw.get("tag", "Practice")))


def _date(path, key, raw, required=False):
    if raw is None and not required:
        return None
    if not isinstance(raw, date):
        _fail(path, key, f"date AAAA-MM-JJ attendue, reçu {raw!r}")
    return raw


def _read(path):
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise RulesError(f"Fichier de règles introuvable : {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"Fichier de règles {Path(path).name} illisible : {exc}") from None


def _family(path, index, raw):
    key = f"family[{index}]"
    for required in ("id", "label", "cpv_prefixes", "method", "fit_for_siae", "tag"):
        if required not in raw:
            _fail(path, f"{key}.{required}", "clé obligatoire absente")
    if raw["method"] not in METHODS:
        _fail(
            path, f"{key}.method", f"méthode {raw['method']!r} inconnue (standard, cleaning ou billed_hours)"
        )
    prefixes = raw["cpv_prefixes"]
    if not prefixes or any(not (isinstance(p, str) and p.isdigit() and len(p) <= 8) for p in prefixes):
        _fail(path, f"{key}.cpv_prefixes", "liste de préfixes CPV numériques (1 à 8 chiffres) attendue")
    modes = raw.get("fulfilment_modes", [])
    unknown = set(modes) - FULFILMENT_MODES
    if unknown:
        _fail(path, f"{key}.fulfilment_modes", f"modalité(s) inconnue(s) : {', '.join(sorted(unknown))}")
    params = {}
    for name in FAMILY_PARAMS:
        if name not in raw:
            _fail(path, f"{key}.{name}", "paramètre absent (laisser la valeur vide mais donner la source)")
        params[name] = _param(path, f"{key}.{name}", raw[name])
    if "turnover_per_labour_hour" in raw:
        params["turnover_per_labour_hour"] = _param(
            path, f"{key}.turnover_per_labour_hour", raw["turnover_per_labour_hour"]
        )
    if raw["method"] in ("cleaning", "billed_hours") and "turnover_per_labour_hour" not in params:
        _fail(path, f"{key}.turnover_per_labour_hour", f"obligatoire pour la méthode {raw['method']}")
    share = params["labour_share"].value
    if share is not None and share > 1:
        _fail(path, f"{key}.labour_share", "part comprise entre 0 et 1 attendue")
    rate = params["insertion_rate"].value
    if rate is not None and rate > 1:
        _fail(path, f"{key}.insertion_rate", "taux compris entre 0 et 1 attendu")
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


def _dated_rows(path, name, rows, amount_keys):
    out = []
    for index, raw in enumerate(rows):
        key = f"{name}[{index}]"
        if not raw.get("source"):
            _fail(path, f"{key}.source", "source manquante")
        row = dict(raw)
        row["valid_from"] = _date(path, f"{key}.valid_from", raw.get("valid_from") or raw.get("applies_from"))
        row["valid_to"] = _date(path, f"{key}.valid_to", raw.get("valid_to"))
        for amount_key in amount_keys:
            if amount_key not in raw:
                _fail(path, f"{key}.{amount_key}", "clé obligatoire absente")
            row[amount_key] = _decimal(path, f"{key}.{amount_key}", raw[amount_key])
        _tag(path, f"{key}.tag", raw.get("tag", "Law"))
        out.append(row)
    return tuple(out)


def load_rules(data_dir=None):
    """Read and validate both files; raise ``RulesError`` with a French message on any problem."""
    data_dir = Path(data_dir or DATA_DIR)
    fam_path = data_dir / "trade_families.toml"
    thr_path = data_dir / "thresholds.toml"
    fam_raw = _read(fam_path)
    thr_raw = _read(thr_path)
    if "version" not in fam_raw:
        _fail(fam_path, "version", "clé obligatoire absente")
    if "version" not in thr_raw:
        _fail(thr_path, "version", "clé obligatoire absente")
    families = tuple(_family(fam_path, i, raw) for i, raw in enumerate(fam_raw.get("family", [])))
    ids = [f.id for f in families]
    if len(ids) != len(set(ids)):
        _fail(fam_path, "family.id", "identifiant de famille en double")
    estimator = fam_raw.get("estimator", {})
    rounding = estimator.get("rounding", "half_up")
    if rounding not in ROUNDINGS:
        _fail(fam_path, "estimator.rounding", f"règle {rounding!r} inconnue (half_up, down, up)")
    screening = {k: _param(thr_path, f"screening.{k}", v) for k, v in thr_raw.get("screening", {}).items()}
    plausibility, plausibility_version = _plausibility(data_dir / "plausibility.toml")
    rules = Rules(
        families_version=str(fam_raw["version"]),
        thresholds_version=str(thr_raw["version"]),
        families=families,
        rounding=rounding,
        rounding_note=estimator.get("rounding_note", ""),
        rounding_source=estimator.get("rounding_source", ""),
        eu_thresholds=_dated_rows(thr_path, "eu_threshold", thr_raw.get("eu_threshold", []), ["amount"]),
        dispenses=_dated_rows(thr_path, "dispense", thr_raw.get("dispense", []), ["amount"]),
        small_lots=_dated_rows(
            thr_path,
            "small_lots",
            thr_raw.get("small_lots", []),
            ["supplies_services_below", "works_below", "max_share"],
        ),
        obligations=_dated_rows(
            thr_path, "social_condition_obligation", thr_raw.get("social_condition_obligation", []), []
        ),
        reservation_shares=_dated_rows(
            thr_path, "reservation_share", thr_raw.get("reservation_share", []), ["min_share"]
        ),
        screening=screening,
        plausibility=plausibility,
        plausibility_version=plausibility_version,
    )
    return _indexed(rules)


def _plausibility(path):
    """Ceilings by nature; the file is optional (no file: no ceiling), but validated when present."""
    if not path.exists():
        return {}, ""
    raw = _read(path)
    if "version" not in raw:
        _fail(path, "version", "clé obligatoire absente")
    ceilings = {}
    for nature, table in raw.get("ceiling", {}).items():
        key = f"ceiling.{nature}"
        if nature not in NATURES:
            _fail(path, key, f"nature {nature!r} inconnue (works, services ou supplies)")
        if not isinstance(table, dict) or not table.get("rationale"):
            _fail(path, f"{key}.rationale", "motif en français obligatoire (il est montré à l'acheteur)")
        param = _param(path, key, table)
        if param.value is None or param.value <= 0:
            _fail(path, f"{key}.value", "plafond d'heures positif attendu")
        ceilings[nature] = Ceiling(param, table["rationale"])
    return ceilings, str(raw["version"])


def _indexed(rules):
    index = {}
    for family in rules.families:
        for prefix in family.cpv_prefixes:
            index.setdefault(prefix, family)
    rules._prefix_index.clear()
    rules._prefix_index.update(index)
    rules._family_by_cpv.clear()
    return rules


@lru_cache(maxsize=1)
def default_rules():
    """The file rules, loaded once per process."""
    return load_rules()


def family_for_cpv(cpv, rules=None):
    """The trade family whose CPV prefix is the longest match of ``cpv``, or None."""
    rules = rules or default_rules()
    memo = rules._family_by_cpv
    try:
        return memo[cpv]
    except KeyError:
        pass
    code = (cpv or "").replace("-", "")[:8]
    index = rules._prefix_index
    found = None
    for length in range(len(code), 0, -1):
        found = index.get(code[:length])
        if found is not None:
            break
    # A plan repeats few CPV codes: resolve each once per rules object.
    if len(memo) < 100_000:
        memo[cpv] = found
    return found


def families_for_text(text, rules=None):
    """Families whose keywords appear in ``text``, best (most keyword hits) first. Both sides are folded
    (case, accents, œ): « MACONNERIE » and « maçonnerie » meet."""
    rules = rules or default_rules()
    folded = fold(text or "")
    scored = []
    for family in rules.families:
        hits = sum(1 for keyword in family.keywords if fold(keyword) in folded)
        if hits:
            scored.append((hits, family))
    scored.sort(key=lambda pair: -pair[0])
    return [(family, hits) for hits, family in scored]


def apply_overrides(rules, overrides):
    """Return a copy of ``rules`` with organisation overrides applied.

    ``overrides``: iterable of ``(path, value, source, label[, tag])`` where path is
    ``family.<id>.<param>`` or ``screening.<param>``; ``value`` a number as text or None to unset.
    """
    families = {f.id: f for f in rules.families}
    screening = dict(rules.screening)
    plausibility = dict(rules.plausibility)
    for path, value, source, label, *tag in overrides:
        parts = path.split(".")
        decimal_value = None if value in (None, "") else Decimal(str(value))
        param = Param(
            value=decimal_value, source=source, tag=tag[0] if tag else "Practice", overridden_by=label
        )
        if len(parts) == 3 and parts[0] == "family" and parts[1] in families:
            family = families[parts[1]]
            families[parts[1]] = replace(family, params={**family.params, parts[2]: param})
        elif len(parts) == 2 and parts[0] == "screening":
            screening[parts[1]] = param
        elif len(parts) == 2 and parts[0] == "plausibility" and parts[1] in NATURES:
            current = plausibility.get(parts[1])
            rationale = current.rationale if current else f"plafond fixé par l'organisation ({source})"
            plausibility[parts[1]] = Ceiling(param, rationale)
        else:
            raise RulesError(f"Surcharge : chemin de paramètre inconnu « {path} »")
    new = replace(
        rules,
        families=tuple(families[f.id] for f in rules.families),
        screening=screening,
        plausibility=plausibility,
        _prefix_index={},
        _family_by_cpv={},
    )
    return _indexed(new)


def overridable_paths(rules=None):
    rules = rules or default_rules()
    paths = [f"family.{f.id}.{name}" for f in rules.families for name in f.params]
    paths += [f"screening.{name}" for name in rules.screening]
    paths += [f"plausibility.{nature}" for nature in sorted(NATURES)]
    return paths
