"""progress.py is pure: no database here."""

from datetime import date

import numpy as np
import pytest

from dentelle.insertion.progress import (
    MAX_DELIVERY_RATE,
    Coded,
    CommittedContract,
    PipelineItem,
    Realised,
    committed_matrix,
    compute_progress,
    elapsed_months,
    month_add,
)


def contract(start, end, hours, signed=None, **dims):
    return CommittedContract(signed or start, start, end, hours, **dims)


def whole_year(hours, **dims):
    """A contract signed on 1 January 2026 and executed over the whole year."""
    return contract(date(2026, 1, 1), date(2026, 12, 31), hours, **dims)


def progress_2026(as_of, objective, records=None, contracts=(), pipeline=()):
    """compute_progress for 2026, the realised hours given as records (None: nothing realised)."""
    realised = Realised.from_records(records) if records is not None else None
    return compute_progress(
        year=2026, as_of=as_of, objective=objective, realised=realised, contracts=contracts, pipeline=pipeline
    )


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [(date(2025, 12, 31), 0), (date(2026, 1, 1), 1), (date(2026, 6, 30), 6), (date(2027, 1, 5), 12)],
    ids=["before-year", "first-day", "mid-year", "after-year"],
)
def test_elapsed_months(as_of, expected):
    assert elapsed_months(2026, as_of) == expected


@pytest.mark.parametrize(
    ("start", "end", "hours", "in_year"),
    [
        (date(2026, 1, 1), date(2026, 12, 31), 1200, 1200),  # whole year
        (date(2025, 7, 1), date(2026, 6, 30), 1200, 600),  # half before the year
        (date(2026, 11, 1), date(2027, 2, 28), 400, 200),  # two of four months in the year
        (date(2024, 1, 1), date(2025, 12, 31), 900, 0),  # over before the year
        (date(2026, 3, 15), date(2026, 3, 20), 50, 50),  # within one month
    ],
    ids=["whole-year", "straddles-start", "straddles-end", "before", "one-month"],
)
def test_committed_hours_are_spread_evenly_over_execution_months(start, end, hours, in_year):
    _, matrix = committed_matrix([contract(start, end, hours)], 2026, date(2026, 12, 31))
    assert matrix.sum() == pytest.approx(in_year)


def test_unsigned_contract_is_not_committed():
    signed_later = contract(date(2026, 1, 1), date(2026, 12, 31), 1200, signed=date(2026, 8, 1))
    progress = progress_2026(date(2026, 6, 30), 1000, contracts=[signed_later])
    assert progress.committed == 0
    later = progress_2026(date(2026, 8, 1), 1000, contracts=[signed_later])
    assert later.committed == pytest.approx(1200)


def test_realised_counts_only_months_up_to_the_date():
    records = [{"month": 2, "hours": 40}, {"month": 5, "hours": 60}, {"month": 9, "hours": 7}]
    progress = progress_2026(date(2026, 5, 3), 100, records)
    assert progress.realised == 100
    assert progress.monthly_realised[1] == 40 and progress.monthly_realised[8] == 0
    assert progress.cumulative_realised == [0, 40, 40, 40, 100]


@pytest.mark.parametrize(
    ("realised_hours", "pipeline", "status", "to_find"),
    [
        # 15 June: five months closed (500 h due); June and later (700 h) still ahead.
        (600, 0, "on_track", 0),  # rate 1.2: projection = 600 + 700 × 1.2 = 1440 ≥ 1000
        (300, 0, "at_risk", 280),  # rate 0.6: projection 300 + 700 × 0.6 = 720
        (300, 500, "pipeline_covers", 0),  # pipeline closes the 280 h gap
        (300, 100, "at_risk", 180),  # pipeline too small
    ],
    ids=["on-track", "at-risk", "pipeline-covers", "pipeline-short"],
)
def test_status_and_hours_to_find(realised_hours, pipeline, status, to_find):
    progress = progress_2026(
        date(2026, 6, 15),
        1000,
        [{"month": 3, "hours": realised_hours}],
        contracts=[whole_year(1200)],
        pipeline=[PipelineItem(pipeline)] if pipeline else [],
    )
    assert progress.status == status
    assert progress.hours_to_find == pytest.approx(to_find)
    assert progress.message.startswith("En bonne voie" if status == "on_track" else "À risque")


def test_delivery_rate_is_capped():
    progress = progress_2026(
        date(2026, 2, 1), 1, [{"month": 1, "hours": 10_000}], contracts=[whole_year(1200)]
    )
    assert progress.delivery_rate == MAX_DELIVERY_RATE
    assert progress.projection == pytest.approx(10_000 + 1100 * MAX_DELIVERY_RATE)


def test_without_commitment_the_rate_is_one_and_projection_is_realised():
    progress = progress_2026(date(2026, 3, 1), 100, [{"month": 1, "hours": 50}])
    assert progress.delivery_rate == 1.0 and progress.projection == 50 and progress.gap == 50


def test_breakdowns_by_every_dimension():
    progress = progress_2026(
        date(2026, 12, 31),
        100,
        [
            {
                "month": 1,
                "hours": 30,
                "service": "DL",
                "department": "94",
                "trade_family": "cleaning",
                "fulfilment_mode": "DIRECT_HIRE",
            },
            {
                "month": 2,
                "hours": 20,
                "service": "DT",
                "department": "93",
                "trade_family": "green_spaces",
                "fulfilment_mode": "SUBCONTRACTING",
            },
        ],
        contracts=[whole_year(120, service="DL", department="94")],
        pipeline=[PipelineItem(70, service="DT", trade_family="green_spaces")],
    )
    service = {r.key: r for r in progress.breakdowns["service"]}
    assert service["DL"].realised == 30 and service["DL"].committed == pytest.approx(120)
    assert service["DT"].realised == 20 and service["DT"].pipeline == 70
    modes = {r.key: r.realised for r in progress.breakdowns["fulfilment_mode"]}
    assert modes == {"DIRECT_HIRE": 30, "SUBCONTRACTING": 20}
    assert {r.key for r in progress.breakdowns["department"]} == {
        "94",
        "93",
        "—",
    }  # pipeline item without one
    assert sum(r.realised for r in progress.breakdowns["trade_family"]) == progress.realised


def test_arrays_and_records_give_the_same_result():
    rng = np.random.default_rng(1)
    month = rng.integers(1, 13, 5000)
    hours = rng.uniform(1, 100, 5000)
    service = rng.integers(0, 3, 5000)
    labels = ("A", "B", "C")
    arrays = Realised(month, hours, {"service": Coded(service, labels)})
    records = Realised.from_records(
        {"month": int(m), "hours": float(h), "service": labels[s]}
        for m, h, s in zip(month, hours, service, strict=True)
    )
    a = compute_progress(year=2026, as_of=date(2026, 8, 31), objective=1, realised=arrays)
    b = compute_progress(year=2026, as_of=date(2026, 8, 31), objective=1, realised=records)
    assert a.realised == pytest.approx(b.realised)
    assert {r.key: r.realised for r in a.breakdowns["service"]} == pytest.approx(
        {r.key: r.realised for r in b.breakdowns["service"]}
    )
    assert a.realised == pytest.approx(hours[month <= 8].sum())


def test_as_dict_is_json_ready():
    import json

    progress = progress_2026(date(2026, 2, 1), 10)
    data = json.loads(json.dumps(progress.as_dict()))
    assert (
        data["as_of"] == "2026-02-01" and data["status"] == "at_risk" and len(data["monthly_committed"]) == 12
    )


def test_the_current_month_is_still_ahead():
    """1 December: December's committed hours are not « échues » and still count in the projection."""
    records = [{"month": m, "hours": 100} for m in range(1, 12)]
    progress = progress_2026(date(2026, 12, 1), 1300, records, contracts=[whole_year(1200)])
    assert progress.committed_to_date == pytest.approx(1100) and progress.committed_ahead == pytest.approx(
        100
    )
    assert progress.delivery_rate == pytest.approx(1.0)
    assert progress.projection == pytest.approx(1200)  # December still to come
    assert progress.gap == pytest.approx(100) and progress.hours_to_find == pytest.approx(100)


def test_hours_already_declared_for_the_current_month_are_not_counted_twice():
    records = [{"month": 5, "hours": 100}, {"month": 6, "hours": 40}]
    progress = progress_2026(
        date(2026, 6, 20), 1000, records, contracts=[contract(date(2026, 5, 1), date(2026, 6, 30), 200)]
    )
    assert progress.delivery_rate == pytest.approx(1.0)
    assert progress.projection == pytest.approx(200)  # 100 + 40 + (100 − 40)


def test_records_without_a_family_are_listed_last():
    records = [
        {"month": 1, "hours": 500, "trade_family": ""},
        {"month": 1, "hours": 10, "trade_family": "cleaning"},
    ]
    progress = progress_2026(date(2026, 3, 1), 1, records)
    assert [r.key for r in progress.breakdowns["trade_family"]] == ["cleaning", "—"]


def test_month_add_crosses_years_both_ways():
    assert month_add(date(2026, 12, 15), 1) == date(2027, 1, 1)
    assert month_add(date(2026, 1, 31), -1) == date(2025, 12, 1)
    assert month_add(date(2026, 3, 1), 0) == date(2026, 3, 1)
