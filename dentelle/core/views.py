"""The error pages (400, 403, 404, 500) every app falls back on."""

import logging

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.urls import Resolver404

from dentelle.core.logs import note_refusal

logger = logging.getLogger(__name__)

# Last resort when even the error page cannot be rendered (database down, broken template):
# Django's own fallback is English ("A server error occurred").
BARE_500 = (
    '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Erreur du serveur — Dentelle</title>'
    "</head><body><h1>Erreur du serveur</h1><p>Une erreur inattendue s'est produite. "
    'Réessayez plus tard.</p><p><a href="/">Retour à l\'accueil</a></p></body></html>'
)


def bad_request(request, exception=None):
    return _error(request, 400, "Requête invalide")


def permission_denied(request, exception=None):
    # Our PermissionDenied messages are French and say why ("Votre rôle ne permet pas cette action.").
    # The line itself is written by dentelle.core.logs.RequestEvents, for pages and API alike.
    reason = str(exception) if exception is not None and str(exception) else ""
    note_refusal(request, reason)
    return _error(request, 403, "Accès refusé", reason)


def page_not_found(request, exception=None):
    if exception is not None and not isinstance(exception, Resolver404):  # an unknown address has no reason
        note_refusal(request, exception)
    return _error(request, 404, "Page introuvable")


def server_error(request):
    try:
        return _error(request, 500, "Erreur du serveur")
    except Exception:  # boundary: the last handler; anything that breaks the error page gets the bare one
        logger.exception("La page d'erreur 500 n'a pas pu être affichée.")
        return HttpResponseServerError(BARE_500)


def _error(request, code, title, reason=""):
    return render(request, "core/error.html", {"title": title, "code": code, "reason": reason}, status=code)
