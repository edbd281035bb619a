"""Contacts of a structure: added, edited and removed by the buyers in charge or the structure's members."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from dentelle.core.audit import log_access
from dentelle.siaes.forms import ContactForm
from dentelle.siaes.models import Contact
from dentelle.siaes.views_profile import editable_siae, profile_form_post


@profile_form_post(ContactForm, "Contact ajouté.")
def add_contact(request, siae, form):
    contact = form.save(commit=False)
    contact.siae = siae
    contact.save()
    log_access(request.user, "ajouter contact", siae)


@login_required
def edit_contact(request, pk, contact_pk):
    siae = editable_siae(request, pk)
    contact = get_object_or_404(Contact, pk=contact_pk, siae=siae)
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        form.save()
        log_access(request.user, "modifier contact", siae)
        messages.success(request, "Contact modifié.")
        return redirect("siaes:profile", pk=siae.pk)
    return render(
        request,
        "siaes/contact_edit.html",
        {"title": f"Modifier le contact {contact.name}", "siae": siae, "contact": contact, "form": form},
    )


@login_required
@require_POST
def delete_contact(request, pk, contact_pk):
    siae = editable_siae(request, pk)
    get_object_or_404(Contact, pk=contact_pk, siae=siae).delete()
    log_access(request.user, "retirer contact", siae)
    messages.success(request, "Contact retiré.")
    return redirect("siaes:profile", pk=siae.pk)
