# pure: no database
"""Scanner rules on works operations with a cost breakdown (pure): hours by trade (R1 with line items)
and the carve-out of SIAE-able line items under the small-lots exception (R5, R2123-1 2°)."""

from dentelle.core.formatting import grouped_int
from dentelle.purchases.enums import FindingKind, Nature, Procedure, ReservationKind
from dentelle.purchases.screening.common import clause_finding
from dentelle.purchases.screening.data import FindingDraft, euros
from dentelle.rules.hours import estimate_for_family
from dentelle.rules.lookups import family_for_cpv
from dentelle.rules.thresholds import WORKS


def line_items_clause(facts, rules):
    """Hours by trade when the operation's breakdown is known (domain.md §4.5)."""
    total, parts, unknown = 0, [], []
    for item in facts.line_items:
        family = family_for_cpv(item.cpv, rules) if item.cpv else None
        if family is None:
            unknown.append(item.description)
            continue
        estimate = estimate_for_family(item.amount, family, facts.duration_months, None, rules.rounding)
        if estimate.hours is None:
            unknown.append(item.description)
        elif estimate.clause_advised:
            total += estimate.hours
            parts.append(f"{item.description} : {grouped_int(estimate.hours)} h ({family.label})")
    if not total:
        return None
    reasons = [
        f"{grouped_int(total)} h d'insertion estimées par corps d'état (décomposition de l'opération) :"
    ] + parts
    if unknown:
        reasons.append(
            "Sans estimation (paramètres inconnus ou métier hors référentiel) : " + ", ".join(unknown) + "."
        )
    method = {
        "value": "somme par ligne d'estimation",
        "source": "Décomposition de l'opération : estimation de chaque corps d'état avec les paramètres de son métier",
    }
    return clause_finding(
        reasons, total, facts.nature, rules, lambda volume: {"method": method, **volume.figures()}
    )


def line_nature(cpv):
    return Nature.WORKS if cpv.startswith("45") else Nature.SERVICES


def carve_outs(facts, thresholds, rules):
    if not facts.line_items or facts.nature != Nature.WORKS or not facts.market_amount:
        return []
    max_share = thresholds.small_lots_max_share()
    budget = facts.market_amount * max_share.value
    formalised = facts.market_amount >= (thresholds.eu_threshold(WORKS, facts.buyer_category).value or 0)
    used = facts.small_lots_used
    drafts = []
    for item in sorted(facts.line_items, key=lambda i: (i.amount, i.reference)):
        family = family_for_cpv(item.cpv, rules) if item.cpv else None
        if family is None or not family.fit_for_siae or family.id == "building_other":
            continue
        limit = thresholds.small_lot_limit(line_nature(item.cpv))
        fits_lot = item.amount < limit.value
        fits_budget = used + item.amount <= budget
        reasons = [
            f"Ligne « {item.description} » ({family.label}, {euros(item.amount)}) : métier accessible aux SIAE.",
        ]
        if not formalised:
            reasons.append(
                "Opération sous le seuil européen : le lot détaché se passe déjà en procédure adaptée."
            )
            procedure = Procedure.ADAPTED
        elif fits_lot and fits_budget:
            used += item.amount
            reasons.append(
                f"Exception des petits lots : {euros(item.amount)} < {euros(limit.value)} ; "
                f"budget de 20 % = {euros(budget)}, utilisé {euros(used)} après ce lot "
                f"(reste {euros(budget - used)})."
            )
            procedure = Procedure.ADAPTED_SMALL_LOT
        else:
            why = (
                f"montant ≥ {euros(limit.value)}"
                if not fits_lot
                else f"budget de 20 % ({euros(budget)}) dépassé"
            )
            reasons.append(
                f"Exception des petits lots impossible ({why}) : lot séparé en procédure formalisée."
            )
            procedure = Procedure.FORMALISED
        reservation = ReservationKind.SIAE if procedure != Procedure.FORMALISED else ReservationKind.NONE
        if reservation:
            reasons.append(
                "Proposition : lot séparé réservé aux SIAE (L2113-13) ou marché d'insertion (R2123-1 3°)."
            )
        else:
            reasons.append(
                "Proposition : lot séparé avec clause d'insertion, accessible aux SIAE en cotraitance ; "
                "réservation seulement si des structures en ont la capacité."
            )
        drafts.append(
            FindingDraft(
                "R5-carve-out",
                FindingKind.CARVE_OUT,
                reasons,
                "CCP L2113-10 ; R2123-1 2° (petits lots) ; L2113-13 (réservation)",
                {
                    "budget_20_percent": {"value": str(budget), "source": max_share.source},
                    "budget_used": {"value": str(used), "source": "Somme des petits lots de l'opération"},
                    "lot_ceiling": {"value": str(limit.value), "source": limit.source},
                },
                subject=f"ligne:{item.reference}",
                proposal={
                    "line_item": item.reference,
                    "amount": str(item.amount),
                    "procedure": procedure,
                    "reservation_kind": reservation,
                    "cpv": item.cpv,
                    "title": item.description,
                },
            )
        )
    return drafts
