# pure: no database
"""Competence criterion: how close the lot's CPV codes are to a structure's competences (CPV tree
distance, per origin weight) and how similar its text is to the structure's profile and name (pure:
numpy). Parameters: ``[competence]`` of dentelle/rules/data/matching_weights.toml.
"""

import numpy as np

from dentelle.matching.structures import cpv_digits, significant_digits
from dentelle.matching.text import tokens


def cpv_similarity_codes(digits, sig, code, params):
    """Similarity of lot code `code` with competence codes given as (k, 8) digits, before origin weights."""
    if digits.shape[0] == 0:
        return np.zeros(0)
    lot_sig = significant_digits(code)
    equal = digits == cpv_digits(code)
    common = np.cumprod(equal, axis=1).sum(axis=1)
    common = np.minimum(common, np.minimum(sig, lot_sig))
    up = lot_sig - common  # levels from the lot up to the common ancestor
    down = sig - common  # levels from there down to the competence
    sim = np.where(
        down == 0,
        params["ancestor_decay"] ** up,
        np.where(up == 0, params["descendant_decay"] ** down, params["cousin_decay"] ** (up + down)),
    )
    return np.where(common >= params["min_common_digits"], sim, 0.0)


def cpv_similarity_rows(arrays, code, params):
    """Similarity of `code` with every competence row (computed once per distinct competence code)."""
    unique = cpv_similarity_codes(arrays.comp_unique_digits, arrays.comp_unique_sig, code, params)
    return unique[arrays.comp_inverse] if unique.size else np.zeros(0)


def competence_row_values(query, arrays, weights, exclude_evidence=None):
    """Weighted CPV similarity of every competence row for the lot's codes (main code first)."""
    params = weights.competence
    m = arrays.comp_struct.shape[0]
    if m == 0:
        return np.zeros(0)
    best = np.zeros(arrays.comp_unique_digits.shape[0])
    for position, code in enumerate(query.cpv_codes):
        factor = 1.0 if position == 0 else params["additional_code_factor"]
        sim = cpv_similarity_codes(arrays.comp_unique_digits, arrays.comp_unique_sig, code, params)
        best = np.maximum(best, factor * sim)
    row_value = best[arrays.comp_inverse] * arrays.comp_weight
    if exclude_evidence:
        ids = [arrays.evidence_ids[key] for key in exclude_evidence if key in arrays.evidence_ids]
        if ids:
            row_value = np.where(np.isin(arrays.comp_evidence, ids), 0.0, row_value)
    return row_value


def cpv_scores(query, arrays, weights, exclude_evidence=None):
    """(CPV part per structure, weighted value per competence row)."""
    row_value = competence_row_values(query, arrays, weights, exclude_evidence)
    cpv = np.zeros(arrays.n)
    for owners, rows in arrays.comp_passes:
        cpv[owners] = np.maximum(cpv[owners], row_value[rows])
    return cpv, row_value


def place_stems(place):
    """Stems of the lot's place name, ignored in text similarity (a title often repeats the place)."""
    return frozenset(tokens(place.name)) if place is not None and place.name else frozenset()


def text_similarities(query, arrays):
    """(profile similarity, name similarity) of the lot's text, place words left out."""
    if not query.text:
        zeros = np.zeros(arrays.n, dtype=np.float32)
        return zeros, zeros
    exclude = place_stems(query.place)
    return arrays.text.similarity(query.text, exclude), arrays.name_text.similarity(query.text, exclude)


def combine_competence(query, arrays, weights, cpv, similarities=None):
    """Competence part = CPV part and text similarity; a strong profile match alone still counts a little
    when no CPV competence is known. A structure's name counts only at `name_text_factor` and never
    alone: "Les Restaurants du Cœur" is a charity, not a caterer."""
    params = weights.competence
    profile, name = similarities if similarities is not None else text_similarities(query, arrays)
    saturation = params["text_saturation"]
    text_part = np.minimum(1.0, (profile + params["name_text_factor"] * name) / saturation)
    profile_part = np.minimum(1.0, profile / saturation)
    combined = params["cpv_share"] * cpv + params["text_share"] * text_part
    combined = np.maximum(combined, np.where(cpv <= 0, params["text_alone_factor"] * profile_part, 0.0))
    # Evidence raises a structure from `floor`; its absence lowers it, never buries it.
    return params["floor"] + (1.0 - params["floor"]) * np.clip(combined, 0.0, 1.0), text_part


def best_competence_row(arrays, row_value, row):
    """Competence row behind structure `row`'s CPV part (-1: none), for the reasons."""
    rows = np.flatnonzero(arrays.comp_struct == row)
    if rows.size == 0 or row_value.size == 0 or row_value[rows].max() <= 0:
        return -1
    return int(rows[np.argmax(row_value[rows])])
