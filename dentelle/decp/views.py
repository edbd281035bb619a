import re

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe

from dentelle.core.downloads import download_response
from dentelle.core.permissions import has_role, require_role
from dentelle.decp.adapters import export_organisation
from dentelle.decp.analysis import LABOUR_INTENSIVE_DIVISIONS, PNAD_TARGET_SHARE
from dentelle.decp.forms import DecpUploadForm, human_size
from dentelle.decp.permissions import CAN_ANALYSE_DECP, CAN_EXPORT_DECP
from dentelle.decp.readers import FORMAT_LABELS, DecpFileError
from dentelle.decp.retro_figures import category_label
from dentelle.decp.retro_map import missed_hours_map
from dentelle.decp.retro_report import _measure, contract_line, workbook
from dentelle.decp.services import retrospective_file
from dentelle.decp.writer import dumps
from dentelle.jobs.models import JobKind
from dentelle.jobs.services import start_job
from dentelle.referentials.index import get_index
from dentelle.referentials.models import CpvCode


@login_required
def decp_page(request):
    require_role(request.user, CAN_ANALYSE_DECP)
    form = DecpUploadForm(request.POST or None, request.FILES or None)
    context = {
        "title": "Données essentielles (DECP)",
        "form": form,
        "can_export": has_role(request.user, CAN_EXPORT_DECP),
        "labour_divisions": ", ".join(LABOUR_INTENSIVE_DIVISIONS),
        "inline_limit": human_size(settings.DENTELLE_DECP_INLINE_BYTES),
        "max_limit": human_size(
            max(settings.DENTELLE_DECP_MAX_UPLOAD_BYTES, settings.DENTELLE_MAX_UPLOAD_BYTES)
        ),
    }
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        buyer = form.cleaned_data["buyer"] or None
        if uploaded.size > settings.DENTELLE_DECP_INLINE_BYTES:
            return _analysis_job(request, uploaded, form.cleaned_data["region"] or "", buyer or "")
        try:
            # The UploadedFile itself: seekable, and its name is the one the user chose.
            retro = retrospective_file(uploaded, region=form.cleaned_data["region"] or None, buyer=buyer)
        except DecpFileError as exc:
            form.add_error("file", str(exc))
        else:
            if request.POST.get("xlsx"):
                return _xlsx_response(retro, uploaded.name)
            result, problems = retro.analysis, retro.problems
            context.update(
                file_name=uploaded.name,
                format_label=FORMAT_LABELS.get(retro.fmt, retro.fmt),
                result=result,
                problems=list(problems)[:50],
                problem_total=problems.total,
                divisions=_with_labels(result.sorted_divisions()[:30]),
                siae_holders=result.sorted_siae_holders()[:50],
                gauge=_gauge(result.social_share),
                # (a Counter in a template answers 0 to « .most_common »: pass the list)
                social_values=result.social_values.most_common(),
                labour_percent=None
                if result.labour_intensive_share is None
                else result.labour_intensive_share * 100,
                retro=_retro_context(retro, buyer),
            )
            tables = context["retro"]
            context["retro_map"] = _missed_hours_map(retro.departments)
            context["retro_tables"] = [
                ("Par catégorie d'acheteur", "decp-retro-categories", tables["categories"]),
                ("Par année de notification", "decp-retro-years", tables["years"]),
                (
                    "Départements où le potentiel manqué est le plus grand",
                    "decp-retro-departments",
                    tables["departments"],
                ),
            ]
    return render(request, "decp/page.html", context)


def _analysis_job(request, uploaded, region, buyer):
    """A file too large to analyse while the page waits: the worker reads it and writes the XLSX."""

    job = start_job(
        JobKind.DECP_ANALYSIS,
        f"Analyse DECP de « {uploaded.name} »",
        organisation=request.user.organisation,
        user=request.user,
        params={"region": region, "buyer": buyer},
        input_file=(uploaded.name, uploaded.read()),
    )
    return redirect("jobs:detail", pk=job.pk)


def _xlsx_response(retro, name):
    """The retrospective as the XLSX of `dentelle decp analyse --out`, named after the uploaded file."""
    stem = re.sub(r"[^\w.-]+", "-", name.split(".")[0], flags=re.ASCII).strip("-") or "decp"
    return download_response(
        workbook(retro), f"retrospective-{stem}.xlsx", "xlsx", export="retrospective", rows=retro.table.height
    )


def _retro_context(retro, buyer):
    """The retrospective's tables as rows for the template (labels, percentages)."""

    def rows(frame, key, label=str):
        out = []
        for row in frame.iter_rows(named=True):
            share = row["social_share"]
            out.append(
                {**row, "label": label(row[key]), "share_percent": None if share is None else share * 100}
            )
        return out

    card = None
    if retro.card is not None:
        card = {
            "card": retro.card,
            "category": category_label(retro.card.category),
            "rows": [
                {
                    "label": label,
                    "value": _measure(label, value),
                    "rank": rank,
                    "rank_size": rank_size,
                    "median": _measure(label, median),
                }
                for label, value, rank, rank_size, median in retro.card.rows
            ],
        }
    return {
        "calls": retro.scanner_calls,
        "markets": retro.table.height,
        "categories": rows(retro.categories, "category", category_label),
        "years": rows(retro.years, "year", lambda year: str(year) if year else "date inconnue"),
        "departments": rows(retro.departments.head(15), "department", _department_label),
        "buyer": buyer,
        "card": card,
        "top": [contract_line(row) for row in retro.top.iter_rows(named=True)]
        if retro.top is not None
        else None,
    }


def _missed_hours_map(departments):
    """The map of the missed potential (None when the referentials have no commune coordinates)."""

    svg = missed_hours_map(departments.select("department", "missed_hours").iter_rows(), get_index())
    return None if svg is None else mark_safe(svg)  # noqa: S308 (every text in it is escaped)


def _department_label(code):
    if not code:
        return "lieu non rattachable"

    name = get_index().department_name(code)
    return f"{code} {name}" if name else code


def _with_labels(divisions):
    """(figures, French label of the CPV division) pairs; the label is empty if the CPV is not loaded."""

    codes = [f"{d.division}000000" for d in divisions]
    labels = dict(CpvCode.objects.filter(code__in=codes).values_list("code", "label_fr"))
    return [(d, labels.get(f"{d.division}000000", "")) for d in divisions]


def _gauge(share):
    """Widths (0-100) for the inline SVG bar: the measured share and the PNAD target mark."""
    if share is None:
        return None
    return {"share": round(min(share, 1) * 100, 1), "target": round(PNAD_TARGET_SHARE * 100, 1)}


@login_required
def decp_export(request):
    require_role(request.user, CAN_EXPORT_DECP)
    organisation = request.user.organisation
    if organisation is None:
        return render(
            request, "decp/page.html", _export_error("Votre compte n'est rattaché à aucune organisation.")
        )
    document, violations = export_organisation(organisation)
    response = download_response(
        dumps(document), "decp_v2_export.json", "json", export="decp", rows=len(document["marches"]["marche"])
    )
    response["X-Decp-Ecarts-Schema"] = str(len(violations))
    return response


def _export_error(message):
    return {"title": "Données essentielles (DECP)", "form": DecpUploadForm(), "export_error": message}
