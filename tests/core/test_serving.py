"""Serving as production: /healthz, the DENTELLE_SITE_URL check, whitenoise storage, the serve command."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import DatabaseError
from django.test import override_settings
from django.utils import timezone

from dentelle.core.management.commands.serve import gunicorn_argv
from dentelle.jobs.worker import beat
from dentelle.referentials.models import ReferentialLoad
from dentelle.site import health

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_green_when_database_referentials_and_worker_are_there(client):
    ReferentialLoad.objects.get_or_create(
        name="cpv", defaults={"version": "test", "source_file": "cpv.csv", "row_count": 1}
    )
    beat("test-worker")
    response = client.get("/healthz")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "ok"
    assert body["database"]["ok"] and body["referentials"]["ok"] and body["worker"]["ok"]
    assert "cpv" in body["referentials"]["detail"]
    assert body["worker"]["detail"].startswith("1 actif(s)")


@pytest.mark.django_db
def test_healthz_red_when_the_worker_is_down(client, settings):
    """No heartbeat newer than DENTELLE_WORKER_STALE_SECONDS: red, and it says what to run."""
    ReferentialLoad.objects.get_or_create(
        name="cpv", defaults={"version": "test", "source_file": "cpv.csv", "row_count": 1}
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "aucun n'a jamais démarré" in json.loads(response.content)["worker"]["detail"]
    beat("old-worker", now=timezone.now() - timedelta(seconds=settings.DENTELLE_WORKER_STALE_SECONDS + 5))
    response = client.get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["worker"]["ok"] is False and "dentelle worker" in body["worker"]["detail"]
    assert body["database"]["ok"] and body["referentials"]["ok"]


@pytest.mark.django_db
def test_healthz_red_without_reference_data(client):
    from dentelle.referentials.models import ReferentialLoad

    ReferentialLoad.objects.all().delete()  # loaded for the session by an earlier test, if any (rolled back)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["referentials"]["ok"] is False


@pytest.mark.django_db
def test_healthz_red_when_the_database_is_down(client, monkeypatch):
    class DownCursor:
        def __enter__(self):
            raise DatabaseError("connection refused\nsecond line")

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(health.connection, "cursor", lambda: DownCursor())
    response = client.get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "erreur"
    assert body["database"] == {"ok": False, "detail": "injoignable : connection refused"}


@pytest.mark.parametrize(
    ("value", "error_id"),
    [
        ("", "dentelle.E001"),
        ("dentelle.exemple.fr", "dentelle.E002"),
        ("https://x.fr/chemin", "dentelle.E002"),
    ],
)
def test_site_url_check_refuses_missing_or_malformed(value, error_id):
    with override_settings(DENTELLE_SITE_URL=value):
        assert [m.id for m in health.check_site_url()] == [error_id]


def test_site_url_check_accepts_a_site_address():
    with override_settings(DENTELLE_SITE_URL="https://dentelle.exemple.fr"):
        assert health.check_site_url() == []


def test_production_settings_serve_static_through_whitenoise_and_derive_the_site_url():
    code = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup();"
        "from django.conf import settings as s;"
        "print(s.STORAGES['staticfiles']['BACKEND']); print(s.DENTELLE_SITE_URL);"
        "print('whitenoise.middleware.WhiteNoiseMiddleware' in s.MIDDLEWARE); print(s.SECURE_PROXY_SSL_HEADER)"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DENTELLE_SITE_URL"}}
    env.update(
        SECRET_KEY="k" * 60, ALLOWED_HOSTS="dentelle.exemple.fr,autre.fr", DATABASE_URL="sqlite:///:memory:"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split("\n")
    assert lines[0] == "dentelle.core.staticstorage.DentelleStaticFilesStorage"
    assert lines[1] == "https://dentelle.exemple.fr"
    assert lines[2] == "True"
    assert lines[3] == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_serve_runs_gunicorn_gthread_with_the_given_size():
    argv = gunicorn_argv("127.0.0.1:8101", 3, 8, 60)
    assert argv[1:4] == ["-m", "gunicorn", "config.wsgi:application"]
    assert argv[argv.index("--worker-class") + 1] == "gthread"
    assert argv[argv.index("--workers") + 1] == "3"
    assert argv[argv.index("--threads") + 1] == "8"
    assert argv[argv.index("--keep-alive") + 1] == "0"  # each request to a free process (serve.py)


def test_database_connections_are_kept_a_minute_by_default():
    code = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup();"
        "from django.conf import settings as s; d = s.DATABASES['default'];"
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    env = {k: v for k, v in os.environ.items() if k != "CONN_MAX_AGE"}
    env.update(DEBUG="1", DATABASE_URL="sqlite:///:memory:")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.stdout.split() == ["60", "True"], result.stderr


def test_an_import_writes_one_log_line(caplog):
    import logging

    from dentelle.core.importing import run_import

    def importer(report):
        report.error(3, "montant", "illisible")

    with caplog.at_level(logging.INFO, logger="dentelle.import"):
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr("django.db.transaction.atomic", __import__("contextlib").nullcontext)
            run_import(importer, wet_run=True)
    line = [r.getMessage() for r in caplog.records if r.name == "dentelle.import"][-1]
    assert "event=import" in line and "committed=False" in line and "errors=1" in line
