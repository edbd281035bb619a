"""Benchmark: 100,000 lots scanned end to end (parse CSV + facts + scan + JSON out).

Runs on its own temporary SQLite database (or BENCH_DATABASE_URL) holding a synthetic directory of
2,000 structures, so that the reservation and allotment rules count able structures as in real use.
Prints a table (wall-clock and CPU time per step; CPU time is what a loaded machine does not inflate);
not a test. Target: under 10 s for 100,000 lots. The temporary directory is removed at the end
(set BENCH_KEEP=1 to keep the plan and the JSON report).
"""

import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
_tmp = tempfile.mkdtemp(prefix="dentelle_bench_scan_")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{_tmp}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

LOTS = int(os.environ.get("BENCH_LOTS", "100000"))
CPVS = [
    "90919200",
    "90911200",
    "77310000",
    "45442100",
    "45262500",
    "45210000",
    "50700000",
    "55523100",
    "80530000",
    "72000000",
    "30190000",
    "45112710",
    "90511000",
    "98392000",
    "79211000",
    "34928470",
]
DEPARTMENTS = ["75", "77", "78", "91", "92", "93", "94", "95"]
TITLES = [
    "Nettoyage des locaux",
    "Entretien des espaces verts",
    "Travaux de peinture",
    "Maçonnerie",
    "Maintenance multitechnique",
    "Restauration scolaire",
    "Formation professionnelle",
    "Fournitures",
]


def make_directory(count=2000):
    from dentelle.siaes.models import Competence, Siae

    rng = random.Random(7)
    kinds = ["ACI", "EI", "AI", "ETTI", "EA", "ESAT"]
    siaes = [
        Siae(
            siret=f"{i:014d}",
            siren=f"{i:014d}"[:9],
            name=f"Structure {i}",
            kind=rng.choice(kinds),
            department_code=rng.choice(DEPARTMENTS),
            region_code="11",
        )
        for i in range(count)
    ]
    Siae.objects.bulk_create(siaes, batch_size=1000)
    competences = [
        Competence(siae=s, cpv_prefix=rng.choice(CPVS)[:4], origin="declared") for s in Siae.objects.all()
    ]
    Competence.objects.bulk_create(competences, batch_size=1000, ignore_conflicts=True)


def make_plan(path, lots):
    rng = random.Random(42)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(
            "Référence;Objet;Direction;Code CPV;Montant estimé HT;Durée;Date prévisionnelle de lancement;Lieu d'exécution;Lot\n"
        )
        for i in range(lots):
            operation = i // 3
            place = rng.choice(DEPARTMENTS) if rng.random() < 0.8 else "11"
            handle.write(
                f"OP-{operation};{rng.choice(TITLES)} {operation};DPMG;{rng.choice(CPVS)};"
                f"{rng.randint(5, 3000) * 1000};{rng.choice([12, 24, 36, 48])};01/{rng.randint(1, 12):02d}/2027;"
                f"{place};{i % 3 + 1}\n"
            )


class Stopwatch:
    """Wall-clock and process CPU time per step (CPU time is what a loaded machine does not inflate)."""

    def __init__(self):
        self.rows = []
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        self._start = (self._wall, self._cpu)

    def lap(self, name):
        wall, cpu = time.perf_counter(), time.process_time()
        self.rows.append((name, wall - self._wall, cpu - self._cpu))
        self._wall, self._cpu = wall, cpu

    def total(self):
        return time.perf_counter() - self._start[0], time.process_time() - self._start[1]


def main():
    from dentelle.core.importing import ImportReport
    from dentelle.purchases.planfile import read_plan_file
    from dentelle.purchases.report import write_json
    from dentelle.purchases.scanfile import scan_plan_data
    from dentelle.purchases.supply import DirectorySupply
    from dentelle.rules import default_rules

    call_command("migrate", verbosity=0)
    make_directory()
    path = Path(_tmp) / "plan.csv"
    out_path = Path(_tmp) / "rapport.json"
    make_plan(path, LOTS)
    rules = default_rules()

    watch = Stopwatch()
    plan, _report = read_plan_file(path, ImportReport())
    watch.lap("lecture CSV")
    supply = DirectorySupply()
    watch.lap("chargement de l'annuaire")
    report = scan_plan_data(plan, rules, supply)
    findings_count = sum(len(entry["findings"]) for entry in report["lots"])
    watch.lap("faits + balayage (7 règles)")
    with open(out_path, "wb") as handle:
        write_json(report, handle)
    watch.lap("rapport JSON (fichier, en flux)")
    total, cpu = watch.total()

    lots = len(report["lots"])
    size = out_path.stat().st_size
    print(
        f"bench_scan — {lots:,} lots, {findings_count:,} propositions, JSON {size / 1e6:.1f} Mo".replace(
            ",", " "
        )
    )
    print(f"{'étape':<34}{'horloge (s)':>12}{'CPU (s)':>10}")
    for name, wall, step_cpu in watch.rows:
        print(f"{name:<34}{wall:>12.2f}{step_cpu:>10.2f}")
    print(f"{'total':<34}{total:>12.2f}{cpu:>10.2f}")
    print(f"{'charge de la machine (1 min)':<34}{os.getloadavg()[0]:>12.2f}")
    print(f"{'lots par seconde (horloge)':<34}{lots / total:>12,.0f}".replace(",", " "))
    print(f"{'lots par seconde (CPU)':<34}{lots / cpu:>12,.0f}".replace(",", " "))
    print(
        "objectif : 100 000 lots en moins de 10 s —",
        "atteint" if total < 10 and lots >= 100000 else "NON atteint",
    )


if __name__ == "__main__":
    try:
        main()
    finally:  # the report alone is about 140 MB: do not leave it behind
        if not os.environ.get("BENCH_KEEP"):
            shutil.rmtree(_tmp, ignore_errors=True)
