"""Pages: plans, plan summary, lot with findings (accept / reject), exports, plan upload."""

import tempfile
from pathlib import Path
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from dentelle.core.downloads import download_response
from dentelle.core.permissions import (
    CAN_DECIDE_FINDINGS,
    CAN_EDIT_PLANS,
    CAN_SEE_PROGRESS,
    has_role,
    require_role,
)
from dentelle.jobs.models import JobKind
from dentelle.jobs.services import start_job
from dentelle.purchases.models import FindingKind, ObligationException
from dentelle.purchases.permissions import visible_findings, visible_lots, visible_plans
from dentelle.purchases.plan_page import filtered_lots, plan_summary
from dentelle.purchases.queries import plan_report
from dentelle.purchases.report import KIND_LABELS, json_bytes, xlsx_report
from dentelle.purchases.services import accept_finding, reject_finding
from dentelle.purchases.supply import engine
from dentelle.purchases.views_allotment import allotment_context
from dentelle.siaes.models import Siae

UPLOAD_DIR = Path(tempfile.gettempdir()) / "dentelle_plan_uploads"
ALLOWED_SUFFIXES = (".csv", ".xlsx", ".json")


def _plan_or_404(user, pk):
    return get_object_or_404(visible_plans(user), pk=pk)


@login_required
def plan_list(request):
    require_role(request.user, CAN_SEE_PROGRESS)
    plans = visible_plans(request.user).select_related("organisation")  # the table names each one's
    return render(
        request,
        "purchases/plan_list.html",
        {
            "plans": plans,
            "title": "Programmation des achats",
            "can_import": has_role(request.user, CAN_EDIT_PLANS),
        },
    )


def _bar(value, objective, width=600):
    share = min(1.0, value / objective) if objective else 0
    return {
        "width": width,
        "filled": round(width * share),
        "percent": round(100 * value / objective) if objective else 0,
    }


PLAN_PAGE_SIZE = 100
# Above this many lots, the exports are written by the worker (a job) instead of inside the request.
EXPORT_INLINE_MAX_LOTS = 5000


@login_required
def plan_detail(request, pk):
    """Summary aggregated by the database, lots paginated: a fixed number of queries whatever the plan."""
    require_role(request.user, CAN_SEE_PROGRESS)
    plan = _plan_or_404(request.user, pk)
    summary = plan_summary(plan, request.user)
    kind = request.GET.get("type", "")
    service = request.GET.get("service", "")
    page = Paginator(filtered_lots(plan, request.user, kind, service), PLAN_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    objective = summary.get("annual_objective_hours") or 0
    return render(
        request,
        "purchases/plan_detail.html",
        {
            "plan": plan,
            "summary": summary,
            "bar": _bar(summary["potential_hours"], objective),
            "kinds": [(k, KIND_LABELS[k], summary["lots_by_kind"].get(k, 0)) for k in KIND_LABELS],
            "page": page,
            "filter_query": urlencode({k: v for k, v in (("type", kind), ("service", service)) if v}),
            "kind": kind,
            "service": service,
            "can_decide": has_role(request.user, CAN_DECIDE_FINDINGS),
            "export_by_job": summary["lots"] > EXPORT_INLINE_MAX_LOTS,
            "title": plan.name,
        },
    )


@login_required
@require_POST
def plan_export_job(request, pk):
    """A large plan's export, written by the worker; the job's page gives the file when it is ready."""
    require_role(request.user, CAN_SEE_PROGRESS)
    plan = _plan_or_404(request.user, pk)
    fmt = request.POST.get("format", "")
    if fmt not in ("json", "xlsx"):
        raise Http404("Format inconnu.")
    job = start_job(
        JobKind.PLAN_EXPORT,
        f"Export {fmt.upper()} de « {plan.name} »",
        organisation=plan.organisation,
        user=request.user,
        params={"plan": plan.pk, "format": fmt},
    )
    return redirect("jobs:detail", pk=job.pk)


@login_required
def plan_export(request, pk, fmt):
    require_role(request.user, CAN_SEE_PROGRESS)
    if fmt not in ("json", "xlsx"):
        raise Http404("Format inconnu.")
    plan = _plan_or_404(request.user, pk)
    report = plan_report(plan, request.user)
    for entry in report["lots"]:
        entry.pop("all_findings", None)
    content = json_bytes(report) if fmt == "json" else xlsx_report(report)
    return download_response(
        content, f"programmation-{plan.pk}.{fmt}", fmt, export="programmation", rows=len(report["lots"])
    )


@login_required
@require_POST
def plan_rescan(request, pk):
    """Scanning again runs in the background (decisions kept); the job's page shows its progress."""
    require_role(request.user, CAN_DECIDE_FINDINGS)
    plan = _plan_or_404(request.user, pk)
    job = start_job(
        JobKind.PLAN_SCAN,
        f"Nouveau balayage de « {plan.name} »",
        organisation=plan.organisation,
        user=request.user,
        params={"plan": plan.pk},
    )
    messages.info(request, "Balayage lancé en arrière-plan : les décisions déjà prises seront conservées.")
    return redirect("jobs:detail", pk=job.pk)


@login_required
def lot_detail(request, pk):
    require_role(request.user, CAN_SEE_PROGRESS)
    lot = get_object_or_404(
        visible_lots(request.user).select_related("operation__buyer_service", "operation__plan"), pk=pk
    )
    # An empty directory has no ranking to show; the page still shows the findings.
    ranking = engine().ranked_structures(lot, top=10) if Siae.objects.exists() else None
    return render(
        request,
        "purchases/lot_detail.html",
        {
            "lot": lot,
            "operation": lot.operation,
            "findings": lot.findings.order_by("rule_id", "subject"),
            "line_items": lot.operation.line_items.all(),
            "ranking": ranking,
            "allotment": allotment_context(request, lot),
            "can_decide": has_role(request.user, CAN_DECIDE_FINDINGS),
            "kind_labels": dict(FindingKind.choices),
            "exceptions": ObligationException.choices[1:],
            "title": f"Lot {lot.number} — {lot.title[:80]}",
        },
    )


@login_required
@require_POST
def finding_decide(request, pk):
    require_role(request.user, CAN_DECIDE_FINDINGS)
    finding = get_object_or_404(visible_findings(request.user).select_related("lot"), pk=pk)
    decision = request.POST.get("decision")
    if decision == "accept":
        try:
            accept_finding(finding, request.user)
            messages.success(request, "Proposition acceptée : mesures prévues du lot mises à jour.")
        except ValidationError as exc:  # an allotment whose sites changed since it was proposed
            messages.error(request, " ".join(exc.messages))
    elif decision == "reject":
        try:
            reject_finding(finding, request.user, request.POST.get("reason", ""))
            messages.success(request, "Proposition rejetée.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, "Décision inconnue.")
    return redirect("purchases:lot", pk=finding.lot_id)


@login_required
@require_POST
def lot_exception(request, pk):
    """Record (or clear) an exception to the 2026 mandatory social condition: code and reason."""
    require_role(request.user, CAN_DECIDE_FINDINGS)
    lot = get_object_or_404(visible_lots(request.user), pk=pk)
    code = request.POST.get("code", "")
    text = request.POST.get("text", "").strip()
    if code and code not in ObligationException.values:
        messages.error(request, "Code d'exception inconnu.")
    elif code and not text:
        messages.error(request, "Le motif de l'exception est obligatoire.")
    else:
        lot.obligation_exception_code, lot.obligation_exception_text = code, text
        lot.save(update_fields=["obligation_exception_code", "obligation_exception_text", "updated_at"])
        messages.success(request, "Exception enregistrée." if code else "Exception retirée.")
    return redirect("purchases:lot", pk=lot.pk)
