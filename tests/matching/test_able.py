"""Able structures: the batch of a whole plan gives exactly the one-by-one answers (able.py)."""

import itertools

import numpy as np
import pytest

from dentelle.matching import able, scoring
from dentelle.matching.able import able_query, count_able
from dentelle.matching.description import LotDescription, query_of
from dentelle.matching.index import get_structure_index
from dentelle.matching.scoring import score_all
from dentelle.matching.weights import load_weights
from dentelle.siaes.models import Competence, Siae

from .conftest import make_siae


@pytest.fixture
def arrays(directory):
    jardins = directory["jardins"]
    # A second establishment of the Jardins' company: counted once with the first.
    twin = Siae.objects.create(
        siret=jardins.siren + "00028",
        siren=jardins.siren,
        name="Les Jardins d'Aubervilliers — Saint-Denis",
        kind="ACI",
        commune_insee_code="93066",
        department_code="93",
        region_code="11",
        latitude=48.9298,
        longitude=2.3596,
    )
    Competence.objects.create(siae=twin, cpv_prefix="7731", origin="declared")
    make_siae(7, "Nettoyage Parisien", "ACI", "75056", competences=[("90910000", "declared")])
    make_siae(8, "EA du Nord", "EA", "59350", competences=[("9091", "declared"), ("7731", "naf")])
    return get_structure_index(force=True)


def varied_queries():
    codes = [["77310000"], ["90910000"], ["79620000"], ["77300000", "90910000"], ["03451000"]]
    places = [
        {"place_kind": "department", "place_code": "93"},
        {"place_kind": "commune", "place_code": "75056"},
        {"place_kind": "region", "place_code": "11"},
        {"place_kind": "national"},
        {"place_text": "Lille"},
        {},
    ]
    others = [
        {},
        {"nature": "works", "amount": 2_000_000},
        {"reservation_kind": "siae", "text": "Entretien des espaces verts"},
        {"reservation_kind": "disability", "amount": 50_000, "duration_months": 24},
        {"nature": "supplies", "staff_provision": True},
    ]
    combos = itertools.product(codes, places, others)
    return [LotDescription(cpv_codes=c, **p, **o) for i, (c, p, o) in enumerate(combos) if i % 3 == 0]


def test_batch_equals_one_by_one(arrays, monkeypatch):
    monkeypatch.setattr(able, "CHUNK", 7)  # several chunks, and a cache emptied on the way
    monkeypatch.setattr(scoring, "ABLE_CACHE_ENTRIES", 10)
    weights = load_weights()
    queries = [query_of(facts) for facts in varied_queries()]
    queries += queries[:5]  # repeated queries are answered once, in place
    assert len(queries) >= 50
    batch = count_able(queries, arrays, weights)
    one_by_one = [count_able([query], arrays, weights)[0] for query in queries]
    assert batch == one_by_one
    assert any(counts.count for counts in batch) and any(not counts.count for counts in batch)


def test_able_scores_are_score_all_s_scores_to_the_bit(arrays, monkeypatch):
    monkeypatch.setattr(scoring, "ABLE_CACHE_ENTRIES", 4)  # the cache emptied on the way
    weights = load_weights()
    queries = sorted({able_query(query_of(facts)) for facts in varied_queries()}, key=able._group_key)
    cache = {}
    for start in range(0, len(queries), 5):
        chunk = queries[start : start + 5]
        batch = scoring.able_scores(chunk, arrays, weights, cache)
        for position, query in enumerate(chunk):
            one = score_all(query, arrays, weights)
            assert np.array_equal(batch.score[position], one.score)
            assert np.array_equal(batch.eligible[position], one.eligible)
            assert np.array_equal(batch.coverage_share[position], one.coverage_share, equal_nan=True)
            assert batch.modes[position] == one.mode


def test_able_scores_refuse_a_query_with_text_or_amount(arrays):
    query = query_of(
        LotDescription(cpv_codes=["77310000"], place_kind="department", place_code="93", amount=50_000)
    )
    with pytest.raises(ValueError):
        scoring.able_scores([query], arrays, load_weights(), {})


def test_the_count_is_the_lot_page_s_distinct_top_above_the_threshold(arrays):
    weights = load_weights()
    for facts in varied_queries():
        query = query_of(facts)
        (counts,) = count_able([query], arrays, weights)
        result = score_all(able_query(query), arrays, weights)
        shown = result.top(arrays.n, weights.able_min_score, distinct=arrays.siren)
        assert counts.count == len(shown) == sum(counts.kinds.values())
        assert counts.local_count + counts.partial_count == counts.count


def test_the_able_query_ignores_title_and_amount(arrays):
    weights = load_weights()
    plain = query_of(LotDescription(cpv_codes=["77310000"], place_kind="department", place_code="93"))
    dressed = query_of(
        LotDescription(
            cpv_codes=["77310000"],
            place_kind="department",
            place_code="93",
            text="Entretien des parcs",
            amount=900_000,
        )
    )
    assert count_able([plain], arrays, weights) == count_able([dressed], arrays, weights)


def test_row_medians_are_numpy_s_medians():
    """The batched medians of the counts are `np.median` of each row's known values, to the bit."""

    rng = np.random.default_rng(9)
    for trial in range(200):
        n = int(rng.integers(0, 40))
        pool = [np.nan, 0.1, 0.2, 0.3, 1.0, 2.5, 7.25, 1e6]
        values = rng.choice(pool, size=n) if trial % 2 else rng.random(n) * 1e5
        known = ~np.isnan(values)
        rows = rng.random((int(rng.integers(0, 5)), n)) < rng.random()
        for row, median in zip(rows, able._row_medians(rows, values, known), strict=True):
            chosen = values[row & known]
            assert median == (float(np.median(chosen)) if chosen.size else None)


def test_cached_scores_are_the_uncached_ones_to_the_bit(arrays):
    """The batch cache (competence part and its log per codes and text) changes no score."""

    weights = load_weights()
    cache = {}
    queries = [query_of(facts) for facts in varied_queries()]
    queries += [able_query(query) for query in queries]
    for query in queries + queries[::-1]:
        cached = score_all(query, arrays, weights, cache=cache)
        fresh = score_all(query, arrays, weights)
        assert np.array_equal(cached.score, fresh.score)
        assert np.array_equal(cached.eligible, fresh.eligible)
        for name, part in fresh.parts.items():
            assert np.array_equal(cached.parts[name], part)
        assert np.array_equal(cached.text_part, fresh.text_part)
