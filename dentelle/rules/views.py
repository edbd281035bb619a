"""« Paramètres de l'organisation »: the file values with their sources, and the organisation's own values
(who, why, when), which the scanner and the estimator then use and name in their figures."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from dentelle.core.permissions import CAN_DECIDE_FINDINGS, CAN_SEE_PROGRESS, has_role, require_role
from dentelle.rules.forms import OverrideForm
from dentelle.rules.loader import default_rules
from dentelle.rules.models import RuleOverride
from dentelle.rules.services import rules_for
from dentelle.rules.types import PARAM_LABELS, parameter_label

CAN_SET_OVERRIDES = CAN_DECIDE_FINDINGS


def _family_rows(organisation):
    file_rules, own = default_rules(), rules_for(organisation)
    rows = []
    for family in file_rules.families:
        params = []
        for name, param in family.params.items():
            current = own.family(family.id).params[name]
            params.append(
                {
                    "label": PARAM_LABELS.get(name, name),
                    "file": param,
                    "own": current if current.overridden_by else None,
                }
            )
        rows.append({"family": family, "params": params})
    return rows


@login_required
def overrides_page(request):
    require_role(request.user, CAN_SEE_PROGRESS)
    organisation = request.user.organisation
    can_edit = has_role(request.user, CAN_SET_OVERRIDES) and organisation is not None
    form = OverrideForm(request.POST or None) if can_edit else None
    if request.method == "POST":
        require_role(request.user, CAN_SET_OVERRIDES)
        if request.POST.get("deactivate"):
            return _deactivate(request, request.POST["deactivate"])
        if form is not None and form.is_valid():
            override = form.save(commit=False)
            override.organisation, override.who = organisation, request.user
            override.save()
            messages.success(
                request, "Valeur de l'organisation enregistrée : le prochain balayage l'utilisera."
            )
            return redirect("rules:overrides")
    overrides = (
        RuleOverride.objects.filter(organisation=organisation)
        .select_related("who")
        .order_by("-is_active", "-date")
        if organisation
        else RuleOverride.objects.none()
    )
    overrides, file_rules = list(overrides), default_rules()
    for override in overrides:
        override.parameter_label = parameter_label(override.parameter_path, file_rules)
    return render(
        request,
        "rules/overrides.html",
        {
            "title": "Paramètres de l'organisation",
            "form": form,
            "can_edit": can_edit,
            "overrides": overrides,
            "families": _family_rows(organisation) if organisation else [],
        },
    )


def _deactivate(request, pk):
    if not str(pk).isdigit():
        raise Http404
    override = get_object_or_404(RuleOverride, pk=int(pk), organisation=request.user.organisation)
    override.is_active = False
    override.save(update_fields=["is_active", "updated_at"])
    label = parameter_label(override.parameter_path, default_rules())
    messages.success(request, f"Valeur retirée : « {label} » reprend la valeur du fichier.")
    return redirect("rules:overrides")
