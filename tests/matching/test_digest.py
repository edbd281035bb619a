"""Digest e-mails, signed answer and unsubscribe links, responses recorded on the lot."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from dentelle.matching.digest import answer_token, read_answer_token, run_digest, unsubscribe_token
from dentelle.matching.models import DigestDelivery, DigestOptOut, LotResponse

pytestmark = pytest.mark.django_db


def test_dry_run_sends_nothing(lot, directory):
    summary = run_digest(min_score=0.5)
    assert summary["structures"] >= 1 and summary["sent"] == 0
    assert len(mail.outbox) == 0 and not DigestDelivery.objects.exists()


def test_wet_run_sends_once_with_links(lot, directory):
    summary = run_digest(min_score=0.5, wet_run=True)
    assert summary["sent"] == len(mail.outbox) >= 1
    message = next(m for m in mail.outbox if "jardins@example.org" in m.to)
    assert lot.title in message.body and "/mise-en-relation/reponse/" in message.body
    assert "/mise-en-relation/desabonnement/" in message.body
    assert run_digest(min_score=0.5, wet_run=True)["sent"] == 0  # never announced twice


def test_unsubscribed_structure_gets_nothing(lot, directory, client):
    url = reverse("matching:unsubscribe", args=[unsubscribe_token(directory["jardins"].pk)])
    assert "Me désabonner" in client.get(url).text
    client.post(url)
    assert DigestOptOut.objects.filter(siae=directory["jardins"]).exists()
    run_digest(min_score=0.5, wet_run=True)
    assert all("jardins@example.org" not in m.to for m in mail.outbox)


def test_forged_tokens_are_refused(lot, directory, client):
    assert read_answer_token("forged") is None
    assert client.get(reverse("matching:answer", args=["forged"])).status_code == 404
    assert client.get(reverse("matching:unsubscribe", args=["forged"])).status_code == 404


@pytest.mark.parametrize(
    "kind, reason, saved",
    [
        ("interested", "", True),
        ("consortium", "Avec une EI du 93", True),
        ("not_interested", "Trop loin", True),
        ("not_interested", "", False),
    ],
    ids=["interested", "consortium", "not-interested-with-reason", "not-interested-needs-a-reason"],
)
def test_answer_link_records_the_response(lot, directory, client, kind, reason, saved):
    url = reverse("matching:answer", args=[answer_token(lot.pk, directory["jardins"].pk)])
    response = client.post(url, {"kind": kind, "reason": reason})
    assert LotResponse.objects.filter(lot=lot, siae=directory["jardins"], kind=kind).exists() is saved
    if not saved:
        assert "Indiquez pourquoi" in response.text


def test_answer_is_unique_per_lot_and_structure(lot, directory, client):
    url = reverse("matching:answer", args=[answer_token(lot.pk, directory["jardins"].pk)])
    client.post(url, {"kind": "interested"})
    client.post(url, {"kind": "not_interested", "reason": "Plan de charge complet"})  # a link serves once
    assert LotResponse.objects.filter(lot=lot).count() == 1
    assert LotResponse.objects.get(lot=lot).kind == "interested"


def test_digest_command(lot, directory, capsys):
    call_command("match", "digest", "--min-score", "0.5")
    assert "aperçu" in capsys.readouterr().out
    call_command("match", "digest", "--min-score", "0.5", "--wet-run")
    assert "envoyé" in capsys.readouterr().out and mail.outbox
