"""Plan upload page: read the file, show the column mapping (editable), the rows to check and the CPV
suggestions, then import and scan on confirmation."""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from dentelle.accounts.models import BuyerService
from dentelle.core.importing import ImportReport, run_import
from dentelle.core.permissions import CAN_EDIT_PLANS, can_create_services, require_role, writable_services
from dentelle.core.spreadsheet import UPLOAD
from dentelle.purchases.cpv_suggest import suggest_cpv
from dentelle.purchases.importer import check_services, import_plan, preview_warnings
from dentelle.purchases.planfile import FIELD_LABELS, PlanFileError, read_table_file, user_mapping
from dentelle.purchases.queries import services_of, visible_plans
from dentelle.purchases.services import scan_plan
from dentelle.purchases.upload_store import discard, keep, path_of

ALLOWED_SUFFIXES = (".csv", ".xlsx", ".json")
COLUMN_PREFIX = "col_"


def posted_mapping(post):
    """{canonical: index} from the ``col_<index>`` selects, or None when the form had none (automatic)."""
    choices = {}
    for name, value in post.items():
        if name.startswith(COLUMN_PREFIX) and name[len(COLUMN_PREFIX) :].isdigit():
            choices[int(name[len(COLUMN_PREFIX) :])] = value
    if not choices:
        return None
    return user_mapping(choices, max(choices) + 1)


def _service_scope(user, organisation):
    """What a file uploaded by ``user`` may touch: (writable services, may create a service)."""
    writable = writable_services(user, BuyerService.objects.all()).filter(organisation=organisation)
    return {"writable": writable, "create": can_create_services(user)}


def _preview_context(plan_data, report, name, user, organisation):
    check_services(
        report, plan_data=plan_data, organisation=organisation, **_service_scope(user, organisation)
    )
    preview_warnings(plan_data, report)  # the same warnings as the CLI (unknown CPV, places, nature)
    return {
        "preview": True,
        "plan_data": plan_data,
        "report": report,
        "field_choices": list(FIELD_LABELS.items()),
        "mapping": [(FIELD_LABELS.get(k, k), v) for k, v in plan_data.mapping.items()],
        "suggestions": [(op, lot) for op in plan_data.operations for lot in op.lots if lot.cpv_suggestion][
            :50
        ],
        "default_name": name,
        "editable_mapping": bool(plan_data.columns),
    }


def _organisation_of(user):
    if user.organisation_id:
        return user.organisation
    service = services_of(user).select_related("organisation").first()
    return service.organisation if service else None


@login_required
def plan_upload(request):
    require_role(request.user, CAN_EDIT_PLANS)
    organisation = _organisation_of(request.user)
    if organisation is None:
        raise Http404("Aucune organisation rattachée à votre compte.")
    services = writable_services(request.user, BuyerService.objects.all()).filter(organisation=organisation)
    context = {
        "title": "Importer une programmation",
        "services": services,
        "max_mb": settings.DENTELLE_MAX_UPLOAD_BYTES // (1024 * 1024),
    }
    if request.method == "GET" and "annuler" in request.GET:
        _discard_pending(request)
    if request.method == "POST" and request.POST.get("step") == "confirm":
        return _confirm_upload(request, organisation, services)
    if request.method == "POST" and request.POST.get("step") == "remap":
        return _remap_upload(request, context, organisation)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "Choisir un fichier.")
        elif upload.size > settings.DENTELLE_MAX_UPLOAD_BYTES:
            messages.error(request, f"Fichier trop volumineux (maximum {context['max_mb']} Mo).")
        elif not upload.name.lower().endswith(ALLOWED_SUFFIXES):
            messages.error(request, "Format accepté : CSV, XLSX ou JSON.")
        else:
            data = upload.read()
            report = ImportReport(source=upload.name)
            try:
                plan_data = read_table_file(data, upload.name, report, suggest_cpv, limits=UPLOAD)
            except PlanFileError as exc:
                messages.error(request, str(exc))
                return render(request, "purchases/upload.html", context)
            _discard_pending(request)
            request.session["plan_upload"] = {"token": keep(data), "name": upload.name}
            context.update(
                _preview_context(plan_data, report, Path(upload.name).stem, request.user, organisation)
            )
    return render(request, "purchases/upload.html", context)


def _pending_file(request):
    pending = request.session.get("plan_upload")
    path = path_of(pending.get("token")) if isinstance(pending, dict) else None
    if path is None:
        return None, None
    return pending, path


def _discard_pending(request):
    """Forget the file kept for the preview (cancelled, replaced or imported) and remove it."""
    pending = request.session.pop("plan_upload", None)
    if isinstance(pending, dict):
        discard(pending.get("token"))


def _remap_upload(request, context, organisation):
    """Read the kept file again with the columns the user chose, and show the preview again."""
    pending, path = _pending_file(request)
    if pending is None:
        messages.error(request, "Fichier expiré : le déposer à nouveau.")
        return redirect("purchases:upload")
    report = ImportReport(source=pending["name"])
    try:
        mapping = posted_mapping(request.POST)
        plan_data = read_table_file(
            path.read_bytes(), pending["name"], report, suggest_cpv, mapping=mapping, limits=UPLOAD
        )
    except PlanFileError as exc:
        messages.error(request, str(exc))
        report = ImportReport(source=pending["name"])
        plan_data = read_table_file(path.read_bytes(), pending["name"], report, suggest_cpv, limits=UPLOAD)
    name = request.POST.get("name", "").strip() or Path(pending["name"]).stem
    context.update(_preview_context(plan_data, report, name, request.user, organisation))
    return render(request, "purchases/upload.html", context)


def _confirm_upload(request, organisation, services):
    pending, path = _pending_file(request)
    if pending is None:
        messages.error(request, "Fichier expiré : le déposer à nouveau.")
        return redirect("purchases:upload")
    try:
        mapping = posted_mapping(request.POST)
    except PlanFileError as exc:
        messages.error(request, f"{exc} Import non effectué.")
        return redirect("purchases:upload")
    service = services.filter(pk=request.POST.get("service") or 0).first()
    name = request.POST.get("name", "").strip()[:200] or Path(pending["name"]).stem
    report = ImportReport(source=pending["name"])
    data = path.read_bytes()
    _discard_pending(request)  # read once more below; kept no longer, whatever the outcome
    plan_data = read_table_file(data, pending["name"], report, suggest_cpv, mapping=mapping, limits=UPLOAD)
    scope = _service_scope(request.user, organisation)
    report, committed = run_import(
        import_plan,
        wet_run=True,
        report=report,
        plan_data=plan_data,
        organisation=organisation,
        service=service,
        plan_name=name,
        source_file=pending["name"],
        writable=scope["writable"],
        create_services=scope["create"],
    )
    if not committed:
        for problem in report.errors[:20]:
            messages.error(request, str(problem))
        messages.error(request, "Import annulé : corriger le fichier et le déposer à nouveau.")
        return redirect("purchases:upload")
    plan = visible_plans(request.user).filter(organisation=organisation, name=name).first()
    if plan is None:
        messages.warning(request, "Import enregistré, mais aucune opération n'est visible avec votre rôle.")
        return redirect("purchases:plans")
    counts = scan_plan(plan)
    messages.success(
        request, f"Import enregistré et balayé : {counts['lots']} lots, {counts['findings']} propositions."
    )
    return redirect("purchases:plan", pk=plan.pk)
