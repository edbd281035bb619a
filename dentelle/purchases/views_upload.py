"""Plan upload page: read the file, show the column mapping (editable), the rows to check and the CPV
suggestions, then hand the import and the scan to a background job on confirmation (the page answers at
once and shows the job's progress).

A large CSV is previewed on its first ``PREVIEW_ROWS`` rows: the request stays short whatever the size of
the plan; the job reads it all, with the same mapping, and reports every row's problem."""

import csv
import io
import itertools
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from dentelle.accounts.models import BuyerService
from dentelle.core import tabular
from dentelle.core.formatting import format_amount
from dentelle.core.importing import ImportReport
from dentelle.core.permissions import CAN_EDIT_PLANS, can_create_services, require_role, writable_services
from dentelle.core.spreadsheet import UPLOAD, SpreadsheetError, iter_sheet_rows, open_workbook
from dentelle.jobs.models import JobKind
from dentelle.jobs.services import start_job
from dentelle.purchases.cpv_suggest import suggest_cpv
from dentelle.purchases.importer import import_outcome, preview_warnings
from dentelle.purchases.job_handlers import job_limits
from dentelle.purchases.permissions import services_of, visible_plans
from dentelle.purchases.plan_columns import FIELD_LABELS, user_mapping
from dentelle.purchases.plan_data import PlanFileError, decode
from dentelle.purchases.plan_services import check_services
from dentelle.purchases.planfile import read_table_file
from dentelle.purchases.upload_store import discard, keep, path_of

ALLOWED_SUFFIXES = (".csv", ".xlsx", ".json")
COLUMN_PREFIX = "col_"
PREVIEW_ROWS = 2000  # rows of a CSV read in the request (header search included)
SAMPLE_ROWS = 10  # rows shown as read, to check before confirming
MIN_YEAR, MAX_YEAR = 2000, 2100


def posted_choices(post):
    """{column index: canonical} from the ``col_<index>`` selects ({} when the form had none)."""
    return {
        int(name[len(COLUMN_PREFIX) :]): value
        for name, value in post.items()
        if name.startswith(COLUMN_PREFIX) and name[len(COLUMN_PREFIX) :].isdigit()
    }


def posted_mapping(post):
    """{canonical: index} from the ``col_<index>`` selects, or None when the form had none (automatic)."""
    choices = posted_choices(post)
    if not choices:
        return None
    return user_mapping(choices, max(choices) + 1)


def _xlsx_preview_part(data, name):
    """An .xlsx beyond ``PREVIEW_ROWS`` rows: a small workbook of its first sheet's first rows (cells keep
    their types: numbers, dates), read lazily; the line-item sheet is left to the job. Any problem: the
    whole file, whose normal read says what is wrong."""
    from openpyxl import Workbook  # lazy: openpyxl costs start-up time; only large workbooks need it here

    limits = job_limits()
    try:
        workbook = open_workbook(data, name, limits)
    except SpreadsheetError:
        return data, 0
    try:
        sheet = workbook.worksheets[0]
        rows = list(
            itertools.islice(
                iter_sheet_rows(sheet, data, name, limits.max_rows, limits.max_columns), PREVIEW_ROWS + 1
            )
        )
        declared = sheet.max_row if isinstance(sheet.max_row, int) else 0
    except (SpreadsheetError, IndexError):
        return data, 0
    finally:
        workbook.close()
    if len(rows) <= PREVIEW_ROWS:
        return data, 0
    small = Workbook(write_only=True)
    part = small.create_sheet(sheet.title)
    for row in rows[:PREVIEW_ROWS]:
        part.append(row)
    out = io.BytesIO()
    small.save(out)
    # Rows left out as the sheet declares them (-1: not declared, as some writers leave it).
    return out.getvalue(), declared - PREVIEW_ROWS if declared > PREVIEW_ROWS + 1 else -1


def preview_part(data, name):
    """(bytes to preview, rows left out): a CSV or an .xlsx beyond ``PREVIEW_ROWS`` rows is cut to its
    first rows (a CSV rewritten with its delimiter, so quoted line breaks stay whole); JSON is whole."""
    if name.lower().endswith(".xlsx"):
        return _xlsx_preview_part(data, name)
    if not name.lower().endswith(".csv") or data.count(b"\n") <= PREVIEW_ROWS:
        return data, 0
    try:
        text = decode(data, name)
    except PlanFileError:
        return data, 0  # the full read says why
    delimiter = tabular.sniff_delimiter(text)
    reader = tabular.csv_reader(text, delimiter)
    try:
        head = list(itertools.islice(reader, PREVIEW_ROWS))
        more = next(reader, None) is not None
    except csv.Error:
        return data, 0
    if not more:
        return data, 0
    # Lines left out, counted as line breaks (not parsed: the request stays short; the job parses them).
    rest = max(1, data.count(b"\n") - reader.line_num + 1)
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(head)
    return out.getvalue().encode("utf-8"), rest


def read_preview(data, name, report, mapping=None):
    part, left_out = preview_part(data, name)
    plan_data = read_table_file(part, name, report, suggest_cpv, mapping=mapping, limits=UPLOAD)
    return plan_data, left_out


def _service_scope(user, organisation):
    """What a file uploaded by ``user`` may touch: (writable services, may create a service)."""
    writable = writable_services(user, BuyerService.objects.all()).filter(organisation=organisation)
    return {"writable": writable, "create": can_create_services(user)}


def posted_year(post):
    """The year typed in the form (None when blank); ``PlanFileError`` when it is not a year."""
    text = str(post.get("year", "")).strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit() and MIN_YEAR <= int(text) <= MAX_YEAR):
        raise PlanFileError(f"Année « {text[:20]} » invalide ({MIN_YEAR} à {MAX_YEAR}).")
    return int(text)


def sample_rows(plan_data, count=SAMPLE_ROWS):
    """The file's first lots as read, for the user to check them before confirming: (line, object,
    service, CPV, amount in French, place, launch date)."""
    lots = sorted(
        ((lot, operation) for operation in plan_data.operations for lot in operation.lots),
        key=lambda pair: pair[0].line or 0,
    )
    rows = []
    for lot, operation in lots[:count]:
        amount = lot.amount
        decimals = 0 if amount is None or amount == amount.to_integral_value() else 2
        launch = operation.launch_date.strftime("%d/%m/%Y") if operation.launch_date else ""
        rows.append(
            (
                lot.line,
                lot.title,
                operation.service,
                lot.cpv,
                format_amount(amount, decimals),
                lot.place,
                launch,
            )
        )
    return rows


def _preview_context(plan_data, report, name, user, organisation, year=None):
    scope = _service_scope(user, organisation)
    check_services(report, plan_data=plan_data, organisation=organisation, **scope)
    preview_warnings(plan_data, report)  # the same warnings as the CLI (unknown CPV, places, nature)
    existing, plan_year, year_source = import_outcome(
        organisation, name, plan_data.year, year, scope["writable"]
    )
    return {
        "existing_plan": existing,
        "plan_year": plan_year,
        "year_source": year_source,
        "chosen_year": year or "",
        "sample": sample_rows(plan_data),
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
        "max_mb": settings.DENTELLE_PLAN_MAX_UPLOAD_BYTES // (1024 * 1024),
        # Offered in the name field: importing into one of them updates it in place.
        "plan_names": list(
            visible_plans(request.user).filter(organisation=organisation).values_list("name", flat=True)[:50]
        ),
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
        elif upload.size > settings.DENTELLE_PLAN_MAX_UPLOAD_BYTES:
            messages.error(request, f"Fichier trop volumineux (maximum {context['max_mb']} Mo).")
        elif not upload.name.lower().endswith(ALLOWED_SUFFIXES):
            messages.error(request, "Format accepté : CSV, XLSX ou JSON.")
        else:
            data = upload.read()
            report = ImportReport(source=upload.name)
            name = request.POST.get("name", "").strip()[:200] or Path(upload.name).stem
            try:
                year = posted_year(request.POST)
            except PlanFileError as exc:
                messages.error(request, str(exc))
                year = None
            try:
                plan_data, left_out = read_preview(data, upload.name, report)
            except PlanFileError as exc:
                messages.error(request, str(exc))
                return render(request, "purchases/upload.html", context)
            _discard_pending(request)
            request.session["plan_upload"] = {"token": keep(data), "name": upload.name}
            context.update(
                _preview_context(plan_data, report, name, request.user, organisation, year),
                left_out=left_out,
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
    data = path.read_bytes()
    try:
        plan_data, left_out = read_preview(data, pending["name"], report, posted_mapping(request.POST))
    except PlanFileError as exc:
        messages.error(request, str(exc))
        report = ImportReport(source=pending["name"])
        plan_data, left_out = read_preview(data, pending["name"], report)
    name = request.POST.get("name", "").strip() or Path(pending["name"]).stem
    try:
        year = posted_year(request.POST)
    except PlanFileError as exc:
        messages.error(request, str(exc))
        year = None
    context.update(
        _preview_context(plan_data, report, name, request.user, organisation, year), left_out=left_out
    )
    return render(request, "purchases/upload.html", context)


def _confirm_upload(request, organisation, services):
    pending, path = _pending_file(request)
    if pending is None:
        messages.error(request, "Fichier expiré : le déposer à nouveau.")
        return redirect("purchases:upload")
    try:
        posted_mapping(request.POST)  # checked here; the job reads the file with it
        year = posted_year(request.POST)
    except PlanFileError as exc:
        messages.error(request, f"{exc} Import non effectué.")
        return redirect("purchases:upload")
    service = services.filter(pk=request.POST.get("service") or 0).first()
    name = request.POST.get("name", "").strip()[:200] or Path(pending["name"]).stem
    data = path.read_bytes()
    _discard_pending(request)  # handed to the job; kept here no longer, whatever the outcome
    job = start_job(
        JobKind.PLAN_IMPORT,
        f"Import et balayage de « {name} » ({pending['name']})",
        organisation=organisation,
        user=request.user,
        params={
            "plan_name": name,
            "year": year,
            "service": service.pk if service else None,
            "mapping": {str(index): value for index, value in posted_choices(request.POST).items()},
        },
        input_file=(pending["name"], data),
    )
    messages.info(request, "Import lancé : il se poursuit en arrière-plan, cette page montre son avancement.")
    return redirect("jobs:detail", pk=job.pk)
