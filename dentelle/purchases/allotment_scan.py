"""R4 on a multi-site maintenance lot whose sites are known: the HiGHS optimiser's lots, beside the
split by department, instead of the proportional split (docs/adr/0008).

The scanner (``screening.py``, pure) proposes R4 from the lot's departments; when the lot carries its
sites (``models.Site``), ``with_optimised_allotment`` replaces that draft with the optimiser's. Same
rule id and subject: a decision already taken on the lot's R4 is kept by the scan.
"""

from dentelle.core.formatting import format_amount, format_number, format_share
from dentelle.purchases.allotment_sites import SCAN_TIME_LIMIT, allot_lot, proposal_dict
from dentelle.purchases.screening.data import FindingDraft
from dentelle.purchases.screening.r4_allotment import is_maintenance
from dentelle.rules.lookups import family_for_cpv

RULE = "R4-allotment"


def _reasons(params, best, base, sites):
    fig, ref = best.figures(params), base.figures(params)
    reasons = [
        f"Marché d'entretien sur {format_number(len(sites))} sites connus : lots proposés par l'optimiseur "
        f"(HiGHS, {best.status}"
        + (f", écart d'optimalité {format_share(best.gap, 2)}" if best.gap is not None else "")
        + ").",
        f"Optimiseur : {fig['lots']} lots, {fig['reserved_lots']} réservables aux SIAE "
        f"({format_share(fig['reserved_share'])} du montant), {format_share(fig['able_share'])} du montant "
        f"dans des lots avec ≥ {params.min_able} structures aptes, site le plus loin à "
        f"{format_number(fig['max_km'], 1)} km du centre de son lot.",
        f"Découpage par département : {ref['lots']} lots, {ref['reserved_lots']} réservables "
        f"({format_share(ref['reserved_share'])} du montant), {format_share(ref['able_share'])} du montant "
        f"dans des lots avec ≥ {params.min_able} structures aptes, site le plus loin à "
        f"{format_number(ref['max_km'], 1)} km.",
        "Lots : "
        + " ; ".join(
            f"{lot.label} : {format_amount(lot.amount)}/an ({format_number(len(lot.sites))} sites, {lot.measure})"
            for lot in best.lots
        )
        + ".",
    ]
    return reasons


def optimised_draft(lot, rules):
    """(solved, draft): the optimiser's R4 draft for a stored lot with sites; draft None when the
    best is one lot (no split to propose) or when no solution was found (solved False)."""
    params, sites, structures, best, base = allot_lot(lot, rules=rules, time_limit=SCAN_TIME_LIMIT)
    if not best.ok:
        return False, None
    if len(best.lots) < 2:
        return True, None
    proposal = proposal_dict(params, structures, best, base)
    return True, FindingDraft(
        RULE,
        "allotment",
        _reasons(params, best, base, sites),
        "CCP L2113-10 (allotissement) ; L2113-11 ; L2113-13 (réservation des lots)",
        lambda: {
            "min_able_structures": {
                "value": str(params.min_able),
                "source": rules.screening["min_able_structures"].source,
            },
            "default_capacity_per_structure": {
                "value": str(rules.screening["default_capacity_per_structure"].value),
                "source": rules.screening["default_capacity_per_structure"].source,
            },
        },
        # No estimated_hours: the lots' hours are per year (site amounts are annual), the other findings'
        # per contract; R1/R2 carry the lot's volume.
        proposal=proposal,
    )


def with_optimised_allotment(lot, facts, drafts, rules):
    """``drafts`` with R4 from the optimiser when ``lot`` is a maintenance lot with enough stored sites.
    A lot already split (``territorial_split``) is not split again."""
    minimum = int(rules.screening["allotment_min_sites"].value)
    if (facts.sites_count or 0) < minimum:
        return drafts
    others = [d for d in drafts if d.rule_id != RULE]
    if lot.territorial_split:
        return others
    family = family_for_cpv(facts.cpv, rules) if facts.cpv else None
    if not is_maintenance(facts, family) or not facts.amount or lot.sites.count() < minimum:
        return drafts
    solved, draft = optimised_draft(lot, rules)
    if not solved:  # no solution within the limits: the split by department stays proposed
        return drafts
    return others + ([draft] if draft else [])
