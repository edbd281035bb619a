"""Pages: dashboard, contracts and their clause wording, yearly report."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from dentelle.core.audit import log_access
from dentelle.core.downloads import download_response
from dentelle.core.permissions import (
    CAN_DECLARE_HOURS,
    CAN_SEE_PROGRESS,
    can_see_beneficiaries,
    has_role,
    require_role,
    role_of,
)
from dentelle.core.roles import Role
from dentelle.core.versions import cached_for_version
from dentelle.insertion import charts
from dentelle.insertion.clauses import ClauseFacts, clause_wording
from dentelle.insertion.dashboard import PROGRESS_VERSION, dimension_labels, progress_for
from dentelle.insertion.permissions import organisation_of, visible_contracts
from dentelle.insertion.report import build_report
from dentelle.purchases.models import Lot
from dentelle.rules import family_for_cpv
from dentelle.rules.hours import estimate_for_family

DIMENSION_TITLES = {
    "service": "Par service acheteur",
    "department": "Par département d'exécution",
    "trade_family": "Par famille de métiers",
    "fulfilment_mode": "Par modalité de réalisation",
}


# Years a report can cover; outside, `date(year, 1, 1)` would fail or the figures mean nothing.
YEARS = range(2000, 2101)


def check_year(year):
    if year not in YEARS:
        raise Http404(f"Année hors de la plage {YEARS.start}-{YEARS.stop - 1}.")


def _year_and_date(request):
    today = timezone.localdate()
    try:
        as_of = date.fromisoformat(request.GET["au"]) if request.GET.get("au") else today
        year = int(request.GET.get("annee") or as_of.year)
    except ValueError:
        as_of, year = today, today.year
    if year not in YEARS or as_of.year not in YEARS:
        as_of, year = today, today.year
    return year, as_of


@login_required
def dashboard(request):
    require_role(request.user, CAN_SEE_PROGRESS)
    organisation = organisation_of(request.user)
    year, as_of = _year_and_date(request)
    # The same for every visitor of the organisation until a table it reads changes (core.versions).
    context = cached_for_version(
        PROGRESS_VERSION,
        ("dashboard", organisation.pk, year, as_of),
        lambda: dashboard_context(organisation, year, as_of),
    )
    return render(request, "insertion/dashboard.html", {**context, "organisation": organisation})


def dashboard_context(organisation, year, as_of):
    progress = progress_for(organisation, year, as_of)
    labels = dimension_labels(organisation)
    breakdowns = [
        {
            "name": name,
            "title": DIMENSION_TITLES[name],
            "rows": [(labels[name].get(r.key, r.key), r) for r in rows],
            "chart": mark_safe(charts.breakdown_chart(rows, labels[name], DIMENSION_TITLES[name])),
        }
        for name, rows in progress.breakdowns.items()
        if rows
    ]
    context = {
        "title": "Heures d'insertion : objectif annuel",
        "progress": progress,
        "percent_realised": round(100 * progress.realised / progress.objective, 1)
        if progress.objective
        else 0,
        "percent_projection": round(100 * progress.projection / progress.objective, 1)
        if progress.objective
        else 0,
        "cumulative_chart": mark_safe(charts.cumulative_chart(progress)),
        "monthly_chart": mark_safe(charts.monthly_chart(progress)),
        "gauge": mark_safe(charts.gauge(progress)),
        "breakdowns": breakdowns,
        "months": list(
            zip(charts.MONTH_LABELS, progress.monthly_committed, progress.monthly_realised, strict=True)
        ),
    }
    # Figures, charts and tables depend on the organisation's data only: rendered once per version.
    context["figures_html"] = render_to_string("insertion/_dashboard_figures.html", context)
    return context


@login_required
def contract_list(request):
    require_role(request.user, CAN_SEE_PROGRESS)
    organisation = organisation_of(request.user)
    contracts = (
        visible_contracts(request.user, organisation)
        .select_related("buyer_service", "facilitator")
        .order_by("-signed_on", "reference")
    )
    return render(
        request, "insertion/contract_list.html", {"title": "Marchés avec clause", "contracts": contracts}
    )


def contract_facts(contract):
    lot = contract.lot
    facilitator = contract.facilitator
    return ClauseFacts(
        lot_title=lot.title if lot else contract.title,
        lot_number=lot.number if lot else "",
        operation_title=lot.operation.title if lot else contract.project_name,
        insertion_hours=float(contract.required_hours),
        buyer_name=contract.buyer_service.name if contract.buyer_service else str(contract.organisation),
        facilitator_name=facilitator.get_full_name() if facilitator else "",
        facilitator_email=facilitator.email if facilitator else "",
        duration_months=contract.duration_months,
    )


@login_required
def contract_detail(request, pk):
    require_role(request.user, CAN_SEE_PROGRESS)
    organisation = organisation_of(request.user)
    contract = get_object_or_404(
        visible_contracts(request.user, organisation).select_related(
            "lot__operation", "buyer_service", "facilitator"
        ),
        pk=pk,
    )
    declarations = contract.declarations.select_related("beneficiary", "validated_by").order_by(
        "-month", "pk"
    )
    show_beneficiaries = can_see_beneficiaries(request.user)
    if show_beneficiaries:
        log_access(
            request.user, "liste_declarations", contract, detail="identifiants des bénéficiaires affichés"
        )
    realised = sum(d.hours for d in declarations if d.status == "validated" and d.superseded_at is None)
    labels = dimension_labels(organisation)  # French names of the department and the trade family
    return render(
        request,
        "insertion/contract_detail.html",
        {
            "title": f"Marché {contract.reference}",
            "contract": contract,
            "parties": contract.parties.all(),
            "declarations": declarations,
            "realised": realised,
            "show_beneficiaries": show_beneficiaries,
            "can_validate": request.user.is_superuser or request.user.role == Role.FACILITATOR,
            "can_declare": has_role(request.user, CAN_DECLARE_HOURS),
            "clause": clause_wording(contract_facts(contract)),
            "department_label": labels["department"].get(contract.department_code, contract.department_code),
            "family_label": labels["trade_family"].get(contract.trade_family, contract.trade_family),
        },
    )


@login_required
def lot_clause(request, lot_pk):
    """Clause wording for a planned lot (before award), hours from the estimator."""

    require_role(request.user, CAN_SEE_PROGRESS)
    lot = get_object_or_404(Lot.objects.select_related("operation__buyer_service"), pk=lot_pk)
    organisation = organisation_of(request.user)
    if lot.operation.buyer_service.organisation_id != organisation.pk:
        raise Http404
    if (
        role_of(request.user) == Role.BUYER
        and lot.operation.buyer_service_id != request.user.buyer_service_id
    ):
        raise Http404  # a buyer sees only its own service's operations
    hours, estimate = lot_hours(lot)
    facilitator = organisation.user_set.filter(role=Role.FACILITATOR, is_active=True).order_by("pk").first()
    facts = ClauseFacts(
        lot_title=lot.title,
        lot_number=lot.number,
        operation_title=lot.operation.title,
        insertion_hours=hours,
        buyer_name=lot.operation.buyer_service.name,
        facilitator_name=facilitator.get_full_name() if facilitator else "",
        facilitator_email=facilitator.email if facilitator else "",
    )
    return render(
        request,
        "insertion/lot_clause.html",
        {
            "title": f"Clause sociale — {lot}",
            "lot": lot,
            "clause": clause_wording(facts),
            "estimate": estimate,
        },
    )


def lot_hours(lot):
    """Hours of a lot: the planned clause hours when the plan has them, else the estimator's figure."""
    planned = getattr(lot, "clause_hours", None) or getattr(lot, "insertion_hours", None)
    if planned:
        return float(planned), None
    if not lot.estimated_amount or not lot.cpv_code:
        return None, None

    family = family_for_cpv(lot.cpv_code)
    if family is None:
        return None, None
    estimate = estimate_for_family(lot.estimated_amount, family)
    return (float(estimate.hours) if estimate.hours else None), estimate


@login_required
def report(request, year):
    require_role(request.user, CAN_SEE_PROGRESS)
    check_year(year)
    organisation = organisation_of(request.user)
    data = build_report(organisation, year)
    return render(
        request, "insertion/report.html", {"title": f"Bilan {year} des clauses sociales", "report": data}
    )


@login_required
def report_xlsx(request, year):
    require_role(request.user, CAN_SEE_PROGRESS)
    check_year(year)
    organisation = organisation_of(request.user)
    content = build_report(organisation, year).xlsx()
    return download_response(content, f"bilan-clauses-sociales-{year}.xlsx", "xlsx", export="bilan")
