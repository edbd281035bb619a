"""Benchmark: progress toward the annual objective over 1,000,000 hour declarations.

Not a test. Two figures (issue 5): the pure module on arrays (goal < 2 s) and the dashboard page on
PostgreSQL with that volume (goal < 300 ms; aggregated in SQL, then fed to progress.py).
Database: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/dentelle_bench_progress),
created, migrated and filled on the first run (a few minutes), reused afterwards.
Run: `.venv/bin/python bench/bench_progress.py` (or `make bench`).
"""

import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dentelle_bench_progress")
os.environ["DATABASE_URL"] = DB_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

N_DECLARATIONS = 1_000_000
N_CONTRACTS = 2_000
N_BENEFICIARIES = 50_000
YEAR = 2026
AS_OF = date(2026, 11, 25)
RUNS = 5


def timed(fn, runs=RUNS):
    fn()  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), min(times)


def bench_pure():
    from dentelle.insertion.progress import Coded, CommittedContract, PipelineItem, Realised, compute_progress

    rng = np.random.default_rng(5)
    n = N_DECLARATIONS
    realised = Realised(
        rng.integers(1, 13, n),
        rng.uniform(5, 150, n),
        {
            "service": Coded(rng.integers(0, 5, n), ("DL", "DESR", "DPMG", "DFP", "DT")),
            "department": Coded(rng.integers(0, 8, n), ("75", "77", "78", "91", "92", "93", "94", "95")),
            "trade_family": Coded(rng.integers(0, 12, n), tuple(f"family_{i}" for i in range(12))),
            "fulfilment_mode": Coded(
                rng.integers(0, 5, n),
                ("DIRECT_HIRE", "STAFF_PROVISION", "SUBCONTRACTING", "CO_CONTRACTING", "TRAINING"),
            ),
        },
    )
    contracts = [
        CommittedContract(
            date(2025, 6, 1), date(2025, 7, 1), date(2027, 6, 30), 1000.0, "DL", "93", "family_1"
        )
        for _ in range(N_CONTRACTS)
    ]
    pipeline = [PipelineItem(500.0, "DT", "94", "family_2") for _ in range(200)]
    result = {}

    def run():
        result["p"] = compute_progress(
            year=YEAR,
            as_of=AS_OF,
            objective=170_000,
            realised=realised,
            contracts=contracts,
            pipeline=pipeline,
        )

    return timed(run), result["p"]


def ensure_database():
    import psycopg

    name = DB_URL.rsplit("/", 1)[1]
    admin = DB_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def fill():
    """Contracts, beneficiaries and 1,000,000 validated declarations, written with COPY."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from dentelle.accounts.models import BuyerService, Organisation, User
    from dentelle.insertion.models import AnnualObjective, Beneficiary, Contract, HoursDeclaration

    call_command("migrate", verbosity=0)
    if HoursDeclaration.objects.count() >= N_DECLARATIONS:
        return Organisation.objects.get(name="Bench"), False
    started = time.perf_counter()
    organisation, _ = Organisation.objects.get_or_create(name="Bench")
    services = [
        BuyerService.objects.get_or_create(organisation=organisation, name=f"Service {c}", code=c)[0]
        for c in ("DL", "DESR", "DPMG", "DFP", "DT")
    ]
    User.objects.get_or_create(
        username="bench-direction", defaults={"role": "direction", "organisation": organisation}
    )
    AnnualObjective.objects.get_or_create(organisation=organisation, year=YEAR, defaults={"hours": 170_000})
    rng = np.random.default_rng(7)
    families = ["cleaning", "green_spaces", "masonry", "painting", "building_other", "catering"]
    depts = ["75", "77", "78", "91", "92", "93", "94", "95"]
    Contract.objects.bulk_create(
        [
            Contract(
                organisation=organisation,
                buyer_service=services[i % 5],
                reference=f"B-{i:05d}",
                title=f"Marché {i}",
                holder_siret="73282932000074",
                holder_name="Titulaire",
                signed_on=date(2025, 6, 1),
                start_date=date(2025, 7, 1),
                end_date=date(2027, 6, 30),
                amount=1_000_000,
                required_hours=int(rng.integers(200, 3000)),
                department_code=depts[i % 8],
                trade_family=families[i % 6],
            )
            for i in range(N_CONTRACTS)
        ],
        batch_size=1000,
    )
    Beneficiary.objects.bulk_create(
        [
            Beneficiary(
                organisation=organisation, pseudonym=f"B-BENCH{i:06d}", sex="F" if i % 6 == 0 else "M"
            )
            for i in range(N_BENEFICIARIES)
        ],
        batch_size=5000,
    )
    contract_ids = np.array(Contract.objects.filter(organisation=organisation).values_list("pk", flat=True))
    beneficiary_ids = np.array(
        Beneficiary.objects.filter(organisation=organisation).values_list("pk", flat=True)
    )
    modes = ["DIRECT_HIRE", "STAFF_PROVISION", "SUBCONTRACTING", "CO_CONTRACTING", "TRAINING"]
    n = N_DECLARATIONS
    contract_col = rng.choice(contract_ids, n)
    beneficiary_col = rng.choice(beneficiary_ids, n)
    month_col = rng.integers(1, 13, n)
    mode_col = rng.integers(0, 5, n)
    hours_col = np.round(rng.uniform(5, 150, n), 2)
    now = timezone.now().isoformat()
    table = HoursDeclaration._meta.db_table
    columns = (
        "contract_id",
        "beneficiary_id",
        "month",
        "fulfilment_mode",
        "hours",
        "status",
        "version",
        "validated_at",
        "created_at",
        "updated_at",
        "comment",
    )
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for i in range(n):
                copy.write_row(
                    (
                        int(contract_col[i]),
                        int(beneficiary_col[i]),
                        f"{YEAR}-{month_col[i]:02d}-01",
                        modes[mode_col[i]],
                        float(hours_col[i]),
                        "validated",
                        1,
                        now,
                        now,
                        now,
                        "",
                    )
                )
    from dentelle.insertion.totals import refresh_realised

    summary_rows = refresh_realised()  # COPY sends no signal: rebuild the monthly summary once
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  base remplie en {time.perf_counter() - started:.0f} s ({summary_rows} lignes de récapitulatif)")
    return organisation, True


def bench_page(organisation):
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from dentelle.accounts.models import User
    from dentelle.insertion.dashboard import progress_for

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    client.force_login(User.objects.get(username="bench-direction"))
    url = f"/insertion/?annee={YEAR}&au={AS_OF.isoformat()}"

    def page():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        page()
    page_times = timed(page)
    sql_times = timed(lambda: progress_for(organisation, YEAR, AS_OF))
    return page_times, sql_times, len(queries)


def main():
    import django

    (pure_median, pure_min), progress = bench_pure()
    ensure_database()
    django.setup()
    organisation, filled = fill()
    from dentelle.insertion.models import HoursDeclaration

    count = HoursDeclaration.objects.count()
    (page_median, page_min), (sql_median, sql_min), queries = bench_page(organisation)
    rows = [
        ("progress.py sur tableaux (1 000 000 déclarations)", pure_median, pure_min, 2.0),
        (
            f"agrégation SQL + progress.py ({count:_} déclarations, PostgreSQL)".replace("_", " "),
            sql_median,
            sql_min,
            None,
        ),
        (f"page /insertion/ complète ({queries} requêtes SQL)", page_median, page_min, 0.300),
    ]
    print(f"{'mesure':<66} {'médiane':>9} {'min':>9} {'objectif':>9}  verdict")
    for label, median, best, goal in rows:
        verdict = "" if goal is None else ("OK" if median < goal else "TROP LENT")
        goal_text = "" if goal is None else f"< {goal * 1000:.0f} ms"
        print(f"{label:<66} {median * 1000:>7.0f} ms {best * 1000:>6.0f} ms {goal_text:>9}  {verdict}")
    print(
        f"  (projection {progress.projection:,.0f} h, statut {progress.status} ; base {DB_URL.rsplit('/', 1)[1]})"
    )


if __name__ == "__main__":
    main()
