"""Pages of the facilitator: declarations (entry, import, validation, correction) and beneficiaries."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from dentelle.core.audit import log_access
from dentelle.core.importing import ImportReport, run_import
from dentelle.core.permissions import CAN_DECLARE_HOURS, CAN_VALIDATE_DECLARATIONS, require_role
from dentelle.core.redirects import redirect_next
from dentelle.core.spreadsheet import UPLOAD
from dentelle.insertion import declarations as service
from dentelle.insertion.forms import BeneficiaryForm, CorrectionForm, DeclarationForm, UploadForm
from dentelle.insertion.importer import FileProblem, import_declarations
from dentelle.insertion.models import HoursDeclaration
from dentelle.insertion.privacy import beneficiaries_for, beneficiary_for
from dentelle.insertion.views import organisation_of


@login_required
def declaration_create(request):
    require_role(request.user, CAN_DECLARE_HOURS)
    organisation = organisation_of(request.user)
    form = DeclarationForm(request.POST or None, organisation=organisation, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            declaration = service.declare(
                contract=data["contract"],
                month=data["month"],
                fulfilment_mode=data["fulfilment_mode"],
                beneficiary=data["beneficiary"],
                hours=data["hours"],
                user=request.user,
                comment=data["comment"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Déclaration enregistrée en brouillon ; elle compte une fois validée.")
            return redirect("insertion:contract_detail", pk=declaration.contract_id)
    log_access(request.user, "formulaire_declaration", object_type="insertion.Beneficiary", object_id="*")
    return render(request, "insertion/form.html", {"title": "Déclarer des heures", "form": form})


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
        try:
            service.correct(
                declaration,
                user=request.user,
                comment=data["comment"],
                month=data["month"],
                fulfilment_mode=data["fulfilment_mode"],
                hours=data["hours"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Correction enregistrée (nouvelle version, l'ancienne est conservée).")
            return redirect("insertion:contract_detail", pk=declaration.contract_id)
    return render(
        request,
        "insertion/form.html",
        {
            "title": f"Corriger la déclaration (version {declaration.version})",
            "form": form,
            "history": service.history(declaration),
        },
    )


@login_required
def pending(request):
    require_role(request.user, CAN_VALIDATE_DECLARATIONS | CAN_DECLARE_HOURS)
    organisation = organisation_of(request.user)
    drafts = (
        HoursDeclaration.objects.current()
        .filter(status="draft", contract__organisation=organisation)
        .select_related("contract", "beneficiary", "supersedes")
        .order_by("contract__reference", "month")[:500]
    )
    log_access(request.user, "declarations_a_valider", object_type="insertion.Beneficiary", object_id="*")
    return render(
        request,
        "insertion/pending.html",
        {
            "title": "Déclarations à valider",
            "drafts": drafts,
            "can_validate": request.user.is_superuser or request.user.role == "facilitator",
        },
    )


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
