import os
import subprocess
import sys
from pathlib import Path

import pytest

from dentelle import cli

ROOT = Path(__file__).resolve().parents[2]
DENTELLE = str(ROOT / ".venv" / "bin" / "dentelle")


def run(argv, env):
    """argv run from the checkout with exactly env, its output captured as text."""
    return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def environ_without_secret_key():
    return {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}


def run_python(code, **env):
    # DEBUG is off unless set: a developer sets it
    return run([sys.executable, "-c", code], {**environ_without_secret_key(), "DEBUG": "1", **env})


def test_secret_key_is_mandatory_without_debug():
    result = run_python(
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup()", DEBUG="0"
    )
    assert result.returncode != 0
    assert "SECRET_KEY est obligatoire" in result.stderr


@pytest.mark.slow
def test_check_deploy_passes_with_production_settings():
    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": "x" * 30 + "-production-like-secret-key-for-the-deploy-check-0123456789",
            "ALLOWED_HOSTS": "dentelle.example.org",
            "DATABASE_URL": "sqlite:///:memory:",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_data_dir_comes_from_environment():
    result = run_python(
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup();"
        "from django.conf import settings; print(settings.DENTELLE_DATA_DIR)",
        DENTELLE_DATA_DIR="/tmp/ailleurs",
    )
    assert result.stdout.strip() == "/tmp/ailleurs"


def test_cli_without_arguments_prints_french_usage(capsys):
    assert cli.main([]) == 0
    out = capsys.readouterr().out
    assert "Usage : dentelle COMMANDE" in out
    assert "referentials" in out


@pytest.mark.slow
def test_command_errors_are_printed_in_french_without_class_name(tmp_path):
    result = run(
        [DENTELLE, "referentials", "load", "--data-dir", str(tmp_path / "absent")],
        {**os.environ, "DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"},
    )
    assert result.returncode != 0
    assert "Erreur :" in result.stderr
    assert "CommandError" not in result.stderr and "Traceback" not in result.stderr


def test_the_cli_explains_a_missing_secret_key_in_french(tmp_path):
    env = {**environ_without_secret_key(), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = run([DENTELLE, "check"], env)
    assert result.returncode == 2
    assert "Erreur de configuration : SECRET_KEY est obligatoire" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_the_cli_explains_an_unreachable_database_in_french():
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": "postgres://postgres@127.0.0.1:1/absente"}
    result = run([DENTELLE, "match", "--cpv", "77310000", "--place", "93"], env)
    assert result.returncode == 3
    assert "base de données injoignable" in result.stderr
    assert "Traceback" not in result.stderr
