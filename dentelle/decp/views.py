from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from dentelle.accounts.roles import Role
from dentelle.core.permissions import CAN_SEE_PROGRESS, has_role, require_role
from dentelle.decp.analysis import LABOUR_INTENSIVE_DIVISIONS, PNAD_TARGET_SHARE
from dentelle.decp.forms import DecpUploadForm
from dentelle.decp.readers import FORMAT_LABELS, DecpFileError

# Reading published data is open to every staff role; exporting the organisation's contracts is for
# those who publish them.
CAN_ANALYSE_DECP = CAN_SEE_PROGRESS
CAN_EXPORT_DECP = {Role.DIRECTION, Role.PURCHASING_OFFICER, Role.BUYER}


@login_required
def decp_page(request):
    require_role(request.user, CAN_ANALYSE_DECP)
    form = DecpUploadForm(request.POST or None, request.FILES or None)
    context = {
        "title": "Données essentielles (DECP)",
        "form": form,
        "can_export": has_role(request.user, CAN_EXPORT_DECP),
        "labour_divisions": ", ".join(LABOUR_INTENSIVE_DIVISIONS),
    }
    if request.method == "POST" and form.is_valid():
        from dentelle.decp.services import analyse_file

        uploaded = form.cleaned_data["file"]
        try:
            # The UploadedFile itself: seekable, and its name is the one the user chose.
            fmt, result, problems = analyse_file(uploaded, region=form.cleaned_data["region"] or None)
        except DecpFileError as exc:
            form.add_error("file", str(exc))
        else:
            context.update(
                file_name=uploaded.name,
                format_label=FORMAT_LABELS.get(fmt, fmt),
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
            )
    return render(request, "decp/page.html", context)


def _with_labels(divisions):
    """(figures, French label of the CPV division) pairs; the label is empty if the CPV is not loaded."""
    from dentelle.referentials.models import CpvCode

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
    from dentelle.decp.adapters import ModelsUnavailable, export_organisation
    from dentelle.decp.writer import dumps

    organisation = request.user.organisation
    if organisation is None:
        return render(
            request, "decp/page.html", _export_error("Votre compte n'est rattaché à aucune organisation.")
        )
    try:
        document, violations = export_organisation(organisation)
    except ModelsUnavailable as exc:
        return render(request, "decp/page.html", _export_error(str(exc)))
    response = HttpResponse(dumps(document), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="decp_v2_export.json"'
    response["X-Decp-Ecarts-Schema"] = str(len(violations))
    return response


def _export_error(message):
    return {"title": "Données essentielles (DECP)", "form": DecpUploadForm(), "export_error": message}
