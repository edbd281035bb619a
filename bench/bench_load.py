"""Load test against a running server (`make serve`, or the same gunicorn command): N concurrent readers for
D seconds as four roles (pages and API), then W concurrent writers declaring insertion hours through the
API; prints requests/s, p50/p95/p99, errors, and checks every write is stored exactly once (read back
through the API's own database, DATABASE_URL). Threads + http.client only.

    DATABASE_URL=... python bench/bench_load.py --url http://127.0.0.1:8000 --clients 50 --duration 120 --writers 20

The server runs with `DENTELLE_API_USER_RATE=` (no per-user API limit) for this bench: the 50 readers share
the four demo accounts, so each account asks ≈ 40 API requests a second, far above the 1,200 a minute a
person is allowed; with the limit on, the answers are 429 and count as errors.
"""

import argparse
import http.client
import json
import os
import re
import resource
import statistics
import sys
import threading
import time
import uuid
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

ROLES = ["direction", "acheteuse-responsable", "acheteur-lycees", "facilitatrice"]
PASSWORD = os.environ.get("BENCH_PASSWORD", "dentelle-demo")
PATHS = [
    "/",
    "/achats/",
    "/siae/",
    "/insertion/",
    "/api/purchases/plans",
    "/api/siaes/?q=nettoyage",
    "/api/referentials/status",
    "/api/accounts/me",
]


class Client:
    def __init__(self, base):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port or 80
        self.cookies = {}
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
                if attempt:
                    raise
        for header in response.msg.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            for key, morsel in cookie.items():
                self.cookies[key] = morsel.value
        return response.status, data

    def login(self, username):
        status, page = self.request("GET", "/connexion/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        body = urlencode({"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD})
        status, _ = self.request(
            "POST",
            "/connexion/",
            body,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://{self.host}:{self.port}/connexion/",
            },
        )
        if status != 302:
            raise SystemExit(f"Connexion refusée pour {username} (HTTP {status}).")


def run_phase(count, duration, work):
    timings, errors, by_label, by_client, lock = [], [], {}, {}, threading.Lock()
    stop = time.monotonic() + duration

    def loop(index):
        local_t, local_e, local_l = [], [], []
        try:
            for item in work(index, stop):
                status, elapsed, label = item
                local_t.append(elapsed)
                local_l.append((label, elapsed))
                if status >= 400:
                    local_e.append(f"{status} {label}")
        except Exception as exc:  # a dead client is an error, not a silent gap
            local_e.append(f"exception {exc!r}")
        with lock:
            timings.extend(local_t)
            errors.extend(local_e)
            if local_t:
                by_client[index] = statistics.mean(local_t)
            for label, elapsed in local_l:
                by_label.setdefault(label, []).append(elapsed)

    started = time.monotonic()
    threads = [threading.Thread(target=loop, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run_phase.by_label = by_label
    run_phase.by_client = by_client
    return timings, errors, time.monotonic() - started


def report(name, timings, errors, wall):
    if not timings:
        print(f"{name}: aucune requête")
        return
    q = statistics.quantiles(timings, n=100)
    print(
        f"{name}: {len(timings)} requêtes en {wall:.1f} s = {len(timings) / wall:.1f} req/s ; "
        f"p50 {q[49] * 1000:.0f} ms, p95 {q[94] * 1000:.0f} ms, p99 {q[98] * 1000:.0f} ms ; erreurs {len(errors)}"
    )
    for line in sorted(set(errors))[:10]:
        print(f"  {line}")
    if any(line.startswith("429") for line in errors):
        print(
            "  429 : limite par utilisateur de l'API ; relancez le serveur avec DENTELLE_API_USER_RATE= (vide)."
        )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=120)
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--warmup", type=float, default=15, help="secondes de chauffe non mesurées")
    parser.add_argument("--writes", type=int, default=10, help="déclarations par écrivain")
    args = parser.parse_args()

    # Each reader logs in once, before anything is timed: a login hashes its password (PBKDF2, about half a
    # second of CPU), and 50 of them at the start of the timed phase made every page wait behind them.
    readers = [None] * args.clients

    def log_in(index):
        readers[index] = Client(args.url)
        readers[index].login(ROLES[index % len(ROLES)])

    logins = [threading.Thread(target=log_in, args=(i,)) for i in range(args.clients)]
    for thread in logins:
        thread.start()
    for thread in logins:
        thread.join()
    if None in readers:
        raise SystemExit("Des lecteurs n'ont pas pu se connecter.")

    def reader(index, stop):
        client = readers[index]
        n = index
        while time.monotonic() < stop:
            path = PATHS[n % len(PATHS)]
            n += 1
            t0 = time.perf_counter()
            status, _ = client.request("GET", path)
            yield status, time.perf_counter() - t0, path

    if args.warmup:  # each gunicorn process builds its in-memory indexes on first use: not timed
        run_phase(args.clients, args.warmup, reader)
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    timings, errors, wall = run_phase(args.clients, args.duration, reader)
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    bench_cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    report(f"Lecture ({args.clients} clients, 4 rôles, pages et API)", timings, errors, wall)
    # The generator shares the machine with the server: say how much of it the generator took.
    print(
        f"  CPU du banc lui-même : {bench_cpu:.1f} s sur {wall:.0f} s ({100 * bench_cpu / wall:.0f} % d'un cœur)"
    )
    # Clients served unevenly (connections stuck to a crowded process) show as a spread of their means.
    means = sorted(run_phase.by_client.values())
    if means:
        print(
            f"  latence moyenne par client : de {means[0] * 1000:.0f} à {means[-1] * 1000:.0f} ms "
            f"(médiane {statistics.median(means) * 1000:.0f} ms)"
        )
    # The target holds for pages and for the API separately: one line for each.
    for kind, is_api in (("pages", False), ("API", True)):
        values = [
            t for path, ts in run_phase.by_label.items() if path.startswith("/api/") == is_api for t in ts
        ]
        if len(values) >= 2:
            q = statistics.quantiles(values, n=100)
            print(
                f"  {kind:<28} {len(values):>6} req  p50 {q[49] * 1000:>6.0f} ms  p95 {q[94] * 1000:>6.0f} ms"
                f"  p99 {q[98] * 1000:>6.0f} ms"
            )
    for path, values in sorted(run_phase.by_label.items()):
        if len(values) >= 2:
            q = statistics.quantiles(values, n=20)
            print(
                f"  {path:<28} {len(values):>6} req  p50 {q[9] * 1000:>6.0f} ms  p95 {q[18] * 1000:>6.0f} ms"
            )

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import django

    django.setup()
    # One declaration per (contract, month, beneficiary, mode) is allowed: hand each write a free slot.
    import datetime

    from dentelle.insertion.enums import FulfilmentMode
    from dentelle.insertion.models import Beneficiary, Contract, HoursDeclaration

    taken = set(
        HoursDeclaration.objects.values_list("contract_id", "month", "beneficiary_id", "fulfilment_mode")
    )
    needed = args.writers * args.writes
    slots = []
    for contract in Contract.objects.order_by("pk"):
        beneficiaries = list(
            Beneficiary.objects.filter(organisation=contract.organisation).order_by("pk")[:50]
        )
        month = contract.start_date.replace(day=1)
        while month <= contract.end_date and len(slots) < needed:
            for beneficiary in beneficiaries:
                for mode in FulfilmentMode.values:
                    if (contract.pk, month, beneficiary.pk, mode) not in taken and len(slots) < needed:
                        slots.append((contract.pk, month.isoformat(), beneficiary.pseudonym, mode))
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        if len(slots) >= needed:
            break
    if len(slots) < needed:
        raise SystemExit(f"Pas assez de créneaux libres pour {needed} déclarations ({len(slots)}).")
    run_id = uuid.uuid4().hex[:8]

    def writer(index, stop):
        client = Client(args.url)
        client.login("facilitatrice")
        client.request("GET", "/api/accounts/me")
        for k in range(args.writes):
            contract_id, month, pseudonym, mode = slots[index * args.writes + k]
            payload = json.dumps(
                {
                    "contract_id": contract_id,
                    "month": month,
                    "fulfilment_mode": mode,
                    "beneficiary": pseudonym,
                    "hours": "0.01",
                    "comment": f"bench-{run_id}-{index}-{k}",
                }
            )
            t0 = time.perf_counter()
            status, body = client.request(
                "POST",
                "/api/insertion/declarations",
                payload,
                {
                    "Content-Type": "application/json",
                    "X-CSRFToken": client.cookies.get("csrftoken", ""),
                    "Referer": f"{args.url}/",
                },
            )
            yield status, time.perf_counter() - t0, body[:120].decode(errors="replace")

    timings, errors, wall = run_phase(args.writers, 0, writer)
    report(f"Écriture ({args.writers} écrivains × {args.writes})", timings, errors, wall)
    stored = list(
        HoursDeclaration.objects.filter(comment__startswith=f"bench-{run_id}-").values_list(
            "comment", flat=True
        )
    )
    expected = {f"bench-{run_id}-{i}-{k}" for i in range(args.writers) for k in range(args.writes)}
    duplicates = len(stored) - len(set(stored))
    missing = len(expected - set(stored))
    print(
        f"Écritures attendues {len(expected)}, enregistrées {len(stored)}, manquantes {missing}, "
        f"en double {duplicates}"
    )
    print(f"Mémoire de pointe du banc : {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} Mo")
    return 0 if not errors and not missing and not duplicates else 1


if __name__ == "__main__":
    sys.exit(main())
