"""Pages of the matching: ranked structures of a lot, "why this score", a structure's opportunities,
answers to an opportunity and the digest's unsubscribe link."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from dentelle.core.permissions import require_role, role_of
from dentelle.core.roles import Role
from dentelle.matching.answers import (
    LINK_USED,
    NOT_OPEN,
    OPPORTUNITIES_SHOWN,
    answer_refusal,
    is_open,
    link_already_used,
    record_answer,
)
from dentelle.matching.description import LotDescription
from dentelle.matching.digest import read_answer_token, unsubscribe_token_state
from dentelle.matching.forms import ResponseForm, SearchForm
from dentelle.matching.models import DigestOptOut, LotResponse, ResponseKind
from dentelle.matching.permissions import STAFF_ROLES, can_see_opportunities, is_member_of
from dentelle.matching.services import explain_structure, open_opportunities, ranked_structures
from dentelle.purchases.models import Lot
from dentelle.purchases.permissions import can_see_lot
from dentelle.siaes.models import Siae


def visible_lot_or_404(user, pk):
    lot = get_object_or_404(Lot.objects.select_related("operation__buyer_service"), pk=pk)
    if not can_see_lot(user, lot):
        raise PermissionDenied("Ce lot n'est pas visible avec votre rôle.")
    return lot


@login_required
def search(request):
    require_role(request.user, STAFF_ROLES)
    data = None
    if request.GET:
        data = request.GET.copy()  # a link may carry only the CPV and the place: the usual nature applies
        if not data.get("nature"):
            data["nature"] = SearchForm.base_fields["nature"].initial
    form = SearchForm(data)
    ranking = None
    if request.GET and form.is_valid():
        data = form.cleaned_data
        facts = LotDescription(
            cpv_codes=[data["cpv"]],
            annual_amount=float(data["amount"]) if data["amount"] else None,
            place_text=data["place"],
            nature=data["nature"],
            reservation_kind=data["reservation"] or "",
            text=data["text"],
        )
        ranking = ranked_structures(facts, top=data["top"] or 10)
        if data["place"] and ranking["place"] is None:
            messages.warning(request, f"Lieu « {data['place']} » introuvable : critère territoire neutre.")
    return render(
        request, "matching/search.html", {"form": form, "ranking": ranking, "title": "Mise en relation"}
    )


@login_required
def lot_ranking(request, pk):
    lot = visible_lot_or_404(request.user, pk)
    ranking = ranked_structures(lot, top=int(request.GET.get("top", 20) or 20))
    responses = LotResponse.objects.filter(lot=lot).select_related("siae")
    return render(
        request,
        "matching/lot.html",
        {
            "lot": lot,
            "ranking": ranking,
            "responses": responses,
            "title": f"Structures pour le lot {lot.number}",
        },
    )


@login_required
def why(request, pk, siae_pk):
    lot = visible_lot_or_404(request.user, pk)
    item = explain_structure(lot, siae_pk)
    if item is None:
        raise Http404("Structure inconnue.")
    return render(request, "matching/why.html", {"lot": lot, "item": item, "title": "Pourquoi ce score"})


@login_required
def opportunities(request, siae_pk):
    siae = get_object_or_404(Siae, pk=siae_pk)
    if not can_see_opportunities(request.user, siae):
        raise PermissionDenied("Ces opportunités ne sont visibles que de la structure et des agents.")
    entries = open_opportunities(siae, top=OPPORTUNITIES_SHOWN)
    labels = dict(ResponseKind.choices)
    answered = dict(LotResponse.objects.filter(siae=siae).values_list("lot_id", "kind"))
    rows = [(lot, item, labels.get(answered.get(lot.pk), answered.get(lot.pk))) for lot, item in entries]
    can_answer = is_member_of(request.user, siae.pk)
    return render(
        request,
        "matching/opportunities.html",
        {
            "siae": siae,
            "rows": rows,
            "can_answer": can_answer,
            "title": f"Opportunités — {siae.display_name}",
        },
    )


def _record_answer(request, lot, siae, user=None):
    instance = LotResponse.objects.filter(lot=lot, siae=siae).first() or LotResponse(lot=lot, siae=siae)
    form = ResponseForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        record_answer(
            lot, siae, kind=data["kind"], reason=data["reason"], partners=data["partners"], user=user
        )
        messages.success(request, "Votre réponse est enregistrée et transmise à l'acheteur.")
        return None
    return form


def _answer_page(request, lot, siae, form, status=200, closed=""):
    current = LotResponse.objects.filter(lot=lot, siae=siae).first()
    return render(
        request,
        "matching/answer.html",
        {
            "lot": lot,
            "siae": siae,
            "form": form,
            "current": current,
            "closed": closed,
            "title": "Répondre à une opportunité",
        },
        status=status,
    )


def answer(request, token):
    """Answer link of the digest: the signed token identifies the lot and the structure; it serves once."""
    pair = read_answer_token(token)
    if pair is None:
        raise Http404("Lien invalide ou expiré.")
    lot = get_object_or_404(Lot.objects.select_related("operation"), pk=pair[0])
    siae = get_object_or_404(Siae, pk=pair[1])
    closed = "" if is_open(lot) else NOT_OPEN  # the signature proves the lot was announced to it
    if not closed and link_already_used(token, lot, siae):
        closed = LINK_USED
    if closed:
        if request.method == "POST":
            messages.error(request, closed)
        return _answer_page(
            request, lot, siae, None, status=403 if request.method == "POST" else 200, closed=closed
        )
    user = request.user if request.user.is_authenticated else None
    form = _record_answer(request, lot, siae, user)
    if form is None:
        return redirect("matching:answer", token=token)
    return _answer_page(request, lot, siae, form)


@login_required
def member_answer(request, pk):
    """An SIAE member answers for its own structure from the opportunities page."""
    if role_of(request.user) != Role.SIAE_MEMBER or request.user.siae_id is None:
        raise PermissionDenied("Seul un membre de la structure peut répondre.")
    lot = get_object_or_404(Lot.objects.select_related("operation"), pk=pk)
    siae = request.user.siae
    refusal = answer_refusal(lot, siae)
    if refusal:  # same answer as an unknown lot: nothing about it is shown
        raise Http404(refusal)
    form = _record_answer(request, lot, siae, request.user)
    if form is None:
        return redirect("matching:opportunities", siae_pk=siae.pk)
    return _answer_page(request, lot, siae, form)


def unsubscribe(request, token):
    siae_pk, expired = unsubscribe_token_state(token)
    if expired:
        return render(
            request, "matching/unsubscribe.html", {"expired": True, "title": "Lien expiré"}, status=410
        )
    siae = get_object_or_404(Siae, pk=siae_pk) if siae_pk else None
    if siae is None:
        raise Http404("Lien de désabonnement invalide.")
    done = DigestOptOut.objects.filter(siae=siae).exists()
    if request.method == "POST":
        DigestOptOut.objects.get_or_create(siae=siae)
        done = True
        messages.success(request, "Votre structure ne recevra plus les opportunités de Dentelle.")
    return render(
        request, "matching/unsubscribe.html", {"siae": siae, "done": done, "title": "Désabonnement"}
    )
