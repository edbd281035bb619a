# pure: no database
"""Load the rules TOML files into a validated ``Rules`` (pure: stdlib only).

The values live in ``types``, the checks in ``validation``, the questions asked of a loaded set
(family of a CPV code, organisation overrides) in ``lookups``.
"""

from functools import lru_cache
from pathlib import Path

from dentelle.rules.types import ROUNDINGS, Rules, with_cpv_index
from dentelle.rules.validation import (
    dated_rows,
    fail,
    parse_family,
    parse_param,
    plausibility_ceilings,
    read_toml,
)

DATA_DIR = Path(__file__).parent / "data"


def load_rules(data_dir=None):
    """Read and validate both files; raise ``RulesError`` with a French message on any problem."""
    data_dir = Path(data_dir or DATA_DIR)
    fam_path = data_dir / "trade_families.toml"
    thr_path = data_dir / "thresholds.toml"
    fam_raw = read_toml(fam_path)
    thr_raw = read_toml(thr_path)
    if "version" not in fam_raw:
        fail(fam_path, "version", "clé obligatoire absente")
    if "version" not in thr_raw:
        fail(thr_path, "version", "clé obligatoire absente")
    families = tuple(parse_family(fam_path, i, raw) for i, raw in enumerate(fam_raw.get("family", [])))
    ids = [f.id for f in families]
    if len(ids) != len(set(ids)):
        fail(fam_path, "family.id", "identifiant de famille en double")
    estimator = fam_raw.get("estimator", {})
    rounding = estimator.get("rounding", "half_up")
    if rounding not in ROUNDINGS:
        fail(fam_path, "estimator.rounding", f"règle {rounding!r} inconnue (half_up, down, up)")
    screening = {
        k: parse_param(thr_path, f"screening.{k}", v) for k, v in thr_raw.get("screening", {}).items()
    }
    plausibility, plausibility_version = plausibility_ceilings(data_dir / "plausibility.toml")
    rules = Rules(
        families_version=str(fam_raw["version"]),
        thresholds_version=str(thr_raw["version"]),
        families=families,
        rounding=rounding,
        rounding_note=estimator.get("rounding_note", ""),
        rounding_source=estimator.get("rounding_source", ""),
        eu_thresholds=dated_rows(thr_path, "eu_threshold", thr_raw.get("eu_threshold", []), ["amount"]),
        dispenses=dated_rows(thr_path, "dispense", thr_raw.get("dispense", []), ["amount"]),
        small_lots=dated_rows(
            thr_path,
            "small_lots",
            thr_raw.get("small_lots", []),
            ["supplies_services_below", "works_below", "max_share"],
        ),
        obligations=dated_rows(
            thr_path, "social_condition_obligation", thr_raw.get("social_condition_obligation", []), []
        ),
        reservation_shares=dated_rows(
            thr_path, "reservation_share", thr_raw.get("reservation_share", []), ["min_share"]
        ),
        screening=screening,
        plausibility=plausibility,
        plausibility_version=plausibility_version,
    )
    return with_cpv_index(rules)


@lru_cache(maxsize=1)
def default_rules():
    """The file rules, loaded once per process."""
    return load_rules()
