"""The population of the matching benchmark: structures from the shared ASP, GEIQ and ESAT lists cloned up to
the target count, with competences, service areas and capacities, and the plan's lots drawn from the
communes. Imported by bench_matching.py after ``django.setup()``; one seeded generator, ``rng``, draws
everything, so a run prints the same figures as before the split."""

import csv
import random
from pathlib import Path

from django.conf import settings

from dentelle.matching.scoring import LotQuery
from dentelle.referentials.place import Place
from dentelle.siaes.models import Capacity, Competence, ServiceArea, Siae
from dentelle.siaes.naf_cpv import suggest_competences

DATA = Path(settings.DENTELLE_DATA_DIR)
LOT_TITLES = [
    "Entretien des espaces verts des lycées",
    "Nettoyage des locaux",
    "Restauration scolaire",
    "Travaux de peinture et de second œuvre",
    "Collecte et tri des déchets",
    "Blanchisserie des internats",
    "Mise à disposition de personnel",
    "Déménagement et transfert de mobilier",
    "Reconditionnement de matériel informatique",
    "Plateaux-repas et buffets",
    "Mise sous pli et routage",
    "Entretien forestier et débroussaillage",
]
LOT_CPV = [
    "77310000",
    "90910000",
    "90911200",
    "45442100",
    "45210000",
    "55523100",
    "79620000",
    "98310000",
    "90500000",
    "45450000",
    "77211000",
    "50700000",
    "79530000",
    "85311200",
    "39100000",
    "22100000",
]
rng = random.Random(42)


def read_real_structures():
    rows = []
    files = (
        ("siae/siae_asp_2019_07.csv", "denomination", "type_siae", "naf"),
        ("siae/geiq_2019_11.csv", "denomination", "type_siae", "naf"),
        ("siae/esat_finess_liste_officielle.csv", "raison_sociale_et", None, None),
    )
    for name, label, kind_col, naf_col in files:
        with open(DATA / name, encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if not row.get("latitude") or not row.get("code_insee"):
                    continue
                insee = row["code_insee"]
                rows.append(
                    {
                        "name": row[label],
                        "kind": row[kind_col] if kind_col else "ESAT",
                        "naf": (row.get(naf_col) or "") if naf_col else "8810C",
                        "insee": insee,
                        "dept": insee[:3] if insee.startswith("97") else insee[:2],
                        "lat": float(row["latitude"]),
                        "lon": float(row["longitude"]),
                    }
                )
    return rows


def communes():
    with open(DATA / "geo/communes.csv", encoding="utf-8") as handle:
        return [r for r in csv.DictReader(handle) if r["type"] == "COM" and r["latitude"]]


def fake_siret(n):
    from stdnum import luhn

    base = f"{900000000 + n:09d}0001"
    return base + luhn.calc_check_digit(base)


def populate(real, dept_region, target):
    """``target`` structures in the database: the real ones, then clones with jittered coordinates."""
    Siae.objects.all().delete()
    siaes = []
    for n in range(target):
        src = real[n % len(real)]
        clone = n >= len(real)
        jitter = 0.05 if clone else 0.0
        siaes.append(
            Siae(
                siret=fake_siret(n),
                siren=fake_siret(n)[:9],
                name=src["name"] + (f" #{n}" if clone else ""),
                kind=src["kind"],
                naf=src["naf"],
                commune_insee_code=src["insee"],
                department_code=src["dept"],
                region_code=dept_region.get(src["dept"], ""),
                latitude=src["lat"] + rng.uniform(-jitter, jitter),
                longitude=src["lon"] + rng.uniform(-jitter, jitter),
                is_active=rng.random() > 0.02,
            )
        )
    Siae.objects.bulk_create(siaes, batch_size=1000)
    competences, areas, capacities = [], [], []
    for siae in Siae.objects.all().only("pk", "naf", "kind", "department_code", "region_code"):
        for item in suggest_competences(siae.naf, siae.kind):
            competences.append(Competence(siae_id=siae.pk, cpv_prefix=item.cpv_prefix, origin=item.origin))
        if rng.random() < 0.33:
            competences.append(
                Competence(siae_id=siae.pk, cpv_prefix=rng.choice(LOT_CPV)[:4], origin="declared")
            )
            kind = rng.choice(["department", "region", "radius", "national"])
            code = {"department": siae.department_code, "region": siae.region_code}.get(kind, "")
            areas.append(
                ServiceArea(
                    siae_id=siae.pk,
                    kind=kind,
                    code=code,
                    radius_km=rng.choice([20, 50, 100]) if kind == "radius" else None,
                )
            )
            capacities.append(
                Capacity(
                    siae_id=siae.pk,
                    metric="annual_turnover",
                    source="bench",
                    value=round(rng.lognormvariate(13.5, 1.0)),
                    as_of="2026-01-01",
                )
            )
    Competence.objects.bulk_create(competences, batch_size=2000, ignore_conflicts=True)
    ServiceArea.objects.bulk_create(areas, batch_size=2000, ignore_conflicts=True)
    Capacity.objects.bulk_create(capacities, batch_size=2000, ignore_conflicts=True)
    return len(competences), len(areas)


def _place(kind, code, name, commune, departments, **more):
    """A lot's place of execution centred on ``commune`` (its coordinates stand for the whole area)."""
    return Place(
        kind,
        code,
        name,
        latitude=float(commune["latitude"]),
        longitude=float(commune["longitude"]),
        department_codes=tuple(departments),
        **more,
    )


def make_lots(all_communes, dept_region, count):
    by_dept = {}
    for c in all_communes:
        by_dept.setdefault(c["code_departement"], []).append(c)
    regions = {}
    for dept, region in dept_region.items():
        regions.setdefault(region, []).append(dept)
    lots = []
    for _ in range(count):
        roll = rng.random()
        commune = rng.choice(all_communes)
        dept = commune["code_departement"]
        if roll < 0.6:
            code = commune["code_insee"]
            place = _place("commune", code, commune["nom"], commune, (dept,), commune_codes=(code,))
        elif roll < 0.9:
            place = _place("department", dept, dept, commune, (dept,))
        else:
            region = dept_region.get(dept, "")
            place = _place("region", region, region, commune, regions.get(region, [dept]))
        lots.append(
            LotQuery(
                cpv_codes=(rng.choice(LOT_CPV),),
                # Titles vary lot by lot (a type of work and a site), so the batch text cache rarely hits.
                text=f"{rng.choice(LOT_TITLES)} — {rng.choice(all_communes)['nom']}",
                annual_amount=round(rng.lognormvariate(11.5, 1.0)),
                place=place,
            )
        )
    return lots
