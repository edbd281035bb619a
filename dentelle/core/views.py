from django.shortcuts import render

from dentelle.referentials.status import referential_status


def home(request):
    return render(request, "core/home.html", {"referentials": referential_status(), "title": "Accueil"})


def page_not_found(request, exception=None):
    return render(request, "core/error.html", {"title": "Page introuvable", "code": 404}, status=404)


def server_error(request):
    return render(request, "core/error.html", {"title": "Erreur du serveur", "code": 500}, status=500)
