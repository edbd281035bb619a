# pure: no database
"""Progress toward the annual objective of insertion hours (pure: stdlib and numpy only).

Three streams, for a year seen from a date ``as_of``:

- realised: validated hours declared for months up to ``as_of``'s month;
- committed: hours required by contracts signed by ``as_of``, spread evenly over their execution
  months (month of start to month of end, both included) — only the months in the year count;
  « échu » (due) means the months **closed** before ``as_of``'s month: the current month's hours are still
  to be worked and declared (declarations arrive the month after), so they count as ahead;
- pipeline: hours estimated on accepted scanner findings not yet awarded, dated like a contract: spread
  evenly over the lot's duration in months from its earliest possible start — the month of the planned
  launch date, or ``as_of``'s month when that is later or the lot has no launch date (a lot not awarded
  yet cannot have started); a lot without a duration counts whole in that start month. Only the months
  in the year count: a lot launched in 2027 adds nothing to 2026.

Projection of the year end (documented rule, no source gives one):
    delivery_rate = realised / committed over the closed months (1 when nothing was committed yet,
                    capped at MAX_DELIVERY_RATE so a single early over-delivery does not run away);
                    not measured (1) when no hour at all is declared yet for the closed months: their
                    declarations are late, not zero work — the closed months then count like the
                    months ahead, so the projection is not 0 h against thousands of hours committed
    projection    = realised + Σ over the current and later months (every month when the rate is not
                    measured) of max(0, committed × delivery_rate − already realised that month)
    gap           = objective − projection          (« écart à l'objectif »)
    hours_to_find = max(0, gap − pipeline)          (« heures à trouver » : the gap the accepted
                    recommendations not yet awarded do not cover)
Status: "no_objective" when no objective is set (no status to give), "on_track" when
projection ≥ objective, "pipeline_covers" when the pipeline would close the gap, "at_risk" otherwise.
"""

from dataclasses import dataclass, field
from datetime import date

import numpy as np

MONTHS = 12
MAX_DELIVERY_RATE = 1.5
DIMENSIONS = ("service", "department", "trade_family", "fulfilment_mode")
MISSING = "—"


@dataclass(frozen=True)
class Coded:
    """A categorical column: integer codes into ``labels`` (cheap to aggregate with bincount)."""

    codes: np.ndarray
    labels: tuple

    @classmethod
    def encode(cls, values):
        index = {}
        codes = np.fromiter((index.setdefault(v or MISSING, len(index)) for v in values), dtype=np.int64)
        return cls(codes, tuple(index))


@dataclass
class Realised:
    """Validated hours, one row per declaration or per pre-aggregated group (month 1–12)."""

    month: np.ndarray
    hours: np.ndarray
    dims: dict = field(default_factory=dict)  # dimension name -> Coded

    @classmethod
    def from_records(cls, records):
        """records: iterables of dicts with month (1–12), hours and any of DIMENSIONS."""
        records = list(records)
        month = np.array([r["month"] for r in records], dtype=np.int64)
        hours = np.array([float(r["hours"]) for r in records], dtype=np.float64)
        dims = {name: Coded.encode(r.get(name, "") for r in records) for name in DIMENSIONS}
        return cls(month, hours, dims)


@dataclass(frozen=True)
class CommittedContract:
    signed_on: date
    start: date
    end: date
    required_hours: float
    service: str = ""
    department: str = ""
    trade_family: str = ""


@dataclass(frozen=True)
class PipelineItem:
    estimated_hours: float
    service: str = ""
    department: str = ""
    trade_family: str = ""
    launch: date | None = None  # planned launch date of the lot's consultation
    months: int | None = None  # the lot's (or its operation's) duration


STATUS_LABELS = {
    "no_objective": "Sans objectif",
    "on_track": "En bonne voie",
    "pipeline_covers": "À risque (le projet comblerait l'écart)",
    "at_risk": "À risque",
}


def month_add(day, months):
    """The first day of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def pipeline_hours_in_year(item, year, as_of):
    """The hours of a not yet awarded lot that fall in ``year`` (see the module's docstring)."""
    now = as_of.year * 12 + as_of.month - 1
    start = max(item.launch.year * 12 + item.launch.month - 1, now) if item.launch else now
    months = max(int(item.months or 1), 1)
    in_year = max(0, min(start + months, (year + 1) * 12) - max(start, year * 12))
    return float(item.estimated_hours) * in_year / months


@dataclass
class BreakdownRow:
    key: str
    realised: float = 0.0
    committed: float = 0.0
    committed_to_date: float = 0.0
    pipeline: float = 0.0
    projection: float = 0.0


@dataclass
class Progress:
    year: int
    as_of: date
    objective: float
    elapsed_months: int
    closed_months: int
    committed_ahead: float  # committed hours of the current and later months of the year
    realised: float
    committed: float
    committed_to_date: float
    pipeline: float
    delivery_rate: float
    rate_measured: bool  # False: no hour declared yet for the closed months (rate taken as 1)
    pipeline_outside: float  # pipeline hours falling in other years (later launch, longer lots)
    projection: float
    gap: float
    hours_to_find: float
    status: str
    monthly_realised: list
    monthly_committed: list
    cumulative_realised: list
    cumulative_projection: list
    breakdowns: dict

    @property
    def message(self):
        return status_message(self)

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    def as_dict(self):
        data = {k: v for k, v in vars(self).items() if k != "breakdowns"}
        data["as_of"] = self.as_of.isoformat()
        data["message"] = self.message
        data["breakdowns"] = {name: [vars(row) for row in rows] for name, rows in self.breakdowns.items()}
        return data


def status_message(progress):
    fmt = _hours_fr
    if progress.status == "no_objective":
        return (
            f"Pas de statut sans objectif : la projection de fin d'année est de {fmt(progress.projection)}, "
            f"dont {fmt(progress.realised)} déjà réalisées."
        )
    if progress.status == "on_track":
        return (
            f"En bonne voie : la projection de fin d'année ({fmt(progress.projection)}) atteint "
            f"l'objectif de {fmt(progress.objective)}."
        )
    if progress.status == "pipeline_covers":
        return (
            f"À risque : il manque {fmt(progress.gap)} sur les marchés signés ; les recommandations "
            f"acceptées non encore attribuées ({fmt(progress.pipeline)}) suffiraient si elles aboutissent."
        )
    return (
        f"À risque : il reste {fmt(progress.hours_to_find)} à trouver au-delà des marchés signés et "
        f"des recommandations acceptées pour atteindre {fmt(progress.objective)}."
    )


def _hours_fr(value):
    return f"{round(value):,} h".replace(",", "\u202f")


def elapsed_months(year, as_of):
    """Months of ``year`` that have started by ``as_of`` (0–12)."""
    if as_of.year < year:
        return 0
    if as_of.year > year:
        return MONTHS
    return as_of.month


def closed_months(year, as_of):
    """Months of ``year`` that are over by ``as_of`` (0–12): the current month is not."""
    if as_of.year < year:
        return 0
    if as_of.year > year:
        return MONTHS
    return as_of.month - 1


def committed_matrix(contracts, year, as_of):
    """Hours per contract per month of ``year`` (contracts × 12), for contracts signed by ``as_of``."""
    signed = [c for c in contracts if c.signed_on <= as_of]
    if not signed:
        return signed, np.zeros((0, MONTHS))
    start = np.array([c.start.year * 12 + c.start.month - 1 for c in signed])
    end = np.array([c.end.year * 12 + c.end.month - 1 for c in signed])
    required = np.array([float(c.required_hours) for c in signed])
    per_month = required / np.maximum(end - start + 1, 1)
    months = year * 12 + np.arange(MONTHS)
    active = (months[None, :] >= start[:, None]) & (months[None, :] <= end[:, None])
    return signed, active * per_month[:, None]


def compute_progress(*, year, as_of, objective, realised=None, contracts=(), pipeline=()):
    elapsed = elapsed_months(year, as_of)
    realised = realised or Realised(np.zeros(0, np.int64), np.zeros(0))
    in_time = (realised.month >= 1) & (realised.month <= elapsed)
    month_idx = realised.month[in_time] - 1
    hours = realised.hours[in_time]
    monthly_realised = np.bincount(month_idx, weights=hours, minlength=MONTHS)[:MONTHS]

    signed, matrix = committed_matrix(list(contracts), year, as_of)
    monthly_committed = matrix.sum(axis=0) if len(signed) else np.zeros(MONTHS)

    closed = closed_months(year, as_of)
    total_realised = float(monthly_realised.sum())
    committed_to_date = float(monthly_committed[:closed].sum())
    realised_closed = float(monthly_realised[:closed].sum())
    rate_measured = committed_to_date <= 0 or realised_closed > 0
    rate = _delivery_rate(realised_closed, committed_to_date) if rate_measured else 1.0
    first_ahead = closed if rate_measured else 0
    ahead = np.maximum(monthly_committed[first_ahead:] * rate - monthly_realised[first_ahead:], 0)
    projection = total_realised + float(ahead.sum())
    pipeline = [(item, pipeline_hours_in_year(item, year, as_of)) for item in pipeline]
    pipeline_hours = float(sum(hours for _, hours in pipeline))
    pipeline_outside = float(sum(float(item.estimated_hours) for item, _ in pipeline)) - pipeline_hours
    objective = float(objective)
    gap = objective - projection
    hours_to_find = max(0.0, gap - pipeline_hours)
    if objective <= 0:
        status = "no_objective"
    elif gap <= 0:
        status = "on_track"
    elif hours_to_find <= 0:
        status = "pipeline_covers"
    else:
        status = "at_risk"

    projected_months = monthly_realised.copy()
    projected_months[first_ahead:] = np.maximum(
        monthly_committed[first_ahead:] * rate, monthly_realised[first_ahead:]
    )
    breakdowns = {
        name: _breakdown(name, realised, in_time, signed, matrix, closed, rate, pipeline, first_ahead)
        for name in DIMENSIONS
    }
    return Progress(
        year=year,
        as_of=as_of,
        objective=objective,
        elapsed_months=elapsed,
        closed_months=closed,
        committed_ahead=float(monthly_committed[closed:].sum()),
        realised=total_realised,
        committed=float(monthly_committed.sum()),
        committed_to_date=committed_to_date,
        pipeline=pipeline_hours,
        delivery_rate=rate,
        rate_measured=rate_measured,
        pipeline_outside=pipeline_outside,
        projection=projection,
        gap=gap,
        hours_to_find=hours_to_find,
        status=status,
        monthly_realised=monthly_realised.tolist(),
        monthly_committed=monthly_committed.tolist(),
        cumulative_realised=np.cumsum(monthly_realised)[:elapsed].tolist(),
        cumulative_projection=np.cumsum(projected_months).tolist(),
        breakdowns=breakdowns,
    )


def _delivery_rate(realised, committed_to_date):
    if committed_to_date <= 0:
        return 1.0
    return min(realised / committed_to_date, MAX_DELIVERY_RATE)


def _breakdown(name, realised, in_time, signed, matrix, closed, rate, pipeline, first_ahead):
    rows = {}

    def row(key):
        key = key or MISSING
        if key not in rows:
            rows[key] = BreakdownRow(key)
        return rows[key]

    coded = realised.dims.get(name)
    if coded is not None and len(coded.labels):
        sums = np.bincount(coded.codes[in_time], weights=realised.hours[in_time], minlength=len(coded.labels))
        for label, value in zip(coded.labels, sums, strict=False):
            if value:
                row(label).realised += float(value)
    if name != "fulfilment_mode" and signed:  # contracts and findings have no fulfilment mode
        keys = Coded.encode(getattr(c, name) for c in signed)
        size = len(keys.labels)
        committed = np.bincount(keys.codes, weights=matrix.sum(axis=1), minlength=size)
        to_date = np.bincount(keys.codes, weights=matrix[:, :closed].sum(axis=1), minlength=size)
        remaining = np.bincount(keys.codes, weights=matrix[:, first_ahead:].sum(axis=1), minlength=size)
        for i, label in enumerate(keys.labels):
            r = row(label)
            r.committed += float(committed[i])
            r.committed_to_date += float(to_date[i])
            r.projection += float(remaining[i]) * rate
    if name != "fulfilment_mode":
        for item, hours in pipeline:
            if hours:
                row(getattr(item, name)).pipeline += hours
    for r in rows.values():
        r.projection += r.realised
    # The row of records without this dimension comes last: it is a gap in the data, not a category.
    return sorted(
        rows.values(), key=lambda r: (r.key == MISSING, -(r.realised + r.committed + r.pipeline), r.key)
    )
