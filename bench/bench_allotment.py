"""Benchmark of the allotment optimiser (dentelle/purchases/allotment_milp.py, the code the CLI
`dentelle allot`, the page and R4 call): solve time and optimality gap for 100, 500 and 2,000 sites
with 50 candidate centres, beside the department split. Prints a table and the peak memory; not a test.

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

from dentelle.purchases.allotment_milp import Params, Site, Structure, department_split, optimise  # noqa: E402

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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,500,2000")
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--capacity", type=float, default=250_000.0)
    args = parser.parse_args()
    rows, able = communes(), structures(args.capacity)
    print(f"{len(rows)} communes d'Île-de-France, {len(able)} SIAE réelles géolocalisées")
    print(
        f"{'sites':>6} {'méthode':<26} {'lots':>4} {'part réservable':>15} {'gap':>8} {'temps (s)':>9} {'statut'}"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        sites = sample_sites(rows, size, seed=size)
        params = Params(
            min_lots=4, max_lots=12, max_km=25, radius_km=15, candidates=50, time_limit=args.time_limit
        )
        started = time.perf_counter()
        best = optimise(sites, able, params)
        wall = time.perf_counter() - started
        base = department_split(sites, able, params)
        for proposal, seconds in ((best, wall), (base, 0.0)):
            if not proposal.ok:
                print(f"{size:>6} {proposal.method:<26} erreur : {proposal.error}")
                continue
            fig = proposal.figures(params)
            gap = "—" if proposal.gap is None else f"{proposal.gap:.2%}"
            print(
                f"{size:>6} {proposal.method:<26} {fig['lots']:>4} {fig['reserved_share']:>15.1%} {gap:>8} "
                f"{seconds:>9.2f} {proposal.status}"
            )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"mémoire maximale : {peak:.0f} Mio")


if __name__ == "__main__":
    main()
