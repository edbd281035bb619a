"""Feed progress.py from the database: aggregate in SQL, then compute in memory."""

from datetime import date

from django.utils import timezone

from dentelle.accounts.models import BuyerService
from dentelle.core.versions import cached_for_version
from dentelle.insertion.enums import FulfilmentMode
from dentelle.insertion.models import AnnualObjective, Contract, RealisedMonth
from dentelle.insertion.progress import MISSING, CommittedContract, PipelineItem, Realised, compute_progress
from dentelle.purchases.models import Finding, FindingStatus
from dentelle.referentials.models import Department
from dentelle.rules import RulesError, default_rules, family_for_cpv

# Changed by database triggers on every table these figures read (migration insertion 0004).
PROGRESS_VERSION = "insertion_progress"


def objective_hours(organisation, year):
    objective = AnnualObjective.objects.filter(organisation=organisation, year=year).first()
    return float(objective.hours) if objective else 0.0


def _contract_rows(organisation, year):
    return Contract.objects.filter(
        organisation=organisation, start_date__lte=date(year, 12, 31), end_date__gte=date(year, 1, 1)
    ).values_list(
        "signed_on",
        "start_date",
        "end_date",
        "required_hours",
        "buyer_service__code",
        "buyer_service__name",
        "department_code",
        "trade_family",
    )


def realised_for(organisation, year):
    """Validated hours by month and every dimension, read from the RealisedMonth summary (SQL)."""
    rows = RealisedMonth.objects.filter(
        organisation=organisation, month__gte=date(year, 1, 1), month__lte=date(year, 12, 31)
    ).values_list(
        "month",
        "buyer_service__code",
        "buyer_service__name",
        "department_code",
        "trade_family",
        "fulfilment_mode",
        "hours",
    )
    return Realised.from_records(
        {
            "month": month.month,
            "hours": hours,
            "service": code or name or "",
            "department": department,
            "trade_family": family,
            "fulfilment_mode": mode,
        }
        for month, code, name, department, family, mode, hours in rows
    )


def committed_for(organisation, year):
    return [
        CommittedContract(
            signed_on=signed,
            start=start,
            end=end,
            required_hours=float(required),
            service=code or name or "",
            department=department,
            trade_family=family,
        )
        for signed, start, end, required, code, name, department, family in _contract_rows(organisation, year)
    ]


def pipeline_for(organisation):
    """Accepted scanner findings whose lot has no contract yet (purchases.Finding).

    A lot can carry several accepted findings with hours (clause, 2026 condition…): the lot counts
    once, with the largest estimate, so the pipeline is not inflated. Each item carries the planned
    launch date and duration the year's figure is spread by (progress.pipeline_hours_in_year).
    """

    # Only the columns the pipeline reads: full findings carry their reasons and figures (JSON), which
    # the dashboard never shows (a third of its time on a demo organisation).
    rows = (
        Finding.objects.filter(
            status=FindingStatus.ACCEPTED,
            estimated_hours__gt=0,
            lot__operation__buyer_service__organisation=organisation,
            lot__insertion_contracts__isnull=True,
        )
        .order_by("lot_id")
        .values_list(
            "lot_id",
            "estimated_hours",
            "lot__cpv_code",
            "lot__department_codes",
            "lot__operation__buyer_service__code",
            "lot__operation__buyer_service__name",
            "lot__operation__planned_launch_date",
            "lot__duration_months",
            "lot__operation__duration_months",
        )
    )
    by_lot = {}
    for row in rows:
        if row[0] not in by_lot or row[1] > by_lot[row[0]][1]:
            by_lot[row[0]] = row
    items = []
    for row in by_lot.values():
        _lot, hours, cpv_code, department_codes, service_code, service_name, launch, months, op_months = row
        family = family_for_cpv(cpv_code) if cpv_code else None
        items.append(
            PipelineItem(
                estimated_hours=float(hours),
                service=service_code or service_name,
                department=(department_codes or [""])[0],
                trade_family=family.id if family else "",
                launch=launch,
                months=months or op_months,
            )
        )
    return items


def progress_for(organisation, year=None, as_of=None):
    as_of = as_of or timezone.localdate()
    year = year or as_of.year
    return compute_progress(
        year=year,
        as_of=as_of,
        objective=objective_hours(organisation, year),
        realised=realised_for(organisation, year),
        contracts=committed_for(organisation, year),
        pipeline=pipeline_for(organisation),
    )


def cached_progress(organisation, year=None, as_of=None):
    """`progress_for`, reused while none of the tables it reads changes (shared by the page and the API)."""
    as_of = as_of or timezone.localdate()
    year = year or as_of.year
    return cached_for_version(
        PROGRESS_VERSION,
        ("progress", organisation.pk, year, as_of),
        lambda: progress_for(organisation, year, as_of),
    )


def dimension_labels(organisation):
    """Readable labels for breakdown keys (services by code, departments, trade families, modes)."""

    labels = {
        "service": {},
        "department": {},
        "trade_family": {},
        "fulfilment_mode": dict(FulfilmentMode.choices),
    }
    for service in BuyerService.objects.filter(organisation=organisation):
        labels["service"][service.code or service.name] = service.name

    try:
        labels["trade_family"] = {f.id: f.label for f in default_rules().families}
    except RulesError:  # a broken rules file must not take the dashboard down: keys stay as they are
        pass
    labels["department"] = {d.code: f"{d.code} — {d.name}" for d in Department.objects.all()}
    for mapping in labels.values():
        mapping[MISSING] = "Non renseigné"
    # Families come from the lot's CPV code: what is left has no trade family, it is not « unknown data ».
    labels["trade_family"][MISSING] = "Hors familles de métiers (CPV sans famille)"
    return labels
