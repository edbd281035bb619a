# pure: no database
"""Insertion-hours estimator (pure: stdlib and ``dentelle.rules`` only).

Three methods:

- standard chain: ``hours = amount × labour_share × insertion_rate ÷ loaded_hourly_cost``
  (MEF Sud 77: €1,000,000 × 50 % × 5 % ÷ €30 = 833.33 → 833 h);
- cleaning variant (PACT Propreté / Inserpropre): ``P = 1 − (S × C) ÷ (A ÷ N)``, ``I = P × A ÷ C × T``
  with C = 25, a 150 h floor, and no clause when P ≤ 0 or I ≤ 0;
- billed hours: ``hours = amount ÷ C × rate`` where C is the published price of one hour of labour (green
  spaces: €38–45 in maintenance, €50–60 in creation); the cleaning variant with no staff take-over is the
  same algebra. An organisation that sets its own labour share and cost gets the standard chain instead.

Arithmetic is in ``Decimal``; only the final hours are rounded, with one explicit rule
(default ``half_up`` to the whole hour: 833.33 → 833, 833.5 → 834; configurable in
``rules/data/trade_families.toml`` [estimator] or per call). Every result lists the figures it used,
each with its source, and says in French why no clause is advised when that is the case.
"""

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Context, Decimal
from functools import lru_cache

from dentelle.rules.types import PARAM_LABELS, Param

STANDARD = "standard"
CLEANING = "cleaning"
BILLED = "billed_hours"  # labour hours = amount ÷ price billed per labour hour (green spaces)
USER_INPUT = "Saisie de l'utilisateur"
ROUNDING_MODES = {"half_up": ROUND_HALF_UP, "down": ROUND_FLOOR, "up": ROUND_CEILING}
ROUNDING_LABELS = {
    "half_up": "à l'heure la plus proche, demi-heure au-dessus",
    "down": "à l'heure inférieure",
    "up": "à l'heure supérieure",
}
# Explicit 28-digit context: independent of the caller's thread context, and cheaper than localcontext().
CTX = Context(prec=28)
ONE = Decimal("1")
CLEANING_C = Param(Decimal("25"), "https://inserpropre.fr/?p=2353 (C = 25, fixé par la branche)", "Practice")
NO_FLOOR = Param(None, "Aucun plancher")
CLEANING_FLOOR = Param(
    Decimal("150"), "https://inserpropre.fr/?p=2353 (PACT Propreté : pas de clause sous 150 h)", "Practice"
)


@dataclass(slots=True)
class Figure:
    name: str
    label: str
    value: Decimal | None
    source: str
    tag: str = ""

    def as_dict(self):
        return {
            "name": self.name,
            "label": self.label,
            "value": None if self.value is None else str(self.value),
            "source": self.source,
            "tag": self.tag,
        }


@dataclass
class HoursEstimate:
    method: str
    hours: int | None
    raw_hours: Decimal | None
    clause_advised: bool
    reason: str
    rounding: str
    figures: list[Figure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def figure(self, name):
        return next((f.value for f in self.figures if f.name == name), None)

    def as_dict(self):
        return {
            "method": self.method,
            "hours": self.hours,
            "raw_hours": None if self.raw_hours is None else str(self.raw_hours),
            "clause_advised": self.clause_advised,
            "reason": self.reason,
            "rounding": self.rounding,
            "figures": [f.as_dict() for f in self.figures],
            "warnings": list(self.warnings),
        }


def as_param(value, source=USER_INPUT, tag=""):
    """Accept a ``Param``, a number or None; plain numbers are tagged as user input."""
    if isinstance(value, Param):
        return value
    if value is not None and not isinstance(value, Decimal):
        value = Decimal(str(value))
    return Param(value, source, tag)


def round_hours(raw, rule="half_up"):
    """Round decimal hours to a whole hour with the named rule (see module docstring)."""
    if rule not in ROUNDING_MODES:
        raise ValueError(f"Règle d'arrondi inconnue : {rule}")
    return int(raw.quantize(ONE, rounding=ROUNDING_MODES[rule]))


OVERRIDE_TAG = "à confirmer"


def _figure(name, param, label=None):
    """A figure, saying so in its label when the value is the organisation's own (who, when, why)."""
    label = label or PARAM_LABELS.get(name, name)
    tag = param.tag
    if getattr(param, "overridden_by", ""):
        label = f"{label} — valeur propre à l'organisation ({param.overridden_by})"
        tag = OVERRIDE_TAG if param.tag == "Verify" else param.tag
    return Figure(name, label, param.value, param.source, tag)


def _missing(method, figures, rounding, names):
    reason, warnings = _missing_texts(tuple(names))
    return HoursEstimate(method, None, None, False, reason, rounding, figures, list(warnings))


@lru_cache(maxsize=256)
def _missing_texts(names):
    labels = ", ".join(PARAM_LABELS.get(n, n) for n in names)
    warnings = tuple(
        f"Paramètre inconnu : {PARAM_LABELS.get(n, n)} — à renseigner avec sa source." for n in names
    )
    reason = f"Estimation impossible : {labels} inconnu(s). Aucune valeur n'est empruntée à un métier voisin."
    return reason, warnings


def estimate_standard(
    amount, labour_share, insertion_rate, loaded_hourly_cost, floor_hours=None, rounding="half_up"
):
    """Standard chain. Parameters are ``Param`` or plain numbers (then sourced as user input)."""
    amount = as_param(amount, "Montant estimé HT du lot")
    params = {
        "labour_share": as_param(labour_share),
        "insertion_rate": as_param(insertion_rate),
        "loaded_hourly_cost": as_param(loaded_hourly_cost),
    }
    floor = as_param(floor_hours) if floor_hours is not None else NO_FLOOR
    figures = [_figure("amount", amount, "montant HT (€)")] + [_figure(n, p) for n, p in params.items()]
    missing = [n for n, p in params.items() if p.missing]
    if amount.missing:
        missing.insert(0, "amount")
    if missing:
        return _missing(STANDARD, figures, rounding, missing)
    if params["loaded_hourly_cost"].value == 0:
        return _missing(STANDARD, figures, rounding, ["loaded_hourly_cost"])
    effort = CTX.multiply(
        CTX.multiply(amount.value, params["labour_share"].value), params["insertion_rate"].value
    )
    raw = CTX.divide(effort, params["loaded_hourly_cost"].value)
    figures.append(Figure("insertion_effort", "effort d'insertion (€)", effort, "montant × part × taux"))
    figures.append(Figure("raw_hours", "heures avant arrondi", raw, "effort ÷ coût horaire"))
    hours = round_hours(raw, rounding)
    return _conclude(STANDARD, hours, raw, floor, figures, rounding)


def estimate_cleaning(
    amount,
    duration_months,
    insertion_rate,
    transferred_staff_monthly_hours=0,
    turnover_per_labour_hour=CLEANING_C,
    floor_hours=CLEANING_FLOOR,
    rounding="half_up",
):
    """Cleaning variant with staff take-over (A, T, S, N, C; domain.md §4.2)."""
    a = as_param(amount, "Montant estimé HT du lot sur la durée (A)")
    n = as_param(duration_months, "Durée du lot en mois (N)")
    t = as_param(insertion_rate)
    s = as_param(
        transferred_staff_monthly_hours or 0, "Heures mensuelles du personnel à reprendre (S), annexe du DCE"
    )
    c = as_param(turnover_per_labour_hour)
    floor = as_param(floor_hours)
    figures = [
        Figure("A", "chiffre d'affaires estimé du lot (A, €)", a.value, a.source, a.tag),
        Figure("T", "taux d'insertion (T)", t.value, t.source, t.tag),
        Figure("S", "heures mensuelles du personnel repris (S)", s.value, s.source, s.tag),
        Figure("N", "durée en mois (N)", n.value, n.source, n.tag),
        Figure("C", "chiffre d'affaires par heure travaillée (C, €)", c.value, c.source, c.tag),
    ]
    missing = [
        name
        for name, p in (("amount", a), ("insertion_rate", t), ("turnover_per_labour_hour", c))
        if p.missing
    ]
    if n.missing or not n.value:
        missing.append("duration_months")
    if missing:
        return _missing(CLEANING, figures, rounding, missing)
    # Same as 1 − (S × C) ÷ (A ÷ N), written to avoid dividing twice (exact for round inputs).
    p = CTX.subtract(ONE, CTX.divide(CTX.multiply(CTX.multiply(s.value, c.value), n.value), a.value))
    raw = CTX.multiply(CTX.divide(CTX.multiply(p, a.value), c.value), t.value)
    figures.append(Figure("P", "pondération reprise du personnel (P)", p, "P = 1 − (S × C) ÷ (A ÷ N)"))
    figures.append(Figure("raw_hours", "heures avant arrondi (I)", raw, "I = P × A ÷ C × T"))
    if p <= 0 or raw <= 0:
        return HoursEstimate(
            method=CLEANING,
            hours=0,
            raw_hours=raw,
            clause_advised=False,
            reason=(
                "Pas de clause conseillée : le personnel à reprendre dépasse le potentiel du marché renouvelé "
                f"(P = {p:.4f} ≤ 0) — PACT Propreté, https://inserpropre.fr/?p=2353."
            ),
            rounding=rounding,
            figures=figures,
        )
    hours = round_hours(raw, rounding)
    return _conclude(CLEANING, hours, raw, floor, figures, rounding)


def _conclude(method, hours, raw, floor, figures, rounding):
    figures.append(Figure("floor_hours", "plancher d'heures", floor.value, floor.source, floor.tag))
    label = ROUNDING_LABELS[rounding]
    if floor.value is not None and raw < floor.value:
        reason = f"Pas de clause conseillée : {hours} h estimées, sous le plancher de {floor.value} h ({floor.source})."
        return HoursEstimate(method, hours, raw, False, reason, rounding, figures)
    if hours <= 0:
        return HoursEstimate(
            method, 0, raw, False, "Pas de clause conseillée : aucune heure estimée.", rounding, figures
        )
    warnings = [] if floor.value is not None else ["Aucun plancher publié pour ce métier."]
    reason = f"{hours} h d'insertion estimées (arrondi {label})."
    return HoursEstimate(method, hours, raw, True, reason, rounding, figures, warnings)


@lru_cache(maxsize=512)
def _family_figures(family):
    """Figures that only depend on the family (built once per family: the scanner calls the
    estimator for every lot, and rebuilding them was most of its cost)."""
    params = family.params
    head = Figure("family", "famille de métiers", None, f"{family.id} — {family.label}", family.tag)
    standard = {n: params[n] for n in ("labour_share", "insertion_rate", "loaded_hourly_cost")}
    floor = params["floor_hours"] if not params["floor_hours"].missing else None
    missing = [n for n, p in standard.items() if p.missing]
    if not missing and standard["loaded_hourly_cost"].value == 0:
        missing = ["loaded_hourly_cost"]
    return head, tuple(_figure(n, p) for n, p in standard.items()), standard, floor, tuple(missing)


def _standard_for_family(amount, family, rounding):
    head, param_figures, params, floor, missing = _family_figures(family)
    amount = as_param(amount, "Montant estimé HT du lot")
    figures = [head, _figure("amount", amount, "montant HT (€)"), *param_figures]
    if amount.missing:
        missing = ("amount", *missing)
    if missing:
        return _missing(STANDARD, figures, rounding, missing)
    effort = CTX.multiply(
        CTX.multiply(amount.value, params["labour_share"].value), params["insertion_rate"].value
    )
    raw = CTX.divide(effort, params["loaded_hourly_cost"].value)
    figures.append(Figure("insertion_effort", "effort d'insertion (€)", effort, "montant × part × taux"))
    figures.append(Figure("raw_hours", "heures avant arrondi", raw, "effort ÷ coût horaire"))
    floor = floor if floor is not None else NO_FLOOR
    return _conclude(STANDARD, round_hours(raw, rounding), raw, floor, figures, rounding)


def estimate_billed(amount, insertion_rate, price_per_labour_hour, floor_hours=None, rounding="half_up"):
    """Billed-hours method: labour hours = amount ÷ price per labour hour; insertion hours = that × rate."""
    a = as_param(amount, "Montant estimé HT du lot")
    t = as_param(insertion_rate)
    c = as_param(price_per_labour_hour)
    floor = as_param(floor_hours) if floor_hours is not None else NO_FLOOR
    figures = [
        _figure("amount", a, "montant HT (€)"),
        _figure("insertion_rate", t),
        _figure("turnover_per_labour_hour", c, "prix facturé par heure de main-d'œuvre (C, €)"),
    ]
    missing = [
        name
        for name, p in (("amount", a), ("insertion_rate", t), ("turnover_per_labour_hour", c))
        if p.missing
    ]
    if not missing and c.value == 0:
        missing = ["turnover_per_labour_hour"]
    if missing:
        return _missing(BILLED, figures, rounding, missing)
    labour_hours = CTX.divide(a.value, c.value)
    raw = CTX.multiply(labour_hours, t.value)
    figures.append(Figure("labour_hours", "heures de main-d'œuvre du lot", labour_hours, "montant ÷ C"))
    figures.append(Figure("raw_hours", "heures avant arrondi", raw, "heures de main-d'œuvre × taux"))
    return _conclude(BILLED, round_hours(raw, rounding), raw, floor, figures, rounding)


def estimate_for_family(
    amount, family, duration_months=None, transferred_staff_monthly_hours=None, rounding=None
):
    """Estimate with a trade family's parameters (its ``method`` picks the formula)."""
    rounding = rounding or "half_up"
    params = family.params
    if family.method == BILLED and (params["labour_share"].missing or params["loaded_hourly_cost"].missing):
        floor = params["floor_hours"] if not params["floor_hours"].missing else None
        result = estimate_billed(
            amount, params["insertion_rate"], params["turnover_per_labour_hour"], floor, rounding
        )
        result.figures.insert(0, _family_figures(family)[0])
        return result
    if family.method == CLEANING and duration_months:
        result = estimate_cleaning(
            amount,
            duration_months,
            params["insertion_rate"],
            transferred_staff_monthly_hours or 0,
            params.get("turnover_per_labour_hour", CLEANING_C),
            params["floor_hours"] if not params["floor_hours"].missing else CLEANING_FLOOR,
            rounding,
        )
        result.figures.insert(0, _family_figures(family)[0])
        return result
    result = _standard_for_family(amount, family, rounding)
    if family.method == CLEANING:
        result.warnings.append("Durée inconnue : méthode standard appliquée au lieu de la variante propreté.")
    return result
