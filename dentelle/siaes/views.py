"""Pages of the SIAE directory: search, map, exports (the supply coverage: matching/views_coverage.py; a structure's page and its edits:
views_profile.py)."""

import datetime as dt
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.clickjacking import xframe_options_sameorigin

from dentelle.core.downloads import table_response
from dentelle.core.security import policy_framable_by_this_site
from dentelle.referentials.index import get_index
from dentelle.siaes import svgmap
from dentelle.siaes.exports import EXPORT_LIMIT, siae_rows
from dentelle.siaes.forms import SearchForm
from dentelle.siaes.models import Competence
from dentelle.siaes.search import ResultPages, SearchParams, search_siaes

PAGE_SIZE = 50
DEFAULT_REGION = "11"


def organisation_region(user, index):
    """The name of the user's organisation's region, or "" (no organisation, or a national one)."""
    code = getattr(getattr(user, "organisation", None), "region_code", "") or ""
    return index.region_name(code) or ""


def competences_by_siae(ids):
    """{siae id: [CPV prefixes]} in one light query (no model instances)."""
    found = {}
    for siae_id, prefix in (
        Competence.objects.filter(siae_id__in=ids).order_by("cpv_prefix").values_list("siae_id", "cpv_prefix")
    ):
        found.setdefault(siae_id, []).append(prefix)
    return found


def map_points(queryset, count, index=None):
    """(lat, lon, name, department) of the results, unsorted.

    Few results: one point per structure, with its name as tooltip. Many: one point per commune
    (GROUP BY in SQL, centroid from the referentials), which keeps big searches light.
    """
    located = queryset.filter(latitude__isnull=False).order_by()
    if count <= svgmap.MAX_TOOLTIPS:
        return list(located.values_list("latitude", "longitude", "name", "department_code"))
    index = index or get_index()
    points = []
    for code in located.values_list("commune_insee_code", flat=True).distinct()[: svgmap.MAX_POINTS]:
        commune = index.commune(code) if code else None
        if commune is not None and commune.latitude is not None:
            points.append((commune.latitude, commune.longitude, "", commune.department_code))
    return points


@login_required
def directory(request):
    index = get_index()
    home_region = organisation_region(request.user, index)
    if not request.GET and home_region:
        # First visit: the structures of the user's own region (the form shows it; emptying it searches all).
        return redirect(f"{request.path}?{urlencode({'place': home_region})}")
    params = SearchParams.from_mapping(request.GET)
    result = search_siaes(params, index)
    page = Paginator(ResultPages(result.queryset), PAGE_SIZE).get_page(request.GET.get("page"))
    prefixes = competences_by_siae([siae.pk for siae in page.object_list])
    for siae in page.object_list:
        siae.top_competences = [
            (prefix, index.cpv_label(prefix.ljust(8, "0")) or "") for prefix in prefixes.get(siae.pk, [])[:3]
        ]
        siae.department_name = index.department_name(siae.department_code) or ""
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "siaes/directory.html",
        {
            "title": "Annuaire des SIAE",
            "form": SearchForm(request.GET or None),
            "page": page,
            "notes": result.notes,
            "query": query.urlencode(),
            "total": page.paginator.count,
            "export_limit": EXPORT_LIMIT,
        },
    )


@login_required
@xframe_options_sameorigin  # the list page embeds it with <object>; DENY would blank it
def directory_map(request):
    """The map of a search, as its own SVG document (the list page embeds it: no tiles, no script)."""
    index = get_index()
    result = search_siaes(SearchParams.from_mapping(request.GET), index)
    count = result.queryset.count()
    points = map_points(result.queryset, count, index)
    departments = {p[3] for p in points if p[3]}
    centroids = svgmap.department_centroids(index, departments) if len(departments) <= 30 else {}
    labels = [(lat, lon, code) for code, (lat, lon) in centroids.items()]
    svg = svgmap.points_map(
        [p[:3] for p in points],
        labels,
        f"Carte des {count} structures trouvées",
        communes=svgmap.commune_points(index),
    )
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    # The directory page embeds the map with <object>: framing by this site only (CSP and X-Frame-Options).
    response["Content-Security-Policy"] = policy_framable_by_this_site()
    return response


@login_required
def export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404("Format inconnu")
    index = get_index()
    result = search_siaes(SearchParams.from_mapping(request.GET), index)
    header, rows = siae_rows(result.queryset, index, EXPORT_LIMIT)
    stamp = dt.date.today().isoformat()
    # Streamed workbook: the directory export reaches thousands of rows.
    return table_response(
        fmt, "Structures", header, rows, f"annuaire-siae-{stamp}", streamed=True, export="annuaire"
    )
