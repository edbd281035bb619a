"""A large plan sent through the upload page of a running server (`make serve` / `make demo`: gunicorn and
`dentelle worker`): times the two requests (file → preview, confirmation → job), then follows the job
through /travaux/<id>/etat.json until it ends; prints the steps seen, lots/s of the job, the machine's load
average, and the worker's CPU time during the job and peak memory when its pid is given (Linux /proc: utime +
stime, VmHWM). Plan rows resampled from real DECP 2019 rows as in
bench_scan.py. The user must be able to import plans (demo: acheteuse-responsable).

    python bench/bench_plan_job.py --url http://127.0.0.1:8123 --lots 100000 [--worker-pid PID]
"""

import argparse
import http.client
import json
import os
import re
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
PASSWORD = os.environ.get("BENCH_PASSWORD", "dentelle-demo")


class Session:
    def __init__(self, base):
        parts = urlsplit(base)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=600)
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        elapsed = time.perf_counter() - started
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, dict(response.getheaders()), data, elapsed

    def csrf(self, path):
        _, _, page, _ = self.request("GET", path)
        return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()

    def post_form(self, path, fields):
        body = urlencode({"csrfmiddlewaretoken": self.csrf(path), **fields})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Referer": path}
        return self.request("POST", path, body, headers)

    def post_file(self, path, name, data):
        token = self.csrf(path)
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                "Content-Type: text/csv\r\n\r\n"
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Referer": path}
        return self.request("POST", path, body, headers)


def peak_memory_mb(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def cpu_seconds(pid):
    """User + system CPU time of process ``pid`` so far (Linux /proc/<pid>/stat), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--lots", type=int, default=100_000)
    parser.add_argument("--user", default="acheteuse-responsable")
    parser.add_argument("--worker-pid", type=int)
    parser.add_argument(
        "--requests-only", action="store_true", help="deux dépôts et la confirmation, sans suivre le travail"
    )
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    from bench_scan import decp_rows, write_plan

    from config import settings

    with tempfile.TemporaryDirectory(prefix="dentelle_bench_job_") as folder:
        path = Path(folder) / f"plan_{args.lots}.csv"
        write_plan(path, decp_rows(settings.DENTELLE_DATA_DIR), args.lots, 42)
        data = path.read_bytes()

    session = Session(args.url)
    status, headers, _, _ = session.post_form("/connexion/", {"username": args.user, "password": PASSWORD})
    if status != 302:
        sys.exit(f"Connexion refusée ({status}) pour {args.user}.")
    status, _, page, upload_s = session.post_file("/achats/importer/", path.name, data)
    if status != 200 or b"Confirmer" not in page:
        sys.exit(f"Aperçu refusé ({status}) : {page[:500]!r}")
    if args.requests_only:  # the first request of a fresh process loads its indexes: send it twice
        status, _, page, upload_s = session.post_file("/achats/importer/", path.name, data)
    name = f"Banc {args.lots} lots {uuid.uuid4().hex[:6]}"
    service = re.search(rb'<select[^>]*name="service"[^>]*>.*?<option value="(\d+)"', page, re.S)
    fields = {"step": "confirm", "name": name, "service": service.group(1).decode() if service else ""}
    status, headers, _, confirm_s = session.post_form("/achats/importer/", fields)
    location = headers.get("Location", "")
    job_id = re.search(r"/travaux/(\d+)/", location)
    if status != 302 or not job_id:
        sys.exit(f"Confirmation refusée ({status}, {location}).")
    if args.requests_only:
        print(
            f"dépôt → aperçu (2e envoi) : {upload_s:.2f} s ; confirmation → travail en file : {confirm_s:.2f} s"
        )
        return
    cpu_before = cpu_seconds(args.worker_pid) if args.worker_pid else None
    load_before = os.getloadavg()[0]
    started, steps, state = time.perf_counter(), [], {}
    poll_times = []
    while True:
        _, _, body, poll_s = session.request("GET", f"/travaux/{job_id.group(1)}/etat.json")
        poll_times.append(poll_s)
        state = json.loads(body)
        if not steps or steps[-1][1] != state["step"]:
            steps.append((time.perf_counter() - started, state["step"], set()))
        steps[-1][2].add(state["done"])
        if state["state"] in ("succeeded", "failed"):
            break
        time.sleep(1)
    job_s = time.perf_counter() - started
    cpu_after = cpu_seconds(args.worker_pid) if args.worker_pid else None
    load_after = os.getloadavg()[0]
    print(f"bench_plan_job — {args.lots:,} lots ({len(data) / 1e6:.1f} Mo) via {args.url}".replace(",", " "))
    print(f"  dépôt du fichier → aperçu : {upload_s:.2f} s (objectif < 1 s)")
    print(f"  confirmation → travail en file : {confirm_s:.2f} s (objectif < 1 s)")
    print(f"  suivi (etat.json) : {len(poll_times)} appels, le plus lent {max(poll_times) * 1000:.0f} ms")
    for at, step, counts in steps:
        shown = f" (avancement affiché {len(counts)} fois, jusqu'à {max(counts)})" if max(counts) else ""
        print(f"    +{at:6.1f} s  {step}{shown}")
    print(
        f"  travail : {state['state']} en {job_s:.1f} s ({args.lots / job_s:,.0f} lots/s)".replace(",", " ")
    )
    print(f"  résultat : {state['result'].get('message') or state['error']}")
    cores = os.cpu_count()
    print(
        f"  charge de la machine (1 min) : {load_before:.1f} au départ, {load_after:.1f} à la fin ({cores} cœurs)"
    )
    if cpu_before is not None and cpu_after is not None:
        print(f"  temps CPU du travailleur pendant le travail : {cpu_after - cpu_before:.1f} s")
    plan_url = state["result"].get("url")
    if plan_url:
        for query in ("", "?page=500", "?type=reservation"):
            status, _, _, seconds = session.request("GET", plan_url + query)
            print(f"  page de la programmation {query or '(page 1)'} : {status}, {seconds:.2f} s")
    if args.worker_pid:
        peak = peak_memory_mb(args.worker_pid)
        print(f"  mémoire maximale du travailleur (VmHWM) : {peak:,.0f} Mo".replace(",", " ") if peak else "")


if __name__ == "__main__":
    main()
