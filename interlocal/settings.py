"""The one settings module: everything that varies comes from the environment."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF

from interlocal.env import EnvError, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("INTERLOCAL_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    # A laptop install has no secret store, so the embedded default keeps a generated key in var/.
    configured = env_str("SECRET_KEY", "")
    if configured:
        return configured
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    # Before django.contrib.auth so its audited changepassword command replaces Django's.
    "interlocal.governments",
    "rules",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "interlocal.audit",
    "interlocal.collaboratives",
    "interlocal.initiatives",
    "interlocal.agreements",
    "interlocal.portal",
    "interlocal.tracking",
    "interlocal.costshare",
    "interlocal.api",
    "interlocal.importers",
    "axes",
    "csp",
    # Serves the API docs' Swagger UI from static files instead of a CDN, so the CSP can stay 'self'.
    "ninja",
    "interlocal.legislation",
    "interlocal.assessments",
    # Background work (issue 12): django-tasks with its database backend, so no extra server is needed.
    "django_tasks",
    "django_tasks_db",
    "interlocal.jobs",
    "interlocal.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions and authentication, so a cached anonymous page costs no database query.
    "interlocal.pagecache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: it turns a lockout into the sign-in page's lockout message.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username+address is refused before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    # Object permissions come from the predicates in interlocal.access (django-rules); passwords from the database.
    "rules.permissions.ObjectPermissionBackend",
    "interlocal.access.PasswordBackend",
]

ROOT_URLCONF = "interlocal.urls"
WSGI_APPLICATION = "interlocal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "interlocal.portal.context.site",
            ],
        },
    },
]


def _database() -> dict[str, Any]:
    url = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'interlocal.sqlite3'}")
    try:
        # Persistent connections: a new PostgreSQL connection per request costs more than rendering most pages.
        config: dict[str, Any] = dict(
            dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True)
        )
    except ValueError as exc:
        raise EnvError(f"DATABASE_URL is not a database URL we understand: {exc}") from None
    engine = config.get("ENGINE", "")
    if engine not in ("django.db.backends.sqlite3", "django.db.backends.postgresql"):
        raise EnvError(f"DATABASE_URL must be sqlite:// or postgres://, not {engine or url!r}")
    if engine == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        # WAL lets the portal keep reading while an import writes.
        config["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    return config


DATABASES = {"default": _database()}
# Anonymous pages are cached per process, keyed on the data generation every committed write renews
# (interlocal/pagecache.py); the timeout only bounds memory, never staleness. 0 turns the cache off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)
PAGE_CACHE_STAMP_FILE = env_str("PAGE_CACHE_STAMP_FILE", str(VAR_DIR / "data-generation"))
PAGE_CACHE_ALIAS = "pages"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "OPTIONS": {"MAX_ENTRIES": env_int("PAGE_CACHE_ENTRIES", 3000)},
    },
}
# The laptop default (SQLite in INTERLOCAL_VAR_DIR): the only database `interlocal demo` fills unforced.
EMBEDDED_DATABASE = not env_str("DATABASE_URL", "")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "governments.Person"
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 12)
if PASSWORD_MIN_LENGTH < 12:
    raise EnvError(f"PASSWORD_MIN_LENGTH={PASSWORD_MIN_LENGTH} is too short (12 or more)")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in throttling (django-axes): a username is locked for this address after too many failures.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
_COOLOFF_MINUTES = env_int("AXES_COOLOFF_MINUTES", 15)
if AXES_FAILURE_LIMIT < 1:
    raise EnvError(f"AXES_FAILURE_LIMIT={AXES_FAILURE_LIMIT} must be 1 or more")
if _COOLOFF_MINUTES < 1:
    raise EnvError(f"AXES_COOLOFF_MINUTES={_COOLOFF_MINUTES} must be 1 or more")
AXES_COOLOFF_TIME = dt.timedelta(minutes=_COOLOFF_MINUTES)
# Keyed on username and address together, so an attacker cannot lock a colleague out from elsewhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/login.html"
# Axes' own admin lets anyone delete attempts; ours (interlocal.governments.admin) is read-only.
AXES_ENABLE_ADMIN = False
# Behind N reverse proxies that each append to X-Forwarded-For (one nginx: 1), the client is the N-th
# address from the right; with 0 the socket address is used and X-Forwarded-For is ignored.
REVERSE_PROXY_COUNT = env_int("REVERSE_PROXY_COUNT", 0)
if REVERSE_PROXY_COUNT < 0:
    raise EnvError(f"REVERSE_PROXY_COUNT={REVERSE_PROXY_COUNT} must be 0 or more")
AXES_CLIENT_IP_CALLABLE = "interlocal.governments.signin.client_address"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "America/Chicago")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
# Downloaded, hash-checked USWDS and htmx (see interlocal/assets.py); never committed.
VENDOR_STATIC_DIR = VAR_DIR / "static-vendor"
STATICFILES_DIRS = [VENDOR_STATIC_DIR] if VENDOR_STATIC_DIR.exists() else []
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"
# Previewed but unapplied imports under var/imports/ are deleted after this many hours.
IMPORT_UPLOAD_TTL_HOURS = env_int("INTERLOCAL_IMPORT_TTL_HOURS", 24)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "interlocal@localhost")

# The banner that says every page shows invented data; on for the demo, off for a real deployment.
INTERLOCAL_DEMO_BANNER = env_bool("INTERLOCAL_DEMO_BANNER", True)

# HTTPS: all off by default so the laptop server works over plain HTTP; README's Production turns them on.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
if SECURE_HSTS_SECONDS < 0:
    raise EnvError(f"SECURE_HSTS_SECONDS={SECURE_HSTS_SECONDS} must be 0 or more")
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Only behind a proxy that sets X-Forwarded-Proto itself; otherwise a client could claim HTTPS.
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Everything is served from this site: no inline script or style, no other origin, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Legistar sync (`interlocal legistar sync`): the Web API base URL when a sync record names none.
INTERLOCAL_LEGISTAR_BASE_URL = env_str("INTERLOCAL_LEGISTAR_BASE_URL", "https://webapi.legistar.com/v1/")
# Background work (issue 12): tasks wait in the database until `interlocal worker` runs them
# (`make run` starts one beside the server). TASKS_BACKEND=immediate runs them inside the request.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env_str("TASKS_BACKEND", "database") == "immediate"
            else "django_tasks_db.DatabaseBackend"
        )
    }
}
# An upload larger than this is checked and applied by the worker, with a progress bar.
IMPORT_BACKGROUND_BYTES = env_int("IMPORT_BACKGROUND_BYTES", 2 * 1024 * 1024)
