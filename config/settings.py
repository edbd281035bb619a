"""Dentelle settings, read from the environment (SQLite by default; DEBUG only when asked, as
`make demo` and `make test` do)."""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# Under pytest the developer defaults apply (throwaway key, local hosts, no HTTPS redirect) without DEBUG.
TESTING = "pytest" in sys.modules
DEV_DEFAULTS = DEBUG or TESTING
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEV_DEFAULTS:
        raise ImproperlyConfigured(
            "SECRET_KEY est obligatoire quand DEBUG est désactivé (DEBUG=1 pour développer ; "
            "les cibles du Makefile l'activent)."
        )
    SECRET_KEY = "dentelle-dev-only-not-secret-change-me-in-production-0123456789"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEV_DEFAULTS else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Public address of the site, used in links sent by e-mail (digest); checked by dentelle.site.health.
# Unset: https:// + the first named ALLOWED_HOSTS entry (a wildcard or no host leaves it empty: error).
_first_host = next((h.lstrip(".") for h in ALLOWED_HOSTS if h and "*" not in h), "")
DENTELLE_SITE_URL = env(
    "DENTELLE_SITE_URL",
    "http://127.0.0.1:8000" if DEV_DEFAULTS else (f"https://{_first_host}" if _first_host else ""),
)

# Folder holding the public reference data (CPV, COG, NAF, SIAE lists, DECP), read in place.
DENTELLE_DATA_DIR = Path(env("DENTELLE_DATA_DIR", str(BASE_DIR.parent / "shared" / "data"))).resolve()
# Indexes slow to build (SIAE index, place resolver) kept between processes, keyed by a fingerprint of
# their data and code (dentelle/core/diskcache.py); empty: no cache.
DENTELLE_CACHE_DIR = env("DENTELLE_CACHE_DIR", str(BASE_DIR / "var" / "cache"))
# Organisation-independent parameters (rules/*.toml) ship with the code.
DENTELLE_RULES_DIR = Path(env("DENTELLE_RULES_DIR", str(BASE_DIR / "dentelle" / "rules" / "data")))
# Le marché de l'inclusion API (token optional; no call is made without it).
LEMARCHE_API_URL = env("LEMARCHE_API_URL", "https://lemarche.inclusion.beta.gouv.fr/api/")
LEMARCHE_API_TOKEN = env("LEMARCHE_API_TOKEN", "")
# Upload limits (bytes) for spreadsheets and imports sent through the web UI.
DENTELLE_MAX_UPLOAD_BYTES = int(env("DENTELLE_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = DENTELLE_MAX_UPLOAD_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = DENTELLE_MAX_UPLOAD_BYTES
# Warm the in-memory indexes in a background thread after the first request. None = automatic
# (on when serving, off under tests); "0"/"1" forces it.
DENTELLE_WARM_INDEX = env_bool("DENTELLE_WARM_INDEX") if "DENTELLE_WARM_INDEX" in os.environ else None
# Background jobs (dentelle.jobs): django-tasks on its database backend (SQLite or PostgreSQL, no broker);
# `dentelle worker` runs them, writes a heartbeat every DENTELLE_WORKER_HEARTBEAT_SECONDS and /healthz turns
# red when none is newer than DENTELLE_WORKER_STALE_SECONDS.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DENTELLE_WORKER_HEARTBEAT_SECONDS = int(env("DENTELLE_WORKER_HEARTBEAT_SECONDS", "10"))
DENTELLE_WORKER_STALE_SECONDS = int(env("DENTELLE_WORKER_STALE_SECONDS", "120"))
# Periodic tasks enqueued by the worker (empty: none, when cron runs them instead; docs/deploiement.md):
# the digest weekly (day 0 = Monday, hour in TIME_ZONE), the beneficiary purge daily.
DENTELLE_PERIODIC_TASKS = env_list("DENTELLE_PERIODIC_TASKS", "digest,purge,cleanup")
DENTELLE_DIGEST_WEEKDAY = int(env("DENTELLE_DIGEST_WEEKDAY", "0"))
DENTELLE_DIGEST_HOUR = int(env("DENTELLE_DIGEST_HOUR", "7"))
DENTELLE_PURGE_HOUR = int(env("DENTELLE_PURGE_HOUR", "3"))
# Daily cleanup (at DENTELLE_PURGE_HOUR + 1): files written by jobs (exports) kept this many days, finished
# entries of the queue table this many days (the jobs themselves stay listed).
DENTELLE_JOB_FILES_DAYS = int(env("DENTELLE_JOB_FILES_DAYS", "7"))
DENTELLE_TASK_RESULTS_DAYS = int(env("DENTELLE_TASK_RESULTS_DAYS", "30"))
# A plan sent through the page is imported and scanned by the worker: larger than other uploads.
DENTELLE_PLAN_MAX_UPLOAD_BYTES = int(env("DENTELLE_PLAN_MAX_UPLOAD_BYTES", str(64 * 1024 * 1024)))
DENTELLE_PLAN_MAX_ROWS = int(env("DENTELLE_PLAN_MAX_ROWS", "200000"))
# A DECP file sent through the page: analysed in the request up to DENTELLE_DECP_INLINE_BYTES (the page shows
# its tables), by the worker beyond and up to DENTELLE_DECP_MAX_UPLOAD_BYTES (the job gives the XLSX).
DENTELLE_DECP_INLINE_BYTES = int(env("DENTELLE_DECP_INLINE_BYTES", str(4 * 1024 * 1024)))
DENTELLE_DECP_MAX_UPLOAD_BYTES = int(env("DENTELLE_DECP_MAX_UPLOAD_BYTES", str(128 * 1024 * 1024)))
# Beneficiary personal data retention (days after the end of the beneficiary's contract).
DENTELLE_BENEFICIARY_RETENTION_DAYS = int(env("DENTELLE_BENEFICIARY_RETENTION_DAYS", str(3 * 365)))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "widget_tweaks",
    "dsfr",
    "ninja",  # /api/docs: Swagger UI from the installed package (no CDN: offline, within the CSP)
    "dentelle.core",
    "dentelle.accounts",
    "dentelle.referentials",
    "dentelle.rules",
    "dentelle.siaes",
    "dentelle.purchases",
    "dentelle.matching",
    "dentelle.insertion",
    "dentelle.decp",
    "django_tasks",
    "dentelle.jobs.apps.TaskQueueConfig",  # django_tasks_db, named in French
    "dentelle.jobs",
    "dentelle.site",  # the top layer: home page, /healthz, demo (reads every app above)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Hashed, compressed static files served by the app itself (no separate static server needed).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "dentelle.core.security.ContentSecurityPolicy",
    "config.api_guard.QueryGuard",
    # One log line per refused access (401, 403, 404 of a view) and per export served (dentelle.core.logs).
    "dentelle.core.logs.RequestEvents",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "dentelle" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dentelle.core.context_processors.site_config",  # dsfr's, read once a minute
                "dentelle.core.context_processors.navigation",
            ],
        },
    },
]

DATABASE_URL = env("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
try:
    # Connections kept a minute (checked before reuse): opening one per request cost 2.7 × the throughput
    # under load (bench/RESULTS.md, 2026-12-07: 119 → 319 req/s on PostgreSQL). CONN_MAX_AGE=0 closes them.
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=int(env("CONN_MAX_AGE", "60")), conn_health_checks=True
        )
    }
except ValueError as exc:  # UnknownSchemeError is a ValueError
    raise ImproperlyConfigured(
        f"DATABASE_URL illisible ({exc}) : attendu sqlite:///chemin ou postgres://utilisateur@hôte:port/base."
    ) from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Many readers and one writer at a time: WAL lets pages read while a write runs, IMMEDIATE takes the
    # write lock when a transaction starts (no "database is locked" upgrade failure mid-transaction) and
    # a writer waits up to 20 s for its turn instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL",
            "transaction_mode": "IMMEDIATE",
            "timeout": int(env("SQLITE_TIMEOUT", "20")),
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTHENTICATION_BACKENDS = ["dentelle.core.throttling.ThrottledModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "dentelle" / "static"]
# Served with DEBUG off (make serve, make demo): hashed + compressed files from collectstatic. Tests and
# DEBUG keep the plain storage so that no collectstatic is needed.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEV_DEFAULTS
        else "dentelle.core.staticstorage.DentelleStaticFilesStorage"
    },
}

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "dentelle@localhost")

# Production hardening, on whenever DEBUG is off outside the tests (check --deploy passes).
# DENTELLE_HTTPS=0 is only for the local trial (make demo: DEBUG off on http://127.0.0.1:8000).
if not DEV_DEFAULTS and env_bool("DENTELLE_HTTPS", True):
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    # The reverse proxy terminates TLS and says so in this header (set it, and strip it from clients).
    SECURE_PROXY_SSL_HEADER = (env("SECURE_PROXY_SSL_HEADER", "HTTP_X_FORWARDED_PROTO"), "https")
# /healthz answers plain HTTP from the proxy or the orchestrator, without the HTTPS redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Throttling (cache-based; use a shared cache such as Redis or the database when serving with several
# processes). Login: after LOGIN_FAILURES_MAX failures for one username or one address within
# LOGIN_LOCKOUT_SECONDS, every attempt is refused until the window has passed.
DENTELLE_LOGIN_FAILURES_MAX = int(env("DENTELLE_LOGIN_FAILURES_MAX", "10"))
DENTELLE_LOGIN_LOCKOUT_SECONDS = int(env("DENTELLE_LOGIN_LOCKOUT_SECONDS", str(15 * 60)))
# API: wrong keys per address, and requests per authenticated user.
DENTELLE_API_BAD_KEYS_MAX = int(env("DENTELLE_API_BAD_KEYS_MAX", "20"))
DENTELLE_API_USER_RATE = env("DENTELLE_API_USER_RATE", "" if TESTING else "1200/m")

# One key=value line per event on stderr (gunicorn and the worker pass it to the journal).
DENTELLE_LOG_LEVEL = env("DENTELLE_LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "kv": {"format": 'time=%(asctime)s level=%(levelname)s logger=%(name)s msg="%(message)s"'},
    },
    "handlers": {"console": {"class": "dentelle.core.logs.CurrentStderrHandler", "formatter": "kv"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "dentelle": {"handlers": ["console"], "level": DENTELLE_LOG_LEVEL, "propagate": False},
        "dentelle.audit": {
            "handlers": ["console"],
            "level": env("AUDIT_LOG_LEVEL", "INFO"),
            "propagate": False,
        },
        # Failed requests (4xx warnings, 5xx errors with traceback) from Django's request handler.
        "django.request": {"handlers": ["console"], "level": DENTELLE_LOG_LEVEL, "propagate": False},
        "django.security": {"handlers": ["console"], "level": DENTELLE_LOG_LEVEL, "propagate": False},
    },
}
