# Dentelle — two commands on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432
export DENTELLE_DATA_DIR ?= $(abspath ../shared/data)
# DEBUG is off unless set (config/settings.py): the developer targets below turn it on, so that the demo
# runs without SECRET_KEY and runserver serves the static files. Production sets SECRET_KEY instead.
export DEBUG ?= 1

.PHONY: venv demo serve test test-sqlite test-postgres quality fix bench browser-deps clean

$(BIN)/dentelle: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	touch $(BIN)/dentelle

venv: $(BIN)/dentelle

# The trial serves as production does (gunicorn, whitenoise, DEBUG off: the French 403/404/500 pages), on
# plain http://127.0.0.1:8000 (DENTELLE_HTTPS=0) with a throwaway key unless SECRET_KEY is set.
DEMO_ENV = DEBUG= DENTELLE_HTTPS=0 ALLOWED_HOSTS=127.0.0.1,localhost DENTELLE_SITE_URL=http://127.0.0.1:8000 \
  SECRET_KEY=$${SECRET_KEY:-$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')}

demo: venv
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/dentelle demo --wet-run
	@# The worker (background jobs: plan imports and scans, exports) runs beside the server, with the same
	@# environment (one SECRET_KEY: the links it e-mails are signed), and stops with it.
	$(DEMO_ENV) bash -c '$(BIN)/dentelle worker & trap "kill $$! 2>/dev/null" EXIT; \
	  $(BIN)/dentelle serve --bind 127.0.0.1:8000'

# Production: DEBUG off; one background worker beside gunicorn (stopped with it; several workers and
# servers: docs/deploiement.md); SECRET_KEY, ALLOWED_HOSTS, DENTELLE_SITE_URL, CSRF_TRUSTED_ORIGINS and DATABASE_URL
# from the environment (docs/deploiement.md). DENTELLE_WORKERS / DENTELLE_THREADS size gunicorn.
serve: venv
	DEBUG= $(BIN)/python manage.py migrate --noinput
	DEBUG= $(BIN)/python manage.py check --deploy --fail-level WARNING
	DEBUG= bash -c '$(BIN)/dentelle worker & trap "kill $$! 2>/dev/null" EXIT; $(BIN)/dentelle serve'

quality: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

fix: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

browser-deps:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  { (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
	    || echo "Chromium indisponible : le test navigateur sera ignoré."; }

test-sqlite: venv
	DATABASE_URL=sqlite:///:memory: $(BIN)/pytest -q

test-postgres: venv
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	DATABASE_URL=$(PG_URL)/dentelle_ci_$$$$ $(BIN)/pytest -q

test: venv browser-deps quality
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

bench: venv
	@for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles test-artifacts
