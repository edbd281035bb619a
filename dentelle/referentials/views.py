"""Pages of the referentials: load status, CPV search, place resolver."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from dentelle.referentials.index import get_index
from dentelle.referentials.places import resolve_place
from dentelle.referentials.status import referential_status


@login_required
def home(request):
    return render(
        request,
        "referentials/home.html",
        {"title": "Référentiels", "rows": referential_status()},
    )


@login_required
def cpv_search(request):
    query = request.GET.get("q", "").strip()[:200]
    index = get_index()
    results = []
    if query:
        for info in index.search_cpv(query, limit=50):
            ancestors = [(code, index.cpv_label(code)) for code in index.cpv_ancestors(info.code)]
            results.append({"info": info, "ancestors": ancestors[::-1]})
    return render(
        request, "referentials/cpv.html", {"title": "Recherche CPV", "query": query, "results": results}
    )


@login_required
def place_resolver(request):
    text = request.GET.get("q", "").strip()[:300]
    code = request.GET.get("code", "").strip()[:20]
    place = resolve_place(text, code=code or None) if text or code else None
    index = get_index()
    context = {
        "title": "Résoudre un lieu d'exécution",
        "text": text,
        "code": code,
        "asked": bool(text or code),
        "place": place,
        "department_name": index.department_name(place.department_code)
        if place and place.department_code
        else "",
        "region_name": index.region_name(place.region_code) if place and place.region_code else "",
    }
    return render(request, "referentials/place.html", context)
