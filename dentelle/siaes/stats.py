"""Directory figures: counts by kind and region, share geolocated, share with a competence."""

from django.db.models import Count

from dentelle.referentials.index import get_index
from dentelle.siaes.enums import SiaeKind
from dentelle.siaes.models import Competence, Siae


def share(part, total):
    return round(100 * part / total, 1) if total else 0.0


def directory_stats(queryset=None):
    queryset = Siae.objects.all() if queryset is None else queryset
    total = queryset.count()
    active = queryset.filter(is_active=True).count()
    by_kind = dict(queryset.values_list("kind").annotate(n=Count("id")).order_by())
    by_region = dict(queryset.values_list("region_code").annotate(n=Count("id")).order_by())
    geolocated = queryset.filter(latitude__isnull=False, longitude__isnull=False).count()
    with_competence = queryset.filter(pk__in=Competence.objects.values("siae_id")).count()
    index = get_index()
    return {
        "total": total,
        "active": active,
        "by_kind": [
            {"kind": kind, "label": SiaeKind(kind).label if kind in SiaeKind.values else kind, "count": n}
            for kind, n in sorted(by_kind.items(), key=lambda item: -item[1])
        ],
        "by_region": [
            {
                "region": code or "",
                "name": (index.region_name(code) if code else None) or "inconnue",
                "count": n,
            }
            for code, n in sorted(by_region.items(), key=lambda item: -item[1])
        ],
        "geolocated": geolocated,
        "geolocated_share": share(geolocated, total),
        "with_competence": with_competence,
        "with_competence_share": share(with_competence, total),
    }


def format_stats(stats):
    lines = [f"Structures : {stats['total']} (dont {stats['active']} actives)", "", "Par type :"]
    lines += [f"  {row['kind']:<5} {row['count']:>6}  {row['label']}" for row in stats["by_kind"]]
    lines += ["", "Par région :"]
    lines += [f"  {row['region'] or '—':<3} {row['count']:>6}  {row['name']}" for row in stats["by_region"]]
    lines += [
        "",
        f"Géolocalisées : {stats['geolocated']} ({stats['geolocated_share']} %)",
        f"Avec au moins une compétence : {stats['with_competence']} ({stats['with_competence_share']} %)",
    ]
    return "\n".join(lines)
