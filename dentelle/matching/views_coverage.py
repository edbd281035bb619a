"""The supply-coverage page (/siae/couverture/): able structures per trade family and department of
a region, the matching engine's count (dentelle/matching/coverage.py), on a map and as a table."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.safestring import mark_safe

from dentelle.core.downloads import table_response
from dentelle.matching import coverage as coverage_rules
from dentelle.referentials.index import get_index
from dentelle.rules.services import rules_for
from dentelle.siaes import svgmap
from dentelle.siaes.views import DEFAULT_REGION


def coverage_context(request):
    index = get_index()
    region = (
        request.GET.get("region")
        or getattr(getattr(request.user, "organisation", None), "region_code", "")
        or DEFAULT_REGION
    )
    if region not in index.regions:
        region = DEFAULT_REGION
    rules = rules_for(getattr(request.user, "organisation", None))  # its own R3 threshold, if set
    return index, region, coverage_rules.coverage(region, index, rules=rules)


@login_required
def coverage(request):
    index, region, data = coverage_context(request)
    family = request.GET.get("famille") or data["rows"][0]["id"]
    row = next((r for r in data["rows"] if r["id"] == family), data["rows"][0])
    centroids = svgmap.department_centroids(index, {code for code, _name in data["departments"]})
    colours = {"sourcing": "#ce0500", "clause": "#b34000", "reservation": "#18753c"}
    bubbles = [
        (
            *centroids[cell["department"]],
            f"{cell['department']} {index.department_name(cell['department'])}",
            cell["count"],
            colours[cell["level"].key],
        )
        for cell in row["cells"]
        if cell["department"] in centroids
    ]
    return render(
        request,
        "siaes/coverage.html",
        {
            "title": "Couverture de l'offre",
            "data": data,
            "regions": sorted(index.regions.items()),
            "region": region,
            "family": row,
            "map_svg": mark_safe(
                svgmap.bubble_map(
                    bubbles, f"Structures capables : {row['label']}", svgmap.commune_points(index)
                )
            ),  # noqa: S308
            "levels": [coverage_rules.SOURCING_FIRST, coverage_rules.CLAUSE, coverage_rules.RESERVATION],
            "reservation_min": data["reservation_min"],
        },
    )


@login_required
def coverage_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404("Format inconnu")
    _index, region, data = coverage_context(request)
    header, rows = coverage_rules.coverage_table(data)
    return table_response(
        fmt, f"Couverture {region}", header, rows, f"couverture-offre-{region}", export="couverture"
    )
