"""The page of one structure and its edits: fiche, competences, capacities, service areas and sourcing
notes (contacts: views_contacts.py). An edited field is protected from the next imports."""

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import capfirst
from django.views.decorators.http import require_POST

from dentelle.core.audit import log_access
from dentelle.core.permissions import CAN_EDIT_ANY_SIAE, can_edit_siae, can_see_contacts, has_role
from dentelle.referentials.index import get_index
from dentelle.siaes.access import can_see_siae_contacts
from dentelle.siaes.enums import AreaOrigin
from dentelle.siaes.forms import (
    CapacityForm,
    CompetenceForm,
    ContactForm,
    ServiceAreaForm,
    SiaeForm,
    SourcingNoteForm,
    competence_origin,
    edit_source,
)
from dentelle.siaes.importers import SOURCES
from dentelle.siaes.models import Capacity, Competence, ServiceArea, Siae

AUDIT_PROFILE_VIEW_EVERY = 60 * 60  # a structure's contacts: one audit row per user and hour (SQLite load)


def provenance_rows(siae):
    """The « Origine des données » table: each field by its French name, its source by its label
    (« Liste ASP des SIAE (2019) », not « asp »), the date as 01/07/2019; sorted by field name."""
    rows = []
    for name, origin in siae.provenance.items():
        origin = origin if isinstance(origin, dict) else {}
        try:
            label = capfirst(Siae._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            label = name.replace("_", " ")
        source = SOURCES.get(origin.get("source"))
        try:
            date = dt.date.fromisoformat(str(origin.get("date"))).strftime("%d/%m/%Y")
        except ValueError:
            date = origin.get("date") or ""
        rows.append(
            {
                "label": label,
                "source": source.label if source else origin.get("source", ""),
                "file": origin.get("file", ""),
                "date": date,
                "edited": name in siae.edited_fields,
            }
        )
    return sorted(rows, key=lambda row: row["label"].lower())


def profile_context(request, siae):
    index = get_index()
    competences = [
        {"obj": c, "label": index.cpv_label(c.cpv_prefix.ljust(8, "0")) or ""}
        for c in siae.competences.all().order_by("origin", "cpv_prefix")
    ]
    show_notes = can_see_contacts(request.user)  # internal to the buyers, never to a structure
    show_contacts = can_see_siae_contacts(request.user, siae)  # staff, and the structure's own members
    if show_contacts and siae.contacts.exists():
        log_access(request.user, "voir contacts", siae, once_per=AUDIT_PROFILE_VIEW_EVERY)
    editable = can_edit_siae(request.user, siae)
    return {
        "title": siae.display_name,
        "siae": siae,
        "competences": competences,
        "capacities": list(siae.capacities.all()),
        "areas": list(siae.service_areas.all()),
        "notes": list(siae.sourcing_notes.select_related("author")) if show_notes else None,
        "contracts": list(siae.won_contracts.all()),
        "contacts": list(siae.contacts.all()) if show_contacts else None,
        "conventions": list(siae.conventions.all()),
        "networks": list(siae.networks.all()),
        "commune": index.commune(siae.commune_insee_code) if siae.commune_insee_code else None,
        "department_name": index.department_name(siae.department_code),
        "region_name": index.region_name(siae.region_code),
        "can_edit": editable,
        "can_add_note": has_role(request.user, CAN_EDIT_ANY_SIAE),
        "provenance": provenance_rows(siae),
        "forms": {
            "competence": CompetenceForm(),
            "capacity": CapacityForm(initial={"as_of": dt.date.today()}),
            "area": ServiceAreaForm(),
            "note": SourcingNoteForm(initial={"date": dt.date.today()}),
            "contact": ContactForm(),
        },
    }


@login_required
def profile(request, pk):
    siae = get_object_or_404(Siae, pk=pk)
    return render(request, "siaes/profile.html", profile_context(request, siae))


def form_errors_text(form):
    """Every error of a refused form, as one flash message (the forms sit inline on the profile)."""
    return " ".join(e for errors in form.errors.values() for e in errors)


def editable_siae(request, pk):
    siae = get_object_or_404(Siae, pk=pk)
    if not can_edit_siae(request.user, siae):
        raise PermissionDenied("Vous ne pouvez modifier que la fiche de votre structure.")
    return siae


@login_required
def edit(request, pk):
    siae = editable_siae(request, pk)
    form = SiaeForm(request.POST or None, instance=siae, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request, "Fiche enregistrée. Les champs modifiés ne seront plus écrasés par les imports."
        )
        return redirect("siaes:profile", pk=siae.pk)
    return render(
        request, "siaes/edit.html", {"title": f"Modifier {siae.display_name}", "siae": siae, "form": form}
    )


def protect(siae, name, user):
    siae.mark_edited([name], edit_source(user), dt.date.today())
    siae.save(update_fields=["edited_fields", "provenance", "updated_at"])


def profile_form_post(form_class, done, find_siae=editable_siae):
    """A form posted from a structure's page: ``save(request, siae, form)`` when it is valid and ``done``
    shown, its errors shown otherwise; back to the page either way."""

    def decorator(save):
        @login_required
        @require_POST
        @wraps(save)
        def view(request, pk):
            siae = find_siae(request, pk)
            form = form_class(request.POST)
            if form.is_valid():
                save(request, siae, form)
                messages.success(request, done)
            else:
                messages.error(request, form_errors_text(form))
            return redirect("siaes:profile", pk=siae.pk)

        return view

    return decorator


@profile_form_post(CompetenceForm, "Compétence ajoutée.")
def add_competence(request, siae, form):
    Competence.objects.get_or_create(
        siae=siae,
        cpv_prefix=form.cleaned_data["cpv_prefix"],
        origin=competence_origin(request.user, siae),
        defaults={"rationale": form.cleaned_data["rationale"] or edit_source(request.user)},
    )


@login_required
@require_POST
def delete_competence(request, pk, competence_pk):
    siae = editable_siae(request, pk)
    competence = get_object_or_404(Competence, pk=competence_pk, siae=siae)
    if competence.origin in ("naf", "kind"):
        protect(siae, "competences", request.user)  # imports stop re-deriving what a person removed
    competence.delete()
    messages.success(request, "Compétence retirée.")
    return redirect("siaes:profile", pk=siae.pk)


@profile_form_post(CapacityForm, "Capacité enregistrée.")
def add_capacity(request, siae, form):
    Capacity.objects.update_or_create(
        siae=siae,
        metric=form.cleaned_data["metric"],
        defaults={
            "value": form.cleaned_data["value"],
            "source": form.cleaned_data["source"],
            "as_of": form.cleaned_data["as_of"],
            "recorded_by": request.user,
        },
    )


@profile_form_post(ServiceAreaForm, "Zone d'intervention ajoutée.")
def add_area(request, siae, form):
    siae.service_areas.filter(origin=AreaOrigin.DEFAULT).delete()
    ServiceArea.objects.get_or_create(
        siae=siae,
        kind=form.cleaned_data["kind"],
        code=form.cleaned_data["code"],
        defaults={"radius_km": form.cleaned_data.get("radius_km"), "origin": AreaOrigin.DECLARED},
    )
    protect(siae, "service_areas", request.user)


@login_required
@require_POST
def delete_area(request, pk, area_pk):
    siae = editable_siae(request, pk)
    get_object_or_404(ServiceArea, pk=area_pk, siae=siae).delete()
    protect(siae, "service_areas", request.user)
    messages.success(request, "Zone d'intervention retirée.")
    return redirect("siaes:profile", pk=siae.pk)


def noted_siae(request, pk):
    """Any structure, for the buyers in charge of sourcing only."""
    siae = get_object_or_404(Siae, pk=pk)
    if not has_role(request.user, CAN_EDIT_ANY_SIAE):
        raise PermissionDenied("Seuls les chargés des achats responsables notent le sourcing.")
    return siae


@profile_form_post(SourcingNoteForm, "Note de sourcing ajoutée.", find_siae=noted_siae)
def add_note(request, siae, form):
    note = form.save(commit=False)
    note.siae, note.author = siae, request.user
    note.save()
