"""Benchmark of the allotment optimiser (dentelle/purchases/allotment_milp.py, the code the CLI
`dentelle allot`, the page and R4 call): solve time and optimality gap for 100, 500 and 2,000 sites
with 50 candidate centres, beside the department split, under two sets of limits: the lot page's and
R4's defaults (``baseline_limits``: the split's own lot count and farthest distance) and a hard covering
instance (25 km, 4 to 12 lots). Prints a table and the peak memory; not a test. The able structures are
read from the SIAE file here (the CLI and the page take them from the matching engine's index).

Sites: Île-de-France communes of ../shared/data/geo/communes.csv drawn with replacement, weighted by
population (real coordinates and departments), each with a yearly amount drawn between 5 and 60 k€.
Structures: the real Île-de-France SIAE of ../shared/data/siae/siae_asp_2019_07.csv with their
coordinates; their yearly capacity is not published, the bench gives each one 250 k€ (a parameter).

    .venv/bin/python bench/bench_allotment.py [--sizes 100,500,2000] [--time-limit 30]
"""

import argparse
import csv
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dentelle.purchases.allotment_lots import (  # noqa: E402
    Params,
    Site,
    Structure,
    baseline_limits,
    department_split,
)
from dentelle.purchases.allotment_milp import optimise  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
IDF = {"75", "77", "78", "91", "92", "93", "94", "95"}


def communes():
    with open(DATA / "geo" / "communes.csv", encoding="utf-8") as f:
        rows = [
            r
            for r in csv.DictReader(f)
            if r["code_departement"] in IDF and r["type"] == "COM" and r["latitude"] and r["longitude"]
        ]
    return rows


def structures(capacity):
    out = []
    with open(DATA / "siae" / "siae_asp_2019_07.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["code_insee"][:2] in IDF and r["latitude"] and r["longitude"]:
                out.append(Structure(r["siret"], float(r["latitude"]), float(r["longitude"]), capacity))
    return out


def sample_sites(rows, count, seed):
    rng = random.Random(seed)
    weights = [max(int(r["population"] or 0), 1) for r in rows]
    picked = rng.choices(rows, weights=weights, k=count)
    return [
        Site(
            f"S{k}",
            f"Site {k} ({r['nom']})",
            float(r["latitude"]),
            float(r["longitude"]),
            float(rng.randrange(5_000, 60_000, 500)),
            r["code_departement"],
            r["code_ept"],
            r["code_epci"],
        )
        for k, r in enumerate(picked)
    ]


def _row(size, label, proposal, params, seconds):
    if not proposal.ok:
        print(f"{size:>6} {label:<34} erreur : {proposal.error}")
        return
    fig = proposal.figures(params)
    gap = "—" if proposal.gap is None else f"{proposal.gap:.3%}"
    print(
        f"{size:>6} {label:<34} {fig['lots']:>4} {fig['able_share']:>9.1%} {fig['reserved_share']:>11.1%} "
        f"{fig['max_km']:>8.1f} {fig['mean_km']:>7.1f} {gap:>8} {seconds:>9.2f} {proposal.status}"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,500,2000")
    parser.add_argument("--time-limit", type=float, default=30.0, help="limites serrées (s)")
    parser.add_argument("--page-time-limit", type=float, default=5.0, help="défauts de la page et de R4 (s)")
    parser.add_argument("--capacity", type=float, default=250_000.0)
    args = parser.parse_args()
    rows, able = communes(), structures(args.capacity)
    print(f"{len(rows)} communes d'Île-de-France, {len(able)} SIAE réelles géolocalisées")
    print(
        f"{'sites':>6} {'configuration / méthode':<34} {'lots':>4} {'≥3 aptes':>9} {'réservable':>11} "
        f"{'max km':>8} {'moy. km':>7} {'gap':>8} {'temps (s)':>9} statut"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        sites = sample_sites(rows, size, seed=size)
        configurations = [
            # The lot page's and R4's defaults: the department split is admissible (never worse than it).
            (
                "défauts page/R4",
                Params(min_able=3, time_limit=args.page_time_limit, **baseline_limits(sites)),
            ),
            # A hard covering instance: 25 km, 4 to 12 lots, structures within 15 km.
            (
                "serrées (25 km, 4-12 lots)",
                Params(
                    min_lots=4, max_lots=12, max_km=25, radius_km=15, min_able=3, time_limit=args.time_limit
                ),
            ),
        ]
        for name, params in configurations:
            started = time.perf_counter()
            best = optimise(sites, able, params)
            wall = time.perf_counter() - started
            _row(size, f"{name} : optimiseur", best, params, wall)
            _row(size, f"{name} : départements", department_split(sites, able, params), params, 0.0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"mémoire maximale : {peak:.0f} Mio")


if __name__ == "__main__":
    main()
