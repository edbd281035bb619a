"""The periodic digest: new opportunities above a score, e-mailed to matched structures.

Dry run by default (prints what would go out); `--wet-run` sends through Django's mail backend and
records each (lot, structure) pair so it is never announced twice. Every e-mail carries a signed
answer link per lot and a signed unsubscribe link (no login needed, nothing guessable).
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.urls import reverse

from dentelle.accounts.models import User
from dentelle.matching.description import query_of
from dentelle.matching.index import get_structure_index
from dentelle.matching.models import DigestDelivery, DigestOptOut
from dentelle.matching.scoring import score_all
from dentelle.matching.weights import load_weights
from dentelle.purchases.models import Lot, OperationStatus
from dentelle.siaes.models import Contact, Siae

OPEN_STATUSES = (OperationStatus.PLANNED, OperationStatus.PREPARING, OperationStatus.LAUNCHED)
SALT_ANSWER = "dentelle.matching.answer"
SALT_UNSUBSCRIBE = "dentelle.matching.unsubscribe"
TOKEN_MAX_AGE = 60 * 60 * 24 * 120  # answer links stay valid four months
UNSUBSCRIBE_MAX_AGE = 60 * 60 * 24 * 365  # unsubscribe links a year (a new digest brings a new one)


def answer_token(lot_pk, siae_pk):
    return signing.dumps({"lot": lot_pk, "siae": siae_pk}, salt=SALT_ANSWER)


def read_answer_token(token):
    """(lot_pk, siae_pk) or None for a forged or expired token."""
    try:
        data = signing.loads(token, salt=SALT_ANSWER, max_age=TOKEN_MAX_AGE)
        return int(data["lot"]), int(data["siae"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def unsubscribe_token(siae_pk):
    return signing.dumps({"siae": siae_pk}, salt=SALT_UNSUBSCRIBE)


def unsubscribe_token_state(token):
    """(siae_pk, expired): (pk, False) for a valid link, (None, True) for an expired one, (None, False)
    for a forged one."""
    try:
        return int(signing.loads(token, salt=SALT_UNSUBSCRIBE, max_age=UNSUBSCRIBE_MAX_AGE)["siae"]), False
    except signing.SignatureExpired:
        return None, True
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None, False


def read_unsubscribe_token(token):
    return unsubscribe_token_state(token)[0]


def open_lots():
    return Lot.objects.filter(operation__status__in=OPEN_STATUSES).select_related("operation").order_by("pk")


def site_url(path):
    return getattr(settings, "DENTELLE_SITE_URL", "http://127.0.0.1:8000").rstrip("/") + path


def recipients_of(siae_ids):
    """E-mail addresses per structure: its contacts and its members' accounts."""

    found = {}
    for siae_id, email in (
        Contact.objects.filter(siae_id__in=siae_ids).exclude(email="").values_list("siae_id", "email")
    ):
        found.setdefault(siae_id, []).append(email)
    for siae_id, email in (
        User.objects.filter(siae_id__in=siae_ids, is_active=True)
        .exclude(email="")
        .values_list("siae_id", "email")
    ):
        found.setdefault(siae_id, []).append(email)
    return {k: sorted(set(v)) for k, v in found.items()}


@dataclass
class DigestPlan:
    by_siae: dict = field(default_factory=dict)  # siae pk → [(lot, score)]
    without_address: int = 0
    opted_out: int = 0


def plan_digest(min_score=None, lots=None):
    weights = load_weights()
    threshold = weights.able_min_score if min_score is None else min_score
    arrays = get_structure_index()
    already = set(DigestDelivery.objects.values_list("lot_id", "siae_id"))
    opted_out = set(DigestOptOut.objects.values_list("siae_id", flat=True))
    plan, cache = DigestPlan(), {}
    for lot in lots if lots is not None else open_lots():
        result = score_all(query_of(lot), arrays, weights, cache=cache)
        for row in result.top(50, min_score=threshold):
            siae_pk = int(arrays.pks[row])
            if (lot.pk, siae_pk) in already:
                continue
            if siae_pk in opted_out:
                plan.opted_out += 1
                continue
            plan.by_siae.setdefault(siae_pk, []).append((lot, float(result.score[row])))
    return plan


def message_for(siae, entries, emails):
    lines = [
        "Bonjour,",
        "",
        f"Dentelle a repéré {len(entries)} achat(s) public(s) qui correspondent à {siae.display_name} :",
        "",
    ]
    for lot, score in sorted(entries, key=lambda e: -e[1]):
        amount = f" — {lot.estimated_amount:,.0f} € HT".replace(",", " ") if lot.estimated_amount else ""
        lines += [
            f"• {lot.title} ({lot.operation.title}){amount}",
            f"  Lieu : {lot.place_text or 'non précisé'} · adéquation {round(100 * score)} %",
            "  Répondre (intéressée, pas intéressée, en groupement) : "
            + site_url(reverse("matching:answer", args=[answer_token(lot.pk, siae.pk)])),
            "",
        ]
    lines += [
        "Vous recevez ce message parce que votre structure figure dans l'annuaire des structures inclusives.",
        "Ne plus recevoir ces opportunités : "
        + site_url(reverse("matching:unsubscribe", args=[unsubscribe_token(siae.pk)])),
    ]
    return EmailMessage(
        subject=f"Dentelle — {len(entries)} opportunité(s) d'achat public pour {siae.display_name}",
        body="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=emails,
    )


def run_digest(min_score=None, wet_run=False, lots=None):
    """Build (and, on wet run, send) the digest. Returns a summary dict."""
    plan = plan_digest(min_score, lots)
    addresses = recipients_of(list(plan.by_siae))
    siaes = Siae.objects.in_bulk(list(plan.by_siae))
    sent = pairs = 0
    previews = []
    for siae_pk, entries in plan.by_siae.items():
        emails = addresses.get(siae_pk)
        if not emails:
            plan.without_address += 1
            continue
        message = message_for(siaes[siae_pk], entries, emails)
        previews.append((siaes[siae_pk], entries, emails))
        if wet_run:
            message.send()
            DigestDelivery.objects.bulk_create(
                [
                    DigestDelivery(lot=lot, siae_id=siae_pk, score=score, recipients=", ".join(emails)[:500])
                    for lot, score in entries
                ],
                ignore_conflicts=True,
            )
            sent += 1
        pairs += len(entries)
    return {
        "structures": len(previews),
        "sent": sent,
        "pairs": pairs,
        "without_address": plan.without_address,
        "opted_out": plan.opted_out,
        "previews": previews,
    }
