import os
import subprocess
import sys
from pathlib import Path

import pytest

from dentelle import cli

ROOT = Path(__file__).resolve().parents[2]


def run_python(code, **env):
    full_env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    full_env.update({"DEBUG": "1", **env})  # DEBUG is off unless set: a developer sets it
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120
    )


def test_secret_key_is_mandatory_without_debug():
    result = run_python(
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup()", DEBUG="0"
    )
    assert result.returncode != 0
    assert "SECRET_KEY est obligatoire" in result.stderr


@pytest.mark.slow
def test_check_deploy_passes_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": "x" * 30 + "-production-like-secret-key-for-the-deploy-check-0123456789",
            "ALLOWED_HOSTS": "dentelle.example.org",
            "DATABASE_URL": "sqlite:///:memory:",
        },
        capture_output=True,
        text=True,
        timeout=120,
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
    result = subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "dentelle"),
            "referentials",
            "load",
            "--data-dir",
            str(tmp_path / "absent"),
        ],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Erreur :" in result.stderr
    assert "CommandError" not in result.stderr and "Traceback" not in result.stderr


def test_the_cli_explains_a_missing_secret_key_in_french(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "dentelle"), "check"],
        cwd=ROOT,
        env={**env, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "Erreur de configuration : SECRET_KEY est obligatoire" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_the_cli_explains_an_unreachable_database_in_french():
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": "postgres://postgres@127.0.0.1:1/absente"}
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "dentelle"), "match", "--cpv", "77310000", "--place", "93"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 3
    assert "base de données injoignable" in result.stderr
    assert "Traceback" not in result.stderr
