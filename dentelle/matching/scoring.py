# pure: no database
"""How well each structure fits a lot: score in [0, 1] and per-criterion parts (pure: numpy).

`score_all(query, arrays, weights)` scores every structure at once; `explain` (reasons.py) turns one
row into French reasons. Criteria: competence (CPV tree distance + text similarity), territory
(territory.py, both ways), capacity (capacity.py, unknown = neutral), kind (execution mode and
reservation basis), status (inactive out). Weights: dentelle/rules/data/matching_weights.toml.
"""

from dataclasses import dataclass, field

import numpy as np

from dentelle.matching.capacity import capacity_scores
from dentelle.matching.structures import cpv_digits, significant_digits
from dentelle.matching.territory import PlaceFacts, territory_scores
from dentelle.matching.text import fold, tokens
from dentelle.siaes.kinds import is_eligible_for

CRITERIA_LABELS = {
    "competence": "Compétence",
    "territory": "Territoire",
    "capacity": "Capacité",
    "kind": "Type de structure",
}
EXCLUDED_KINDS = ("OPCS",)
DISTINCT_OVERSAMPLING = 4  # rows looked at per wanted row before keeping one per company  # facilitators' host bodies are not suppliers (domain §2.1)


@dataclass(frozen=True)
class LotQuery:
    """A lot as the scorer sees it: plain values only."""

    cpv_codes: tuple = ()  # main code first
    text: str = ""
    annual_amount: float | None = None
    place: PlaceFacts | None = None
    nature: str = "services"  # works, services, supplies
    reservation_kind: str = ""
    staff_provision: bool | None = None  # None: deduced from CPV codes and text


@dataclass
class ScoreResult:
    score: np.ndarray
    parts: dict  # criterion → array in [0, 1]
    eligible: np.ndarray  # status and reservation gates
    cpv_part: np.ndarray
    text_part: np.ndarray
    comp_row_value: np.ndarray  # weighted CPV similarity of every competence row
    coverage_share: np.ndarray
    distance_km: np.ndarray
    capacity_parts: dict
    mode: str
    extra: dict = field(default_factory=dict)

    def top(self, count, min_score=0.0, distinct=None):
        """Rows of the `count` best eligible structures, best first. `distinct` (one key per structure,
        e.g. the SIREN) keeps only the best row of each key: five establishments of one company are one
        answer for a buyer."""
        candidates = np.flatnonzero(self.eligible & (self.score >= min_score))
        if candidates.size == 0 or count <= 0:
            return candidates[:0]
        wanted = count if distinct is None else count * DISTINCT_OVERSAMPLING
        while True:
            chosen = candidates
            if candidates.size > wanted:
                best = np.argpartition(-self.score[candidates], wanted - 1)[:wanted]
                chosen = candidates[best]
            chosen = chosen[np.lexsort((chosen, -self.score[chosen]))]
            if distinct is None:
                return chosen[:count]
            _, first = np.unique(distinct[chosen], return_index=True)
            kept = chosen[np.sort(first)]
            if kept.size >= count or chosen.size == candidates.size:
                return kept[:count]
            wanted *= 4  # many establishments of the same companies at the top: look further


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


def competence_scores(query, arrays, weights, exclude_evidence=None):
    cpv, row_value = cpv_scores(query, arrays, weights, exclude_evidence)
    combined, text_part = combine_competence(query, arrays, weights, cpv)
    return combined, cpv, text_part, row_value


def best_competence_row(arrays, row_value, row):
    """Competence row behind structure `row`'s CPV part (-1: none), for the reasons."""
    rows = np.flatnonzero(arrays.comp_struct == row)
    if rows.size == 0 or row_value.size == 0 or row_value[rows].max() <= 0:
        return -1
    return int(rows[np.argmax(row_value[rows])])


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


def network_factor(establishments, params):
    """Capacity proxy from the company's number of establishments in the directory."""
    if establishments is None or not params.get("exponent"):
        return 1.0
    cap = params["cap"]
    return (np.minimum(establishments, cap) / cap) ** params["exponent"]


def size_factor(fte, params):
    """Capacity proxy from a known workforce (ESAT authorised places, insertion + permanent FTE): larger
    structures hold more public contracts. Unknown size counts as `unknown_share` of the cap."""
    if fte is None or not params.get("exponent"):
        return 1.0
    cap = params["cap"]
    known = np.clip(np.nan_to_num(fte, nan=params["unknown_share"] * cap), 1.0, cap)
    return (known / cap) ** params["exponent"]


def kind_scores(query, arrays, weights, mode):
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


BATCH_CACHE_ENTRIES = (
    1024  # a batch cache past this many entries is emptied (100,000-lot scan: 572 MB; 4,096: 1.4 GB)
)


def trim_cache(cache, limit=None):
    """Empty a batch cache (`score_all(..., cache=)`) grown past `limit`. Never pruned entry by entry:
    the log entries are keyed by the id of cached arrays, which must stay alive while they are listed."""
    if cache is not None and len(cache) > (limit or BATCH_CACHE_ENTRIES):
        cache.clear()


def _cached(cache, key, compute):
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def _weighted_log(weights, name, part):
    """A criterion's term of the score's log: its exponent × log(part), the part floored."""
    return weights.criteria[name] * np.log(np.maximum(part, weights.floor))


def _competence_and_log(query, arrays, weights, cpv, similarities):
    competence, text_part = combine_competence(query, arrays, weights, cpv, similarities)
    return competence, text_part, _weighted_log(weights, "competence", competence)


def _capacity_part(arrays, measured, weights):
    return (
        measured
        * network_factor(arrays.establishments, weights.network)
        * size_factor(arrays.fte, weights.size)
    )


def score_all(query, arrays, weights, exclude_evidence=None, cache=None):
    """Score every structure of `arrays` for `query`. Returns a ScoreResult.

    `cache` (a dict shared across the lots of one batch, same arrays) reuses the criteria that depend
    on one input only: territory per place, capacity per amount, CPV part per codes, text similarities
    per title (plans repeat titles such as "Entretien des espaces verts" lot after lot).
    """
    mode = execution_mode(query, weights)
    evidence = frozenset(exclude_evidence or ())
    cpv, row_value = _cached(
        cache, ("cpv", query.cpv_codes, evidence), lambda: cpv_scores(query, arrays, weights, evidence)
    )
    # Without text the similarities are zeros whatever the place: no stems to compute, one entry.
    stems = place_stems(query.place) if query.text else frozenset()
    similarities = _cached(cache, ("text", query.text, stems), lambda: text_similarities(query, arrays))
    # The competence part and its weighted log depend on the codes and the text only: an able count
    # (no text) computes them once per distinct CPV codes, not once per (codes, place) query.
    competence, text_part, competence_log = _cached(
        cache,
        ("competence", query.cpv_codes, evidence, query.text, stems),
        lambda: _competence_and_log(query, arrays, weights, cpv, similarities),
    )
    territory, share, distance = _cached(
        cache,
        ("territory", query.place),
        lambda: territory_scores(arrays, query.place, weights.territory, weights.wide_place_kinds),
    )
    measured, cap_parts = _cached(
        cache,
        ("capacity", query.annual_amount),
        lambda: capacity_scores(arrays, query.annual_amount, weights.capacity),
    )
    capacity = _cached(cache, ("network", id(measured)), lambda: _capacity_part(arrays, measured, weights))
    purpose = lot_purpose(query.text, weights)
    kind, admitted = _cached(
        cache,
        ("kind", mode, query.reservation_kind, purpose),
        lambda: kind_scores(query, arrays, weights, mode),
    )
    parts = {"competence": competence, "territory": territory, "capacity": capacity, "kind": kind}
    # The weighted logs of criteria that depend on one input only are shared across a batch too (the
    # cached arrays stay alive in the cache, so their id is a safe key).
    log_sum = None
    for name in ("territory", "capacity", "kind"):
        log_part = _cached(
            cache,
            ("log", name, id(parts[name])),
            lambda name=name: _weighted_log(weights, name, parts[name]),
        )
        # Same additions in the same order as before the cache: competence + territory + capacity + kind.
        if log_sum is None:
            log_sum = competence_log + log_part
        else:
            log_sum += log_part
    eligible = arrays.active & admitted
    score = np.where(eligible, np.exp(log_sum), 0.0)
    return ScoreResult(
        score=score,
        parts=parts,
        eligible=eligible,
        cpv_part=cpv,
        text_part=text_part,
        comp_row_value=row_value,
        coverage_share=share,
        distance_km=distance,
        capacity_parts=cap_parts,
        mode=mode,
        extra={"capacity_measure": measured, "purpose": purpose},
    )


ABLE_CACHE_ENTRIES = 2048  # competence logs kept across a batch (n floats each: 86 MB for 5,228 structures)


@dataclass
class AbleScores:
    """Scores of a chunk of able queries (`able.able_query`: no text, no amount), one row per query."""

    score: np.ndarray  # (k × n), each row `score_all(query).score`
    eligible: np.ndarray  # (k × n)
    coverage_share: np.ndarray  # (k × n)
    modes: list


def able_scores(queries, arrays, weights, cache):
    """`score_all` of able queries stacked (k × n), bit for bit: the same parts, the same additions in
    the same order (competence + territory + capacity + kind), without a full result per query (the
    scanner counts thousands of (codes, place) queries per plan). `cache` keeps each CPV codes'
    competence log across the chunks of a batch; queries come grouped by place, so only the last
    place's territory is kept."""
    k, n = len(queries), arrays.n
    log = np.empty((k, n))
    eligible = np.empty((k, n), dtype=bool)
    share = np.empty((k, n))
    modes = []
    capacity_log = _able_entry(
        cache,
        ("able-capacity",),
        lambda: _weighted_log(
            weights,
            "capacity",
            _capacity_part(arrays, capacity_scores(arrays, None, weights.capacity)[0], weights),
        ),
    )
    for position, query in enumerate(queries):
        if query.text or query.annual_amount is not None:
            raise ValueError("able_scores attend des requêtes d'aptitude (able_query) : ni texte ni montant")
        mode = execution_mode(query, weights)
        competence_log = _able_entry(
            cache,
            ("able-competence", query.cpv_codes),
            lambda query=query: _able_competence_log(query, arrays, weights),
        )
        territory_log, territory_share = _able_territory(query.place, arrays, weights, cache)
        kind_log, admitted = _able_entry(
            cache,
            ("able-kind", mode, query.reservation_kind),
            lambda query=query, mode=mode: _able_kind(query, arrays, weights, mode),
        )
        row = log[position]
        np.add(competence_log, territory_log, out=row)
        row += capacity_log
        row += kind_log
        np.logical_and(arrays.active, admitted, out=eligible[position])
        share[position] = territory_share
        modes.append(mode)
    return AbleScores(np.where(eligible, np.exp(log), 0.0), eligible, share, modes)


def _able_entry(cache, key, compute):
    if key not in cache:
        if len(cache) >= ABLE_CACHE_ENTRIES:
            cache.clear()
        cache[key] = compute()
    return cache[key]


def _able_competence_log(query, arrays, weights):
    cpv, _rows = cpv_scores(query, arrays, weights, frozenset())
    return _competence_and_log(query, arrays, weights, cpv, text_similarities(query, arrays))[2]


def _able_territory(place, arrays, weights, cache):
    last = cache.get(("able-territory",))
    if last is None or last[0] != place:
        territory, share, _distance = territory_scores(
            arrays, place, weights.territory, weights.wide_place_kinds
        )
        last = cache[("able-territory",)] = (place, _weighted_log(weights, "territory", territory), share)
    return last[1], last[2]


def _able_kind(query, arrays, weights, mode):
    kind, admitted = kind_scores(query, arrays, weights, mode)
    return _weighted_log(weights, "kind", kind), admitted
