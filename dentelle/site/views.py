"""The home page: referential status for everyone, each role's first shortcuts, an SIAE member's
opportunities. It reads insertion, matching and siaes, so it lives above them."""

from django.shortcuts import render
from django.urls import reverse

from dentelle.core import permissions as perms
from dentelle.core.formatting import format_number
from dentelle.core.permissions import role_of
from dentelle.core.roles import Role
from dentelle.insertion.models import HoursDeclaration
from dentelle.matching.models import LotResponse, ResponseKind
from dentelle.matching.services import open_opportunities
from dentelle.referentials.status import referential_status
from dentelle.siaes.models import Siae


def home(request):
    context = {"referentials": referential_status(), "title": "Accueil"}
    user = request.user
    if user.is_authenticated:
        context["shortcuts"] = shortcuts_for(user)
        if role_of(user) == Role.SIAE_MEMBER and user.siae_id:
            context.update(member_home(user))
    return render(request, "core/home.html", context)


# (permission set or None for everyone signed in, label, url name, hint): the first things each role does.
SHORTCUTS = [
    (
        perms.CAN_VALIDATE_DECLARATIONS,
        "Déclarations à valider",
        "insertion:pending",
        "heures saisies en attente",
    ),
    (perms.CAN_DECLARE_HOURS, "Déclarer des heures", "insertion:declaration_create", "un mois, une personne"),
    (perms.CAN_EDIT_PLANS, "Importer une programmation", "purchases:upload", "tableur de la programmation"),
    (
        perms.CAN_SEE_PROGRESS,
        "Programmation des achats",
        "purchases:plans",
        "lots balayés et recommandations",
    ),
    (
        perms.CAN_SEE_PROGRESS,
        "Objectif annuel d'heures",
        "insertion:dashboard",
        "réalisé, engagé, projection",
    ),
    (perms.CAN_SEE_PROGRESS, "Mise en relation", "matching:search", "structures capables pour un besoin"),
    (None, "Annuaire des SIAE", "siaes:directory", "structures, compétences, zones"),
    (
        perms.CAN_DECIDE_FINDINGS,
        "Paramètres de l'organisation",
        "rules:overrides",
        "valeurs propres à l'organisation",
    ),
]


def shortcuts_for(user):
    if role_of(user) == Role.SIAE_MEMBER:
        return []
    items = [
        {"label": label, "url": reverse(name), "hint": hint}
        for allowed, label, name, hint in SHORTCUTS
        if allowed is None or perms.has_role(user, allowed)
    ]
    for item in items:
        if item["url"] == reverse("insertion:pending"):
            item["hint"] = pending_hint(user)
    return items


def pending_hint(user):
    """« 44 en attente » on the facilitator's tile (declarations of its organisation not yet validated)."""
    count = (
        HoursDeclaration.objects.current()
        .filter(status="draft", contract__organisation_id=user.organisation_id)
        .count()
    )
    return "aucune en attente" if not count else f"{format_number(count)} en attente"


HOME_OPPORTUNITIES = 5


def member_home(user):
    """An SIAE member's landing: its structure, its best open opportunities and its answers."""
    siae = Siae.objects.filter(pk=user.siae_id).first()
    if siae is None:
        return {}
    labels = dict(ResponseKind.choices)
    answered = {
        lot_id: labels.get(kind, kind)
        for lot_id, kind in LotResponse.objects.filter(siae=siae).values_list("lot_id", "kind")
    }
    opportunities = [
        (lot, item, answered.get(lot.pk)) for lot, item in open_opportunities(siae, top=HOME_OPPORTUNITIES)
    ]
    responses = LotResponse.objects.filter(siae=siae).select_related("lot", "lot__operation")[:10]
    return {"member_siae": siae, "member_opportunities": opportunities, "member_responses": responses}
