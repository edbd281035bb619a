"""`dentelle serve`: the app as in production — gunicorn (gthread), static files by whitenoise."""

import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


def gunicorn_argv(bind, workers, threads, timeout, keep_alive=0):
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--timeout",
        str(timeout),
        # No keep-alive by default: a kept connection stays with the process that accepted it, so 50 busy
        # clients split 13 / 37 between processes and the crowded one answers 3 × slower (p95 792 → 336 ms
        # under load, bench/RESULTS.md 2026-12-07). Without it, each request goes to a free process. Behind a
        # reverse proxy, the proxy keeps the browsers' connections alive anyway.
        "--keep-alive",
        str(keep_alive),
        # Access log on stdout, errors on stderr: the journal or the container keeps both.
        "--access-logfile",
        "-",
        "--error-logfile",
        "-",
        "--forwarded-allow-ips",
        os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
    ]


class Command(BaseCommand):
    help = "Servir Dentelle avec gunicorn (DENTELLE_WORKERS processus × DENTELLE_THREADS fils)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("DENTELLE_BIND", "127.0.0.1:8000"))
        # One process per core (each runs Python on one core at a time), threads to overlap database waits;
        # at most 4 by default (each process holds its own indexes, ≈ 220 MB): set DENTELLE_WORKERS for more.
        default_workers = os.environ.get("DENTELLE_WORKERS") or str(min(os.cpu_count() or 2, 4))
        parser.add_argument("--workers", type=int, default=int(default_workers))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("DENTELLE_THREADS", "6")))
        parser.add_argument(
            "--keep-alive",
            type=int,
            default=int(os.environ.get("DENTELLE_KEEPALIVE", "0")),
            dest="keep_alive",
        )
        parser.add_argument("--timeout", type=int, default=int(os.environ.get("DENTELLE_TIMEOUT", "60")))
        parser.add_argument(
            "--no-collectstatic", action="store_true", help="ne pas rassembler les fichiers statiques"
        )

    def handle(self, *args, **options):
        if settings.DEBUG:
            self.stderr.write("Attention : DEBUG est activé ; en production, ne le définissez pas.")
        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        argv = gunicorn_argv(
            options["bind"], options["workers"], options["threads"], options["timeout"], options["keep_alive"]
        )
        self.stdout.write(
            f"Dentelle sur http://{options['bind']}/ ({options['workers']} × {options['threads']})"
        )
        sys.stdout.flush()
        os.execv(sys.executable, argv)
