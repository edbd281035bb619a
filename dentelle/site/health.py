"""Is this instance able to serve? `/healthz` for the reverse proxy and the monitoring, and the system
check on DENTELLE_SITE_URL (the address written into e-mailed links)."""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from dentelle.jobs.models import Job, JobState, WorkerHeartbeat
from dentelle.jobs.worker import file_alive, live_workers
from dentelle.referentials.models import ReferentialLoad

logger = logging.getLogger("dentelle.health")


@checks.register(checks.Tags.compatibility, deploy=False)
def check_site_url(app_configs=None, **kwargs):
    value = getattr(settings, "DENTELLE_SITE_URL", "")
    parts = urlsplit(value or "")
    if not value:
        return [
            checks.Error(
                "DENTELLE_SITE_URL est vide : les liens des courriels (lettre hebdomadaire) seraient faux.",
                hint="Renseignez l'adresse publique du site, par exemple https://dentelle.exemple.fr.",
                id="dentelle.E001",
            )
        ]
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.path not in {"", "/"}:
        return [
            checks.Error(
                f"DENTELLE_SITE_URL « {value} » n'est pas une adresse de site (https://hôte, sans chemin).",
                id="dentelle.E002",
            )
        ]
    if not settings.DEBUG and parts.scheme != "https" and parts.hostname not in {"127.0.0.1", "localhost"}:
        return [
            checks.Warning(
                f"DENTELLE_SITE_URL « {value} » n'est pas en https.",
                id="dentelle.W001",
            )
        ]
    return []


def database_status():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return False, f"injoignable : {first_line}"
    return True, "joignable"


def referentials_status():
    try:
        names = sorted(ReferentialLoad.objects.values_list("name", flat=True))
    except DatabaseError:
        return False, "illisible"
    if not names:
        return False, "aucun référentiel chargé (dentelle referentials load --wet-run)"
    return True, ", ".join(names)


def worker_status():
    """Is a `dentelle worker` alive (a heartbeat newer than DENTELLE_WORKER_STALE_SECONDS)? Also says how
    many jobs wait: jobs queued with no worker alive would never run."""

    try:
        alive = live_workers().count()
        queued = Job.objects.filter(state=JobState.QUEUED).count()
        last = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    except DatabaseError:
        return False, "illisible"
    if alive:
        return True, f"{alive} actif(s) ; {queued} travail(aux) en attente"
    if file_alive():  # SQLite: the worker is alive, busy with a long write (its row cannot be updated)
        return True, f"actif (occupé par une longue écriture) ; {queued} travail(aux) en attente"
    since = (
        f"dernier signe de vie il y a {int((timezone.now() - last).total_seconds())} s"
        if last
        else "aucun n'a jamais démarré"
    )
    return (
        False,
        f"aucun travailleur actif ({since}) ; {queued} travail(aux) en attente — lancer « dentelle worker »",
    )


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers, reference data are loaded and a worker is alive; 503 otherwise
    (without reference data the app cannot scan a plan; without a worker no job runs)."""
    db_ok, db_detail = database_status()
    ref_ok, ref_detail = referentials_status() if db_ok else (False, "non vérifié")
    worker_ok, worker_detail = worker_status() if db_ok else (False, "non vérifié")
    ok = db_ok and ref_ok and worker_ok
    body = {
        "status": "ok" if ok else "erreur",
        "database": {"ok": db_ok, "detail": db_detail},
        "referentials": {"ok": ref_ok, "detail": ref_detail},
        "worker": {"ok": worker_ok, "detail": worker_detail},
    }
    if not ok:
        logger.warning(
            "event=healthz status=erreur database=%s referentials=%s worker=%s", db_ok, ref_ok, worker_ok
        )
    return JsonResponse(body, status=200 if ok else 503, json_dumps_params={"ensure_ascii": False})
