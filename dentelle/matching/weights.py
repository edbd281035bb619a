# pure: no database
"""Loader of the matching weights (`dentelle/rules/data/matching_weights.toml`), validated on load.

Pure: stdlib only. The file is documented line by line; this module only checks its shape and sums.
"""

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

WEIGHTS_PATH = Path(__file__).resolve().parent.parent / "rules" / "data" / "matching_weights.toml"
CRITERIA = ("competence", "territory", "capacity", "kind")
MODES = ("staff_provision", "services", "works", "supplies")


class WeightsError(ValueError):
    pass


@dataclass(frozen=True)
class MatchingWeights:
    version: str
    source: str
    criteria: dict  # criterion → weight (sums to 1)
    floor: float
    competence: dict
    origin_weights: dict
    territory: dict
    capacity: dict
    kind_fit: dict  # mode → {kind: fit}
    staff_provision_cpv: tuple
    staff_provision_keywords: tuple
    able_min_score: float
    kind_typical_turnover: dict  # kind → typical annual turnover (€), for the lot-level size warning
    wide_place_kinds: tuple = ("region", "national")
    network: dict = field(default_factory=lambda: {"cap": 10.0, "exponent": 0.0})
    size: dict = field(default_factory=lambda: {"cap": 60.0, "exponent": 0.0, "unknown_share": 0.5})
    purpose: dict = field(default_factory=dict)  # insertion / disability keywords, kinds and factors
    raw: dict = field(repr=False, default_factory=dict)


def _number(table, key, where, low=0.0, high=None):
    value = table.get(key)
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise WeightsError(f"{where}.{key} : nombre attendu, trouvé {value!r}")
    if value < low or (high is not None and value > high):
        raise WeightsError(f"{where}.{key} = {value} hors de l'intervalle [{low}, {high}]")
    return float(value)


def parse_weights(data):
    """Validate a parsed TOML document and return `MatchingWeights` (raises WeightsError in French)."""
    try:
        w = data["weights"]
        # Exponents of a log-linear score: positive, not necessarily summing to 1.
        criteria = {name: _number(w, name, "weights", 0, 5) for name in CRITERIA}
        if not any(criteria.values()):
            raise WeightsError("Tous les exposants des critères sont nuls : aucun classement possible.")
        comp = data["competence"]
        competence = {
            key: _number(comp, key, "competence")
            for key in (
                "cpv_share",
                "text_share",
                "text_saturation",
                "name_text_factor",
                "text_alone_factor",
                "additional_code_factor",
                "ancestor_decay",
                "descendant_decay",
                "cousin_decay",
                "min_common_digits",
            )
        }
        competence["floor"] = _number(comp, "floor", "competence", 0.001, 1)
        if abs(competence["cpv_share"] + competence["text_share"] - 1.0) > 1e-6:
            raise WeightsError("competence.cpv_share + competence.text_share doit valoir 1.")
        origins = {
            k: _number(comp["origin_weights"], k, "competence.origin_weights", 0, 1)
            for k in comp["origin_weights"]
        }
        wide = data["territory"].get("wide_kinds", ["region", "national"])
        if not isinstance(wide, list) or not all(isinstance(k, str) for k in wide):
            raise WeightsError("territory.wide_kinds : liste de types de lieux attendue.")
        territory = {
            k: _number(data["territory"], k, "territory") for k in data["territory"] if k != "wide_kinds"
        }
        for key in ("distance_scale_km", "outside_factor", "unknown", "default_radius_km"):
            _number(data["territory"], key, "territory")
        network = {k: _number(data["network"], k, "network") for k in ("cap", "exponent")}
        size = {k: _number(data["size"], k, "size") for k in ("cap", "exponent", "unknown_share")}
        purpose = _purpose(data["purpose"])
        capacity = {k: _number(data["capacity"], k, "capacity") for k in data["capacity"]}
        typical = data["kind_typical_turnover"]
        kind_typical_turnover = {k: _number(typical, k, "kind_typical_turnover", 1) for k in typical}
        kind_fit = {}
        for mode in MODES:
            table = data["kind"][mode]
            kind_fit[mode] = {k: _number(table, k, f"kind.{mode}", 0, 1) for k in table}
        staff = data["staff_provision"]
        return MatchingWeights(
            version=str(data.get("version", "")),
            source=str(data.get("source", "")),
            criteria=criteria,
            floor=_number(w, "floor", "weights", 0.0001, 0.5),
            competence=competence,
            origin_weights=origins,
            territory=territory,
            capacity=capacity,
            kind_fit=kind_fit,
            staff_provision_cpv=tuple(str(p) for p in staff["cpv_prefixes"]),
            staff_provision_keywords=tuple(str(p) for p in staff["keywords"]),
            able_min_score=_number(data["able"], "min_score", "able", 0, 1),
            kind_typical_turnover=kind_typical_turnover,
            wide_place_kinds=tuple(wide),
            network=network,
            size=size,
            purpose=purpose,
            raw=data,
        )
    except KeyError as missing:
        raise WeightsError(
            f"Section ou clé manquante dans les poids de mise en relation : {missing}"
        ) from None


def _purpose(table):
    """Keyword lists (folded, without accents), the kinds they call for and the factor for the others."""
    purpose = {}
    for name in ("insertion", "disability"):
        words, kinds = table.get(f"{name}_keywords"), table.get(f"{name}_kinds")
        if not isinstance(words, list) or not isinstance(kinds, list):
            raise WeightsError(f"purpose.{name}_keywords et purpose.{name}_kinds : listes attendues.")
        purpose[name] = (
            tuple(str(w) for w in words),
            frozenset(str(k) for k in kinds),
            _number(table, f"{name}_other_factor", "purpose", 0.001, 1),
        )
    return purpose


@lru_cache(maxsize=4)
def load_weights(path=WEIGHTS_PATH):
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise WeightsError(f"Impossible de lire {path} : {error}") from None
    return parse_weights(data)
