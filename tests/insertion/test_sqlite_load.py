"""SQLite (the default) under concurrent writers (issue 10, defect 6): WAL, IMMEDIATE transactions and
a busy timeout make 20 concurrent validations all succeed, with exact totals."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_twenty_concurrent_validations_on_a_sqlite_file(tmp_path):
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'charge.sqlite3'}"}
    env.pop("SECRET_KEY", None)
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert migrate.returncode == 0, migrate.stderr
    run = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("sqlite_writers.py")), "20"],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == "failures=0 total=250.00", run.stdout
