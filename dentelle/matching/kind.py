# pure: no database
"""Kind criterion: how a structure's kind suits the lot's execution mode (staff provision, works,
services, supplies) and the public its object names (insertion, disability), and which kinds its
reservation admits (pure). Parameters: ``[kind_fit]`` and ``[purpose]`` of
dentelle/rules/data/matching_weights.toml.
"""

import numpy as np

from dentelle.core.text import fold
from dentelle.siaes.kinds import is_eligible_for

EXCLUDED_KINDS = ("OPCS",)  # facilitators' host bodies are not suppliers (domain §2.1)


def execution_mode(query, weights):
    """'staff_provision' for a mise à disposition lot, else the lot's nature."""
    if query.staff_provision is not None:
        return "staff_provision" if query.staff_provision else _nature_mode(query.nature)
    if any(str(code).startswith(weights.staff_provision_cpv) for code in query.cpv_codes):
        return "staff_provision"
    text = fold(query.text)
    if any(keyword in text for keyword in weights.staff_provision_keywords):
        return "staff_provision"
    return _nature_mode(query.nature)


def _nature_mode(nature):
    return nature if nature in {"works", "supplies"} else "services"


def lot_purpose(text, weights):
    """'insertion', 'disability' or '' — what the lot's object says of its public (weights [purpose]).
    An insertion contract ("marché d'insertion et de qualification professionnelle") calls for SIAE; a
    contract reserved to disabled workers for ESAT/EA. Insertion wins when both appear."""
    folded = fold(text)
    for name in ("insertion", "disability"):
        words = weights.purpose.get(name, ((), (), 1.0))[0]
        if any(word in folded for word in words):
            return name
    return ""


def kind_factor(kind, mode, purpose, weights, declared=False):
    """Kind part: fit to the execution mode (lifted to 0.9 when the structure declares a service of that
    mode), then the lot's purpose (the kinds it calls for suit it fully, the others less). Shared by
    score_all and lot_arrays."""
    fit = weights.kind_fit[mode].get(kind, 0.5)
    if declared:
        fit = max(fit, 0.9)
    if purpose:
        # The lot names its public: the kinds it calls for suit it whatever the execution mode.
        _words, kinds, other = weights.purpose[purpose]
        fit = 1.0 if kind in kinds else fit * other
    return fit


def kind_scores(query, arrays, weights, mode):
    """(kind part, admitted by the lot's reservation) of every structure."""
    reserved = query.reservation_kind and query.reservation_kind != "ess"
    purpose = lot_purpose(query.text, weights)
    fit_of_kind = np.asarray(
        [
            [kind_factor(kind, mode, purpose, weights, declared) for kind in arrays.kind_names] or [0.0]
            for declared in (False, True)
        ]
    )
    admitted_kind = np.asarray(
        [
            (not reserved or is_eligible_for(kind, query.reservation_kind)) and kind not in EXCLUDED_KINDS
            for kind in arrays.kind_names
        ]
        or [False]
    )
    admitted = admitted_kind[arrays.kind_codes]
    # A declared service kind matching the mode lifts a structure whose kind is atypical.
    declared = (
        arrays.offers_staff if mode == "staff_provision" else arrays.offers_service | arrays.offers_goods
    )
    fit = fit_of_kind[declared.astype(np.int64), arrays.kind_codes]
    return fit, admitted
