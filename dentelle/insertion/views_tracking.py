"""Pages of the facilitator: declarations (entry, import, validation, correction) and beneficiaries."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from dentelle.core.audit import log_access
from dentelle.core.formatting import format_number
from dentelle.core.importing import ImportReport, run_import
from dentelle.core.permissions import CAN_DECLARE_HOURS, CAN_VALIDATE_DECLARATIONS, has_role, require_role
from dentelle.core.redirects import redirect_next
from dentelle.core.spreadsheet import UPLOAD
from dentelle.insertion import declarations as service
from dentelle.insertion.enums import FulfilmentMode
from dentelle.insertion.forms import BeneficiaryForm, CorrectionForm, DeclarationForm, UploadForm
from dentelle.insertion.importer import FileProblem, count_lines, import_declarations
from dentelle.insertion.models import HoursDeclaration
from dentelle.insertion.permissions import organisation_of
from dentelle.insertion.privacy import beneficiaries_for, beneficiary_for


@login_required
def declaration_create(request):
    require_role(request.user, CAN_DECLARE_HOURS)
    organisation = organisation_of(request.user)
    form = DeclarationForm(request.POST or None, organisation=organisation, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _recorded(
            request,
            form,
            "Déclaration enregistrée en brouillon ; elle compte une fois validée.",
            service.declare,
            contract=data["contract"],
            month=data["month"],
            fulfilment_mode=data["fulfilment_mode"],
            beneficiary=data["beneficiary"],
            hours=data["hours"],
            user=request.user,
            comment=data["comment"],
        )
        if done:
            return done
    log_access(request.user, "formulaire_declaration", object_type="insertion.Beneficiary", object_id="*")
    return render(request, "insertion/form.html", {"title": "Déclarer des heures", "form": form})


def _recorded(request, form, success, record, *args, **kwargs):
    """``record(*args, **kwargs)``, a service writing a declaration: its refusal goes on the form (None is
    returned: show the form again); done, the success message and the redirect to the contract's page."""
    try:
        declaration = record(*args, **kwargs)
    except ValidationError as exc:
        form.add_error(None, exc)
        return None
    messages.success(request, success)
    warning = declaration.beneficiary_contract_warning
    if warning:
        messages.warning(request, warning)
    return redirect("insertion:contract_detail", pk=declaration.contract_id)


def _declaration(request, pk):
    organisation = organisation_of(request.user)
    return get_object_or_404(HoursDeclaration, pk=pk, contract__organisation=organisation)


@login_required
@require_POST
def declaration_validate(request, pk):
    require_role(request.user, CAN_VALIDATE_DECLARATIONS)
    declaration = _declaration(request, pk)
    try:
        service.validate(declaration, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Déclaration validée.")
    return redirect_next(request, "insertion:pending")


@login_required
def declaration_correct(request, pk):
    require_role(request.user, CAN_DECLARE_HOURS)
    declaration = _declaration(request, pk)
    initial = {
        "month": declaration.month.strftime("%Y-%m"),
        "fulfilment_mode": declaration.fulfilment_mode,
        "hours": declaration.hours,
    }
    form = CorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _recorded(
            request,
            form,
            "Correction enregistrée (nouvelle version, l'ancienne est conservée).",
            service.correct,
            declaration,
            user=request.user,
            comment=data["comment"],
            month=data["month"],
            fulfilment_mode=data["fulfilment_mode"],
            hours=data["hours"],
        )
        if done:
            return done
    return render(
        request,
        "insertion/form.html",
        {
            "title": f"Corriger la déclaration (version {declaration.version})",
            "form": form,
            "history": service.history(declaration),
        },
    )


BULK_LIMIT = 500  # declarations shown, selected and validated at once


def _drafts(organisation):
    return (
        HoursDeclaration.objects.current()
        .filter(status="draft", contract__organisation=organisation)
        .select_related("contract", "beneficiary", "supersedes")
        .order_by("contract__reference", "month", "pk")
    )


@login_required
def pending(request):
    """Declarations waiting for validation. A facilitator selects some (or all), sees how many and how many
    hours before confirming, then validates them in one step; each is validated as on its own."""
    require_role(request.user, CAN_VALIDATE_DECLARATIONS | CAN_DECLARE_HOURS)
    organisation = organisation_of(request.user)
    drafts = _drafts(organisation)
    contracts = sorted(
        set(drafts.order_by().values_list("contract_id", "contract__reference")), key=lambda c: c[1]
    )
    contract_filter = request.GET.get("marche", "")
    if contract_filter.isdigit():
        drafts = drafts.filter(contract_id=int(contract_filter))
    can_validate = has_role(request.user, CAN_VALIDATE_DECLARATIONS)
    if request.method == "POST":
        require_role(request.user, CAN_VALIDATE_DECLARATIONS)
        ids = [int(value) for value in request.POST.getlist("ids") if value.isdigit()][:BULK_LIMIT]
        selected = list(_drafts(organisation).filter(pk__in=ids))
        if not selected:
            messages.error(request, "Aucune déclaration sélectionnée : cochez celles à valider.")
            return redirect(request.get_full_path())
        if request.POST.get("confirm") != "1":
            log_access(request.user, "validation_groupee", object_type="insertion.Beneficiary", object_id="*")
            return render(
                request,
                "insertion/pending_confirm.html",
                {
                    "title": "Confirmer la validation",
                    "selected": selected,
                    "total_hours": sum(d.hours for d in selected),
                    "contract_count": len({d.contract_id for d in selected}),
                },
            )
        validated, refused = _validate_all(selected, request.user)
        hours = sum(d.hours for d in validated)
        if validated:
            messages.success(
                request,
                f"{format_number(len(validated))} déclaration{'s' if len(validated) > 1 else ''} "
                f"validée{'s' if len(validated) > 1 else ''} ({format_number(hours, 2)} h).",
            )
        for declaration, reason in refused:
            messages.error(request, f"{declaration.contract.reference} {declaration.month:%m/%Y} : {reason}")
        return redirect("insertion:pending")
    log_access(request.user, "declarations_a_valider", object_type="insertion.Beneficiary", object_id="*")
    shown = list(drafts[:BULK_LIMIT])
    return render(
        request,
        "insertion/pending.html",
        {
            "title": "Déclarations à valider",
            "drafts": shown,
            "total": drafts.count(),
            "limit": BULK_LIMIT,
            "contracts": contracts,
            "contract_filter": contract_filter,
            "can_validate": can_validate,
        },
    )


def _validate_all(declarations, user):
    """Validate each declaration (one transaction each, as the single button does); a refusal does not stop
    the others. Returns (validated, [(declaration, French reason)])."""
    validated, refused = [], []
    for declaration in declarations:
        try:
            with transaction.atomic():
                validated.append(service.validate(declaration, user=user))
        except ValidationError as exc:
            refused.append((declaration, " ".join(exc.messages)))
    return validated, refused


@login_required
def declaration_import(request):
    require_role(request.user, CAN_DECLARE_HOURS)
    organisation = organisation_of(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    report = committed = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        wet_run = form.cleaned_data["wet_run"]
        try:
            report, committed = run_import(
                import_declarations,
                wet_run=wet_run,
                report=ImportReport(source=upload.name),
                stream=upload,
                filename=upload.name,
                organisation=organisation,
                user=request.user,
                limits=UPLOAD,  # rows and workbook size a page can take (core.spreadsheet)
            )
        except FileProblem as exc:
            form.add_error("file", str(exc))
        else:
            if committed:
                messages.success(request, "Import enregistré : déclarations en brouillon, à valider.")
    return render(
        request,
        "insertion/import.html",
        {
            "title": "Importer des déclarations d'heures",
            "form": form,
            "report": report,
            "committed": committed,
            "count_lines": count_lines(report.counts, committed) if report else [],
            "modes": FulfilmentMode.choices,
        },
    )


@login_required
def beneficiary_list(request):
    queryset = beneficiaries_for(request.user, action="liste_beneficiaires")
    return render(
        request,
        "insertion/beneficiary_list.html",
        {"title": "Bénéficiaires", "beneficiaries": queryset.order_by("pseudonym")[:1000]},
    )


@login_required
def beneficiary_detail(request, pk):
    beneficiary = beneficiary_for(request.user, pk)
    return render(
        request,
        "insertion/beneficiary_detail.html",
        {
            "title": f"Bénéficiaire {beneficiary.pseudonym}",
            "beneficiary": beneficiary,
            "declarations": beneficiary.declarations.select_related("contract").order_by("-month"),
        },
    )


@login_required
def beneficiary_create(request):
    require_role(request.user, CAN_DECLARE_HOURS)
    organisation = organisation_of(request.user)
    form = BeneficiaryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        beneficiary = form.save(commit=False)
        beneficiary.organisation = organisation
        beneficiary.save()
        log_access(request.user, "creation", beneficiary)
        messages.success(request, f"Bénéficiaire créé : identifiant {beneficiary.pseudonym}.")
        return redirect("insertion:beneficiary_detail", pk=beneficiary.pk)
    return render(
        request, "insertion/form.html", {"title": "Nouveau bénéficiaire", "form": form, "personal": True}
    )
