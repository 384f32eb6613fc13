"""Django settings for Carteira. Every knob is an environment variable (see README)."""

from __future__ import annotations

import os
from pathlib import Path

from django.utils.csp import CSP

from carteira import workspace
from carteira.cluster import config as cluster_config


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent
HOME = workspace.home()
HOME.mkdir(parents=True, exist_ok=True)

SECRET_KEY = workspace.secret_key(HOME)
DEBUG = env_bool("CARTEIRA_DEBUG")
ALLOWED_HOSTS = env_list("CARTEIRA_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CARTEIRA_CSRF_TRUSTED_ORIGINS")
# The address used in e-mails (password reset links): never taken from the Host header.
BASE_URL = os.environ.get("CARTEIRA_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "carteira.cluster",  # before django_tasks_db: its db_worker is the one that runs
    "django_tasks_db",
    "carteira.accounts",
    "carteira.organization",
    "carteira.clients",
    "carteira.orders",
    "carteira.interactions",
    "carteira.agenda",
    "carteira.portfolio",
    "carteira.goals",
    "carteira.complaints",
    "carteira.credit",
    "carteira.leads",
    "carteira.audit",
    "carteira.demo",
    "carteira.imports",
    "carteira.hygiene",
    "carteira.exports",
    "carteira.api",
    "carteira.plans",
    "carteira.territory",
    "carteira.web",
    "carteira.privacy",
    "carteira.backup",
    "carteira.review",
    "carteira.distribution",
    "carteira.value",
    "carteira.field",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "carteira.accounts.security.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "carteira.cluster.middleware.ReplicaReadsMiddleware",
    "carteira.accounts.middleware.UserLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "carteira.audit.middleware.RefusalAuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "carteira.accounts.security.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "carteira.urls"
WSGI_APPLICATION = "carteira.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# The primary (pooled with CARTEIRA_DB_POOL_MAX) and, with DATABASE_REPLICA_URL, a
# streaming replica for lag-tolerant reads (docs/deploy.md, ADR 22).
DATABASES = cluster_config.databases(os.environ.get("DATABASE_URL"), HOME)
DATABASE_ROUTERS = ["carteira.cluster.dbrouting.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "pt-br"
LANGUAGES = [("pt-br", "Português (Brasil)"), ("es", "Español"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("CARTEIRA_TIME_ZONE", "America/Sao_Paulo")
USE_I18N = True
USE_TZ = True
CURRENCY = os.environ.get("CARTEIRA_CURRENCY", "BRL")

STATIC_URL = "static/"
STATIC_ROOT = HOME / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploads, exports and import reports: a folder every app process and worker shares
# (on several hosts, a network file system mounted at the same path: docs/deploy.md).
MEDIA_ROOT = Path(os.environ.get("CARTEIRA_MEDIA_DIR") or HOME / "media")
STORAGES["default"]["OPTIONS"] = {"location": str(MEDIA_ROOT)}
WHITENOISE_USE_FINDERS = True

_mail_backend = os.environ.get(
    "CARTEIRA_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
_mail_options = (
    {
        "host": os.environ.get("CARTEIRA_EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("CARTEIRA_EMAIL_PORT", "25")),
        "username": os.environ.get("CARTEIRA_EMAIL_USER", ""),
        "password": os.environ.get("CARTEIRA_EMAIL_PASSWORD", ""),
        "use_tls": env_bool("CARTEIRA_EMAIL_TLS"),
    }
    if _mail_backend.endswith("smtp.EmailBackend")
    else {}
)
MAILERS = {"default": {"BACKEND": _mail_backend, "OPTIONS": _mail_options}}
DEFAULT_FROM_EMAIL = os.environ.get("CARTEIRA_FROM_EMAIL", "carteira@localhost")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Security: safe defaults everywhere, HTTPS-only cookies when served behind TLS.
SECURE_TLS = env_bool("CARTEIRA_HTTPS")
SESSION_COOKIE_SECURE = SECURE_TLS
CSRF_COOKIE_SECURE = SECURE_TLS
CSRF_FAILURE_VIEW = "carteira.accounts.errors.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
# "__Host-": the browser only accepts it over HTTPS, for this exact host, path "/".
SESSION_COOKIE_NAME = "__Host-sessionid" if SECURE_TLS else "sessionid"
LOGIN_FAILURES_PER_USERNAME = 5  # per 15 minutes (carteira.accounts.throttle)
LOGIN_FAILURES_PER_IP = 50
SECURE_SSL_REDIRECT = SECURE_TLS
SECURE_HSTS_SECONDS = 31536000 if SECURE_TLS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_TLS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_TLS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *env_list("CARTEIRA_TILE_HOSTS")],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CARTEIRA_LOG_LEVEL", "WARNING")},
}

# A cache shared by all server processes (rate limits): a folder, e.g. $CARTEIRA_HOME/cache.
# Without it each process counts alone (fine for one process; `carteira serve` runs two).
# CARTEIRA_CACHE=database: one cache in the database for every process on every host.
CACHES = {
    "default": cluster_config.default_cache(
        os.environ.get("CARTEIRA_CACHE", "local"), os.environ.get("CARTEIRA_CACHE_DIR")
    )
}
# The dashboard's figures, in the database: shared by every server process and by the
# snapshot job that warms them, and gone with the data they sum (ADR 10).
CACHES["figures"] = {
    "BACKEND": "carteira.portfolio.cache.FiguresCache",
    "LOCATION": "carteira_figures_cache",
    "OPTIONS": {"MAX_ENTRIES": 50_000, "CULL_FREQUENCY": 4},
}

# Product settings (README: Settings).
CARTEIRA_API_RATE_PER_MINUTE = int(os.environ.get("CARTEIRA_API_RATE_PER_MINUTE", "120"))
CARTEIRA_WEBHOOK_ALLOW_PRIVATE = env_bool("CARTEIRA_WEBHOOK_ALLOW_PRIVATE")
CARTEIRA_WEBHOOK_RETRY_SECONDS = int(os.environ.get("CARTEIRA_WEBHOOK_RETRY_SECONDS", "60"))
CARTEIRA_WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("CARTEIRA_WEBHOOK_MAX_ATTEMPTS", "8"))
CARTEIRA_IMPORT_MAX_UPLOAD_BYTES = int(
    os.environ.get("CARTEIRA_IMPORT_MAX_UPLOAD_BYTES", str(50 * 1024 * 1024))
)
# The bounds every imported file is read within (carteira.imports.limits): only those set
# here; the others keep carteira_core.ingest.Limits' defaults (README: Settings).
CARTEIRA_IMPORT_LIMITS = {
    field: int(os.environ[name])
    for field, name in {
        "max_file_bytes": "CARTEIRA_IMPORT_MAX_FILE_BYTES",
        "max_rows": "CARTEIRA_IMPORT_MAX_ROWS",
        "max_columns": "CARTEIRA_IMPORT_MAX_COLUMNS",
        "max_cell_chars": "CARTEIRA_IMPORT_MAX_CELL_CHARS",
        "max_uncompressed_bytes": "CARTEIRA_IMPORT_MAX_UNCOMPRESSED_BYTES",
        "max_sheets": "CARTEIRA_IMPORT_MAX_SHEETS",
    }.items()
    if os.environ.get(name)
}
CARTEIRA_IMPORT_MAX_PROBLEMS = int(os.environ.get("CARTEIRA_IMPORT_MAX_PROBLEMS", "100000"))
CARTEIRA_TILE_URL = os.environ.get("CARTEIRA_TILE_URL", "")
CARTEIRA_EXPORT_TTL_HOURS = float(os.environ.get("CARTEIRA_EXPORT_TTL_HOURS", "24"))
# Background work counts as stuck when the oldest task due to run has waited this long:
# the central team sees a warning on the exports and imports pages, /health/ says so.
CARTEIRA_STUCK_TASK_MINUTES = float(os.environ.get("CARTEIRA_STUCK_TASK_MINUTES", "10"))
# Largest photo the field app may send (interactions.photos); refused before it is read.
CARTEIRA_PHOTO_MAX_BYTES = int(os.environ.get("CARTEIRA_PHOTO_MAX_BYTES", str(8 * 1024 * 1024)))
# A check-in within this many metres of the client's coordinates is verified (issue 16).
CARTEIRA_CHECKIN_RADIUS_M = max(1, int(os.environ.get("CARTEIRA_CHECKIN_RADIUS_M", "200")))
# Road travel times for the day's routes (agenda.roads): an OSRM or Valhalla server's
# base URL; empty, or when it fails, the straight line × 1.3 at 40 km/h.
CARTEIRA_ROUTING_URL = os.environ.get("CARTEIRA_ROUTING_URL", "")
CARTEIRA_ROUTING_ENGINE = os.environ.get("CARTEIRA_ROUTING_ENGINE", "osrm")
CARTEIRA_ROUTING_TIMEOUT_S = float(os.environ.get("CARTEIRA_ROUTING_TIMEOUT_S", "3"))
# Pages read from the replica (when there is one): reports and dashboards of past readings.
CARTEIRA_REPLICA_ROUTES = frozenset(
    env_list(
        "CARTEIRA_REPLICA_ROUTES",
        "portfolio:dashboard,review:page,review:pdf,goals:performance,value:valuation,"
        "value:model,territory:map,territory:points,territory:clusters,territory:chronology,"
        "credit:aging",
    )
)
# How long after a write a browser's reads wait for the replica to replay it.
CARTEIRA_REPLICA_PIN_SECONDS = int(os.environ.get("CARTEIRA_REPLICA_PIN_SECONDS", "300"))
