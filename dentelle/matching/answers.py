"""Who may answer which lot, and signed answer links that serve once.

A structure answers a lot only while the lot is open and if the lot was put before it: announced by
the digest, already answered, or among the opportunities its page shows. A signed answer link
records one answer: once an answer is stored after the link was issued, replaying the link (a
forwarded e-mail, a proxy log) cannot overwrite it; the structure changes its answer once logged in.
"""

from datetime import UTC, datetime

from django.core import signing

from dentelle.matching.digest import OPEN_STATUSES
from dentelle.matching.models import DigestDelivery, LotResponse
from dentelle.matching.services import explain_structure, open_opportunities

OPPORTUNITIES_SHOWN = 30  # the opportunities page lists this many lots (the API up to 100)
OPPORTUNITIES_API_MAX = 100

NOT_OPEN = "Ce lot n'est plus ouvert aux réponses."
NOT_SHOWN = "Ce lot ne fait pas partie des opportunités proposées à votre structure."
LINK_USED = (
    "Ce lien de réponse a déjà servi : la réponse enregistrée ne peut plus être modifiée par ce lien. "
    "Connectez-vous à Dentelle (page « Opportunités » de votre structure) pour la modifier."
)


def is_open(lot):
    return lot.operation.status in OPEN_STATUSES


def was_shown(lot, siae, top=OPPORTUNITIES_API_MAX):
    """The lot was announced to the structure, answered by it, or is among its opportunities."""
    pair = {"lot_id": lot.pk, "siae_id": siae.pk}
    if DigestDelivery.objects.filter(**pair).exists() or LotResponse.objects.filter(**pair).exists():
        return True
    return any(shown.pk == lot.pk for shown, _ in open_opportunities(siae, top=top))


def answer_refusal(lot, siae):
    """French reason why ``siae`` may not answer ``lot``, or None."""
    if not is_open(lot):
        return NOT_OPEN
    if not was_shown(lot, siae):
        return NOT_SHOWN
    return None


def token_issued_at(token):
    """When a (valid) signed token was issued: the timestamp the signer put in it."""
    try:
        return datetime.fromtimestamp(signing.b62_decode(token.rsplit(":", 2)[-2]), tz=UTC)
    except (IndexError, ValueError):
        return None


def link_already_used(token, lot, siae):
    """An answer was stored for this pair since the link was issued (so this link served already)."""
    issued = token_issued_at(token)
    current = LotResponse.objects.filter(lot=lot, siae=siae).values_list("updated_at", flat=True).first()
    if current is None:
        return False
    return issued is None or current.replace(microsecond=0) >= issued


def record_answer(lot, siae, *, kind, reason="", partners="", user=None):
    """Store the structure's answer to the lot (the page, the answer link and the API all write here),
    with the score the structure had for the lot when it answered."""
    item = explain_structure(lot, siae.pk)
    response, _ = LotResponse.objects.update_or_create(
        lot=lot,
        siae=siae,
        defaults={
            "kind": kind,
            "reason": reason,
            "partners": partners,
            "responded_by": user,
            "score": item["score"] if item else None,
        },
    )
    return response
