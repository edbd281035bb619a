# pure: no database
"""Fine territorial allotment of a multi-site contract, on the HiGHS MILP solver (pure, no Django).

Sites (point, amount, territories) are assigned to lots opened at candidate centres. The model
(dentelle/purchases/allotment_model.py) maximises the amount that lies in « served » lots: lots whose
centre has at least ``min_able`` able structures within ``radius_km`` and whose amount fits the yearly
capacity of those structures. The able structures are given by the caller, already filtered with the
matching engine's one definition (dentelle/matching/able.py); the model only counts them around points.
This module solves it and reads the lots out of the solution; infeasible limits get a French
explanation of what to relax. Formulation and choices: docs/adr/0008-allotissement-optimise.md.

The baseline (dentelle/purchases/allotment_lots.py ``department_split``) is today's R4: one lot per
department, same figures.
"""

import math
import os
import sys

import highspy
import numpy as np

from dentelle.purchases.allotment_lots import Lot, Params, Proposal, measure_lot
from dentelle.purchases.allotment_model import build_model


def _explain(sites, allowed, params):
    """French explanation of an infeasible model: which constraint to relax."""
    lonely = [sites[i].name for i in np.flatnonzero(~allowed.any(axis=1))]
    if lonely:
        limit = (
            f"à moins de {params.max_km:g} km"
            if params.same_unit == ""
            else f"dans le même territoire ({params.same_unit}) et à moins de {params.max_km:g} km"
        )
        return (
            f"{len(lonely)} site(s) n'ont aucun centre de lot possible {limit} (ex. : {lonely[0]}) : "
            "augmentez la distance maximale ou retirez la contrainte de territoire."
        )
    total = sum(s.amount for s in sites)
    if params.min_lots * params.min_lot_amount > total:
        return (
            f"{params.min_lots} lots d'au moins {params.min_lot_amount:,.0f} € dépassent le montant total "
            f"({total:,.0f} €) : baissez le nombre minimal de lots ou le montant minimal d'un lot."
        ).replace(",", " ")
    if params.max_lots * params.max_lot_amount < total:
        return (
            f"{params.max_lots} lots d'au plus {params.max_lot_amount:,.0f} € ne couvrent pas le montant total "
            f"({total:,.0f} €) : augmentez le nombre maximal de lots ou le montant maximal d'un lot."
        ).replace(",", " ")
    big = [s for s in sites if s.amount > params.max_lot_amount]
    if big:
        return f"Le site « {big[0].name} » dépasse à lui seul le montant maximal d'un lot : augmentez ce montant."
    return (
        "Aucun découpage ne respecte ensemble le nombre de lots, les montants minimal et maximal, "
        "la distance et les sites à garder ensemble : relâchez d'abord les montants minimal et maximal, "
        "puis la distance maximale."
    )


def _gap(info, total):
    """Relative optimality gap. HiGHS's dual bound can stay above the plain bound of this objective
    (every site served, no distance: the total amount) when the time limit stops it early; the smaller
    of the two is a valid bound, and the gap is measured against it."""
    objective = float(info.objective_function_value)
    bound = float(info.mip_dual_bound)
    if not math.isfinite(objective):
        return None
    bound = min(bound, total) if math.isfinite(bound) else total
    gap = max(0.0, bound - objective) / max(abs(objective), 1e-9)
    return min(gap, float(info.mip_gap)) if math.isfinite(info.mip_gap) else gap


def _quiet_highs():
    """A silent solver: HiGHS prints its banner on the process's own stdout (file descriptor 1) when
    it is created, which would corrupt `dentelle allot --json`; the descriptor is muted meanwhile."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    h.setOptionValue("output_flag", False)
    return h


def optimise(sites, structures, params=Params()):
    """Assign ``sites`` to lots; returns a :class:`Proposal` (``error`` set, in French, when infeasible)."""
    proposal = Proposal(method="optimiseur")
    if not sites:
        proposal.error = "Aucun site : rien à répartir."
        return proposal
    if params.min_lots > params.max_lots:
        proposal.error = "Le nombre minimal de lots dépasse le nombre maximal : corrigez l'un des deux."
        return proposal
    model = build_model(sites, structures, params)
    h = _quiet_highs()
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", 0)
    h.setOptionValue("time_limit", float(params.time_limit))
    # 0.1 % of the objective: the served amount is proven; the compactness term (at most half the
    # smallest site) may lie within that tolerance. A tighter gap was tried: on the demo it made HiGHS
    # spend its time limit proving distances and return less compact lots (ADR 0008).
    h.setOptionValue("mip_rel_gap", 1e-3)
    h.passModel(model.lp)
    if model.start is not None:  # the department split as first incumbent: never worse than it
        solution = highspy.HighsSolution()
        solution.col_value = model.start
        h.setSolution(solution)
    h.run()
    status = h.getModelStatus()
    proposal.seconds = h.getRunTime()
    info = h.getInfo()
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    if status == highspy.HighsModelStatus.kInfeasible or not has_solution:
        if status == highspy.HighsModelStatus.kTimeLimit:
            proposal.error = (
                f"Aucune solution trouvée dans la limite de {params.time_limit:g} s : "
                "augmentez la limite de temps ou relâchez les contraintes."
            )
        else:
            proposal.error = _explain(sites, model.allowed, params)
        proposal.status = h.modelStatusToString(status)
        return proposal
    proposal.status = "optimal" if status == highspy.HighsModelStatus.kOptimal else "limite de temps atteinte"
    amount = np.array([s.amount for s in sites], float)
    proposal.gap = _gap(info, float(amount.sum()))
    proposal.lots = _lots(sites, amount, model, np.asarray(h.getSolution().col_value), params)
    return proposal


def _lots(sites, amount, model, values, params):
    """The lots of a solution, numbered by their first site."""
    x = values[: len(model.pairs)] > 0.5
    members = {}
    for k in np.flatnonzero(x):
        i, j = model.pairs[k]
        members.setdefault(int(j), []).append(int(i))
    lots = []
    for number, j in enumerate(sorted(members, key=lambda j: min(members[j])), start=1):
        ids = sorted(members[j])
        centre = model.copy_of[j]
        lot = Lot(
            label=f"Lot {number}",
            centre=(float(model.c_lat[centre]), float(model.c_lon[centre])),
            sites=[sites[i] for i in ids],
            amount=float(amount[ids].sum()),
            able=int(model.able[centre]),
            capacity=float(model.caps[centre]),
            max_km=float(model.dist[ids, j].max()),
        )
        lots.append(measure_lot(lot, params))
    return lots
