# pure: no database
"""One structure against many lots in one vectorised pass (pure: numpy).

`score_all` (scoring.py) scores one lot against every structure. A structure's opportunities need
the transpose: one structure against every open lot. `build_lot_arrays` turns the lots' `LotQuery`s
into arrays once (CPV digits, TF-IDF query weights in the structure index's vocabulary, departments
spanned, amounts, execution modes); `score_structure` then computes the same criteria, the same
formulas and the same gates as `score_all` for one structure row, for all lots at once.
`score_structure_per_lot` is the reference (lot by lot through `score_all`), used by tests and the bench.
"""

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from dentelle.core.geo import haversine_many
from dentelle.matching.capacity import _decay, _known, network_factor, size_factor
from dentelle.matching.competence import combine_competence, place_stems
from dentelle.matching.kind import EXCLUDED_KINDS, execution_mode, kind_factor, lot_purpose
from dentelle.matching.scoring import score_all
from dentelle.matching.structures import cpv_digits, significant_digits
from dentelle.matching.territory import (
    COMMUNE,
    DEPARTMENT,
    NATIONAL,
    RADIUS,
    REGION,
    place_is_known,
    territory_factor,
)
from dentelle.matching.text import tokens
from dentelle.siaes.kinds import is_eligible_for


@dataclass
class QueryTerms:
    """A text as the TF-IDF index reads it: (lot, token id, weight) triplets over a vocabulary."""

    vocabulary: dict  # token → id
    lot: np.ndarray
    token: np.ndarray
    weight: np.ndarray  # query weight / query norm, as TextIndex.similarity computes it


@dataclass
class LotArrays:
    size: int
    queries: list  # LotQuery of each lot, for the per-lot reasons of the best ones
    combo: np.ndarray  # index into `combos` (execution mode, reservation kind, purpose)
    combos: list
    code_lot: np.ndarray  # one entry per (lot, CPV code)
    code_digits: np.ndarray
    code_sig: np.ndarray
    code_factor: np.ndarray  # 1 for the main code, `additional_code_factor` after
    profile_terms: QueryTerms
    name_terms: QueryTerms
    place_known: np.ndarray
    lat: np.ndarray  # NaN when the place has no point
    lon: np.ndarray
    is_point: np.ndarray
    is_commune: np.ndarray
    is_wide: np.ndarray  # distance nil inside (Place.distance_counts_inside)
    is_national: np.ndarray
    place_codes: np.ndarray
    dept_mask: np.ndarray  # (lots, departments of the structure index)
    n_depts: np.ndarray  # max(1, departments spanned)
    region_counts: np.ndarray  # (lots, regions): departments of the lot in each region
    n_communes: np.ndarray
    lots_of_commune: dict  # commune code → lots whose place lists it
    amount: np.ndarray  # annual amount, NaN when unknown or not positive
    arrays_version: object = None


def _terms(queries, index):
    """Query weights of every lot's text against a TextIndex (place words left out, as score_all)."""
    vocabulary, lots, ids, weights = {}, [], [], []
    for position, query in enumerate(queries):
        if not query.text:
            continue
        exclude = place_stems(query.place)
        counts = Counter(t for t in tokens(query.text) if t in index.idf and t not in exclude)
        if not counts:
            continue
        values = {t: (1 + math.log(c)) * index.idf[t] for t, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in values.values())) or 1.0
        for token, value in values.items():
            lots.append(position)
            ids.append(vocabulary.setdefault(token, len(vocabulary)))
            weights.append(value / norm)
    return QueryTerms(
        vocabulary,
        np.asarray(lots, dtype=np.int64),
        np.asarray(ids, dtype=np.int64),
        np.asarray(weights, dtype=np.float64),
    )


def build_lot_arrays(queries, arrays, weights):
    """LotArrays of `queries` (LotQuery list) in the vocabularies of structure index `arrays`."""
    size = len(queries)
    combos, combo = {}, []
    code_lot, code_digits, code_sig, code_factor = [], [], [], []
    factor = weights.competence["additional_code_factor"]
    dept_pos = {code: i for i, code in enumerate(arrays.departments)}
    dept_mask = np.zeros((size, len(arrays.departments)), dtype=bool)
    lat, lon = np.full(size, np.nan), np.full(size, np.nan)
    place_known, is_point, is_commune, is_wide, is_national = (np.zeros(size, dtype=bool) for _ in range(5))
    place_codes, n_communes, lots_of_commune = [], np.zeros(size, dtype=np.int64), {}
    amount = np.full(size, np.nan)
    for i, query in enumerate(queries):
        key = (execution_mode(query, weights), query.reservation_kind, lot_purpose(query.text, weights))
        combo.append(combos.setdefault(key, len(combos)))
        for position, code in enumerate(query.cpv_codes):
            code_lot.append(i)
            code_digits.append(cpv_digits(code))
            code_sig.append(significant_digits(code))
            code_factor.append(1.0 if position == 0 else factor)
        if query.annual_amount is not None and query.annual_amount > 0:
            amount[i] = float(query.annual_amount)
        place = query.place
        place_codes.append(place.code if place is not None else "")
        if not place_is_known(place):
            continue
        place_known[i] = True
        is_wide[i] = not place.distance_counts_inside(weights.wide_place_kinds)
        is_national[i] = place.is_national
        if place.latitude is not None and place.longitude is not None:
            lat[i], lon[i] = place.latitude, place.longitude
        is_point[i], is_commune[i] = place.is_point, place.kind == "commune"
        if place.is_national:
            dept_mask[i] = True
        else:
            for code in place.department_codes:
                if code in dept_pos:
                    dept_mask[i, dept_pos[code]] = True
        n_communes[i] = len(set(place.commune_codes))
        for code in set(place.commune_codes):
            lots_of_commune.setdefault(code, []).append(i)
    region_of_dept = arrays.department_region_idx
    region_counts = np.zeros((size, len(arrays.regions) + 1), dtype=np.int64)
    for d in range(len(arrays.departments)):
        if region_of_dept[d] >= 0:
            region_counts[:, region_of_dept[d]] += dept_mask[:, d]
    return LotArrays(
        size=size,
        queries=list(queries),
        combo=np.asarray(combo, dtype=np.int64),
        combos=list(combos),
        code_lot=np.asarray(code_lot, dtype=np.int64),
        code_digits=np.asarray(code_digits, dtype=np.uint8).reshape(-1, 8),
        code_sig=np.asarray(code_sig, dtype=np.int64),
        code_factor=np.asarray(code_factor, dtype=np.float64),
        profile_terms=_terms(queries, arrays.text),
        name_terms=_terms(queries, arrays.name_text),
        place_known=place_known,
        lat=lat,
        lon=lon,
        is_point=is_point,
        is_commune=is_commune,
        is_wide=is_wide,
        is_national=is_national,
        place_codes=np.asarray(place_codes, dtype="<U12"),
        dept_mask=dept_mask,
        n_depts=np.maximum(1, dept_mask.sum(axis=1)),
        region_counts=region_counts,
        n_communes=n_communes,
        lots_of_commune={code: np.asarray(lots, dtype=np.int64) for code, lots in lots_of_commune.items()},
        amount=amount,
        arrays_version=arrays.version,
    )


def _segment(sorted_owners, row):
    return slice(int(np.searchsorted(sorted_owners, row)), int(np.searchsorted(sorted_owners, row, "right")))


def cpv_part(lots, arrays, row, params):
    """The structure's CPV part for every lot (same similarity as competence.cpv_similarity_codes)."""
    rows = _segment(arrays.comp_struct, row)
    digits, sig = arrays.comp_digits[rows], arrays.comp_sig[rows].astype(np.int64)
    out = np.zeros(lots.size)
    if digits.shape[0] == 0 or lots.code_lot.size == 0:
        return out
    equal = lots.code_digits[:, None, :] == digits[None, :, :]
    common = np.cumprod(equal, axis=2).sum(axis=2)
    common = np.minimum(common, np.minimum(sig[None, :], lots.code_sig[:, None]))
    up = lots.code_sig[:, None] - common
    down = sig[None, :] - common
    sim = np.where(
        down == 0,
        params["ancestor_decay"] ** up,
        np.where(up == 0, params["descendant_decay"] ** down, params["cousin_decay"] ** (up + down)),
    )
    sim = np.where(common >= params["min_common_digits"], sim, 0.0)
    best = np.zeros((lots.size, digits.shape[0]))
    np.maximum.at(best, lots.code_lot, lots.code_factor[:, None] * sim)
    return np.maximum(out, (best * arrays.comp_weight[rows][None, :]).max(axis=1))


def text_part(terms, index, documents, row, size):
    """Similarity of every lot's text with the structure's document (float32, as TextIndex)."""
    if terms.lot.size == 0:
        return np.zeros(size, dtype=np.float32)
    document = np.zeros(len(terms.vocabulary))
    for token in set(tokens(documents[row])):
        position = terms.vocabulary.get(token)
        if position is None or token not in index.postings:
            continue
        owners, weights = index.postings[token]
        at = int(np.searchsorted(owners, row))
        if at < owners.size and owners[at] == row:
            document[position] = weights[at]
    return np.bincount(terms.lot, document[terms.token] * terms.weight, minlength=size).astype(np.float32)


def territory_part(lots, arrays, row, params):
    """(territory part, coverage share, distance km) of the structure for every lot."""
    distance = haversine_many(
        arrays.lat_rad[row], arrays.lon_rad[row], arrays.cos_lat[row], lots.lat, lots.lon
    )
    site = int(arrays.dept_idx[row])
    site_inside = lots.dept_mask[:, site] if site >= 0 else np.zeros(lots.size, dtype=bool)
    distance = np.where(lots.is_wide & site_inside, 0.0, distance)
    share = np.zeros(lots.size)
    for r in range(*_segment(arrays.area_struct, row).indices(arrays.area_struct.size)):
        kind, frac = arrays.area_kind[r], np.zeros(lots.size)
        if kind == NATIONAL:
            frac[:] = 1.0
        elif kind == REGION:
            region = arrays.area_region[r]
            frac = lots.region_counts[:, region] / lots.n_depts if region >= 0 else frac
        elif kind == DEPARTMENT:
            dept = arrays.area_dept[r]
            frac = np.where(lots.dept_mask[:, dept], 1.0 / lots.n_depts, 0.0) if dept >= 0 else frac
        elif kind == COMMUNE:
            code, dept = str(arrays.area_commune[r]), arrays.area_dept[r]
            in_list = np.zeros(lots.size, dtype=bool)
            in_list[lots.lots_of_commune.get(code, [])] = True
            in_dept = lots.dept_mask[:, dept] if dept >= 0 else np.zeros(lots.size, dtype=bool)
            wide = np.where(
                in_list | (in_dept & (lots.n_communes == 0)), 1.0 / np.maximum(lots.n_communes, 50), 0.0
            )
            frac = np.where(lots.is_commune, np.where(lots.place_codes == code, 1.0, 0.0), wide)
        elif kind == RADIUS:
            within = np.nan_to_num(distance, nan=np.inf) <= arrays.area_radius[r]
            covers = (site_inside & ~arrays.area_site_dept_covered[r]) | (within & ~site_inside)
            frac = np.where(
                lots.is_point, np.where(within, 1.0, 0.0), np.where(covers, 1.0 / lots.n_depts, 0.0)
            )
        share += frac
    share = np.minimum(1.0, share)
    score = territory_factor(share, distance, params)
    national = lots.is_national
    score = np.where(national, np.where(share > 0, 1.0, params["outside_factor"]), score)
    distance = np.where(national & np.isnan(lots.lat), np.nan, distance)
    unknown = ~lots.place_known
    return (
        np.where(unknown, params["unknown"], score),
        np.where(unknown, np.nan, share),
        np.where(unknown, np.nan, distance),
    )


def capacity_part(lots, arrays, row, params):
    """Capacity part of the structure for every lot: the tightest known measure, else `unknown`."""
    scores = np.full(lots.size, params["unknown"])
    amount = lots.amount
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = (
            (amount / (params["max_turnover_share"] * _known(arrays.turnover[row])), "turnover_zero_ratio"),
            (
                amount / (params["largest_contract_factor"] * _known(arrays.largest_contract[row])),
                "largest_contract_zero_ratio",
            ),
            (
                (amount / params["revenue_per_fte"]) / (params["max_fte_share"] * _known(arrays.fte[row])),
                "fte_zero_ratio",
            ),
            (
                (amount / params["hourly_revenue"] / 12.0) / _known(arrays.free_monthly_hours[row]),
                "fte_zero_ratio",
            ),
        )
    stacked = np.vstack([_decay(ratio, params[zero]) for ratio, zero in ratios])
    known = ~np.all(np.isnan(stacked), axis=0)
    tightest = np.min(np.where(np.isnan(stacked), np.inf, stacked), axis=0)
    return np.where(known, tightest, scores)


def kind_part(lots, arrays, row, weights):
    """(kind fit, admitted) of the structure for every lot, per (execution mode, reservation kind)."""
    kind = arrays.kind_names[arrays.kind_codes[row]]
    fit_of_combo, admitted_of_combo = [], []
    for mode, reservation, purpose in lots.combos:
        reserved = reservation and reservation != "ess"
        admitted_of_combo.append(
            (not reserved or is_eligible_for(kind, reservation)) and kind not in EXCLUDED_KINDS
        )
        declared = (
            arrays.offers_staff[row]
            if mode == "staff_provision"
            else arrays.offers_service[row] | arrays.offers_goods[row]
        )
        fit_of_combo.append(kind_factor(kind, mode, purpose, weights, bool(declared)))
    if not lots.combos:
        return np.zeros(0), np.zeros(0, dtype=bool)
    return (
        np.asarray(fit_of_combo, dtype=np.float64)[lots.combo],
        np.asarray(admitted_of_combo, dtype=bool)[lots.combo],
    )


def score_structure(lots, arrays, row, weights):
    """(score, eligible) of structure `row` for every lot, as `score_all` gives them lot by lot."""
    cpv = cpv_part(lots, arrays, row, weights.competence)
    profile = text_part(lots.profile_terms, arrays.text, arrays.profiles, row, lots.size)
    name = text_part(lots.name_terms, arrays.name_text, arrays.names, row, lots.size)
    competence, _ = combine_competence(None, arrays, weights, cpv, (profile, name))
    territory = territory_part(lots, arrays, row, weights.territory)[0]
    capacity = capacity_part(lots, arrays, row, weights.capacity)
    if arrays.establishments is not None:
        capacity = capacity * network_factor(arrays.establishments[row], weights.network)
    capacity = capacity * size_factor(arrays.fte[row], weights.size)
    kind, admitted = kind_part(lots, arrays, row, weights)
    log_sum = weights.criteria["competence"] * np.log(np.maximum(competence, weights.floor))
    for value, criterion in ((territory, "territory"), (capacity, "capacity"), (kind, "kind")):
        log_sum += weights.criteria[criterion] * np.log(np.maximum(value, weights.floor))
    eligible = bool(arrays.active[row]) & admitted
    return np.where(eligible, np.exp(log_sum), 0.0), eligible


def score_structure_per_lot(queries, arrays, row, weights):
    """Reference for `score_structure`: every lot scored against the whole directory, one by one."""
    results = [score_all(query, arrays, weights) for query in queries]
    return (
        np.asarray([r.score[row] for r in results], dtype=np.float64),
        np.asarray([r.eligible[row] for r in results], dtype=bool),
    )


def best_lots(score, eligible, top):
    """Lot positions of the `top` best eligible lots, best first (ties: lot order)."""
    candidates = np.flatnonzero(eligible)
    order = np.argsort(-score[candidates], kind="stable")
    return candidates[order][: max(0, top)]
