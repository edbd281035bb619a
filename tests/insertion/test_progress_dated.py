"""The year's figures count only what falls in that year; no status without an objective (user review)."""

from datetime import date

import pytest

from dentelle.insertion.progress import (
    CommittedContract,
    PipelineItem,
    Realised,
    compute_progress,
    pipeline_hours_in_year,
)


def whole_year(hours, year=2027):
    return CommittedContract(date(year - 1, 12, 1), date(year, 1, 1), date(year, 12, 31), hours)


@pytest.mark.parametrize(
    ("item", "as_of", "year", "expected"),
    [
        # launched 1 Sept 2027 over 48 months: nothing in 2026, 4 months in 2027
        (PipelineItem(6000, launch=date(2027, 9, 1), months=48), date(2026, 12, 7), 2026, 0),
        (PipelineItem(6000, launch=date(2027, 9, 1), months=48), date(2026, 12, 7), 2027, 500),
        # launched in March 2026 but not awarded on 1 Oct: it can start in October at the earliest
        (PipelineItem(1200, launch=date(2026, 3, 1), months=12), date(2026, 10, 15), 2026, 300),
        # no launch date: from the month of the situation
        (PipelineItem(1200, months=12), date(2026, 7, 1), 2026, 600),
        # no duration: whole in its start month
        (PipelineItem(800, launch=date(2026, 11, 1)), date(2026, 2, 1), 2026, 800),
        (PipelineItem(800, launch=date(2027, 1, 1)), date(2026, 2, 1), 2026, 0),
        # the year is over: nothing can still happen in it
        (PipelineItem(800, months=6), date(2027, 2, 1), 2026, 0),
    ],
    ids=["later-year", "launch-year", "late-lot", "undated", "no-duration", "no-duration-next-year", "past"],
)
def test_pipeline_hours_fall_in_the_months_the_lot_can_run(item, as_of, year, expected):
    assert pipeline_hours_in_year(item, year, as_of) == pytest.approx(expected)


def test_a_lot_launched_next_year_does_not_change_this_years_hours_to_find():
    base = compute_progress(
        year=2026, as_of=date(2026, 12, 7), objective=10_000, contracts=[whole_year(1200, 2026)]
    )
    with_2027_lot = compute_progress(
        year=2026,
        as_of=date(2026, 12, 7),
        objective=10_000,
        contracts=[whole_year(1200, 2026)],
        pipeline=[PipelineItem(6000, launch=date(2027, 9, 1), months=48, service="DT")],
    )
    assert with_2027_lot.pipeline == 0 and with_2027_lot.hours_to_find == base.hours_to_find
    assert with_2027_lot.pipeline_outside == 6000
    assert all(r.pipeline == 0 for r in with_2027_lot.breakdowns["service"])


def test_no_status_without_an_objective():
    progress = compute_progress(year=2027, as_of=date(2027, 3, 1), objective=0, contracts=[whole_year(1200)])
    assert progress.status == "no_objective"
    assert "bonne voie" not in progress.message and "objectif de 0" not in progress.message
    assert progress.status_label == "Sans objectif"


def test_without_any_declaration_yet_the_projection_is_not_zero():
    """1 March 2027, two months closed, nothing declared yet: the rate is not measured."""
    progress = compute_progress(
        year=2027, as_of=date(2027, 3, 1), objective=1000, contracts=[whole_year(1200)]
    )
    assert not progress.rate_measured and progress.delivery_rate == 1.0
    assert progress.projection == pytest.approx(1200) == progress.committed
    assert progress.cumulative_projection[-1] == pytest.approx(1200)


def test_a_measured_rate_still_applies():
    realised = Realised.from_records([{"month": 1, "hours": 50}, {"month": 2, "hours": 50}])
    progress = compute_progress(
        year=2027, as_of=date(2027, 3, 1), objective=1000, realised=realised, contracts=[whole_year(1200)]
    )
    assert progress.rate_measured and progress.delivery_rate == pytest.approx(0.5)
    assert progress.projection == pytest.approx(100 + 1000 * 0.5)
