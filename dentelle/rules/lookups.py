# pure: no database
"""Questions asked of a loaded rules set (pure: stdlib only): the family of a CPV code or of a text,
and the set with an organisation's overrides applied."""

from dataclasses import replace
from decimal import Decimal

from dentelle.core.text import fold
from dentelle.rules.loader import default_rules
from dentelle.rules.types import NATURES, Ceiling, Param, RulesError, with_cpv_index


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
    return with_cpv_index(new)


def overridable_paths(rules=None):
    rules = rules or default_rules()
    paths = [f"family.{f.id}.{name}" for f in rules.families for name in f.params]
    paths += [f"screening.{name}" for name in rules.screening]
    paths += [f"plausibility.{nature}" for nature in sorted(NATURES)]
    return paths
