"""SQLite under load, no write per authenticated request, CSP header, DEBUG off by default
(issue 10, defects 6 and 11)."""

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from dentelle.accounts.models import ApiToken, User
from dentelle.core.roles import Role

ROOT = Path(__file__).resolve().parents[2]


def run_python(code, **env):
    full_env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}}
    full_env.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings';"
            " django.setup();" + code,
        ],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    result = run_python(
        "from django.db import connection; c = connection.cursor();"
        "print(c.execute('PRAGMA journal_mode').fetchone()[0], c.execute('PRAGMA busy_timeout').fetchone()[0],"
        " connection.transaction_mode)",
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'load.sqlite3'}",
    )
    assert result.stdout.split() == ["wal", "20000", "IMMEDIATE"], result.stderr


@pytest.mark.slow
def test_debug_is_off_unless_set():
    result = run_python("from django.conf import settings; print(settings.DEBUG)", SECRET_KEY="s" * 60)
    assert result.stdout.strip() == "False", result.stderr
    result = run_python("from django.conf import settings; print(settings.DEBUG)", DEBUG="1")
    assert result.stdout.strip() == "True", result.stderr


@pytest.mark.django_db
def test_api_key_last_use_is_written_at_most_once_an_hour(client, django_assert_num_queries):
    user = User.objects.create_user("lecteur", password=None, role=Role.READER)
    token, raw = ApiToken.issue(user)
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/accounts/me", headers=headers).status_code == 200
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    with django_assert_num_queries(1):  # the key lookup only: no UPDATE
        assert ApiToken.authenticate(raw) == user
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - timedelta(hours=2))
    ApiToken.authenticate(raw)
    token.refresh_from_db()
    assert timezone.now() - token.last_used_at < timedelta(minutes=1)


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy(client):
    response = client.get("/connexion/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy and "unsafe-eval" not in policy
    assert 'src="/static/js/dentelle.js"' in response.text


def test_templates_hold_no_inline_script():
    """script-src 'self' refuses inline scripts and event handlers: none may be written."""
    offenders = []
    for path in (ROOT / "dentelle" / "templates").rglob("*.html"):
        text = path.read_text()
        # A JSON data block (<script type="application/json">) is never executed: only its reader is a script.
        executable = r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>"
        if re.search(executable, text) or re.search(r"\son[a-z]+\s*=", text):
            offenders.append(path.name)
        if "javascript:" in text:
            offenders.append(path.name)
    assert offenders == []
