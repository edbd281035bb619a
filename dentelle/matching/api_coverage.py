"""API of the supply coverage, /api/siaes/coverage (beside the directory's API, its code in matching)."""

from django.http import Http404
from ninja import Router

from config.api_errors import errors
from dentelle.matching import coverage as coverage_rules
from dentelle.referentials.index import get_index
from dentelle.rules.services import rules_for

router = Router(tags=["annuaire des SIAE"])


@router.get(
    "/coverage",
    response={200: dict, **errors(404)},
    summary="Couverture de l'offre : structures capables par famille et département",
)
def coverage(request, region: str = "11"):
    index = get_index()
    if region not in index.regions:
        raise Http404("Région inconnue")
    data = coverage_rules.coverage(
        region, index, rules=rules_for(getattr(request.user, "organisation", None))
    )
    return {
        "region": data["region"],
        "region_name": data["region_name"],
        "reservation_min": data["reservation_min"],
        "departments": [{"code": c, "name": n} for c, n in data["departments"]],
        "families": [
            {
                "id": row["id"],
                "label": row["label"],
                "cpv_prefixes": row["prefixes"],
                "source": row["source"],
                "departments": {
                    cell["department"]: {
                        "count": cell["count"],
                        "disability": cell["disability"],
                        "level": cell["level"].key,
                    }
                    for cell in row["cells"]
                },
            }
            for row in data["rows"]
        ],
    }
