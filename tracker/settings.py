"""Settings for the Surveillance Export Tracker, read from the environment.

With nothing set, the site runs on a SQLite file under var/ so that a fresh checkout works
without any setup; production sets DATABASE_URL (PostgreSQL), SECRET_KEY and ALLOWED_HOSTS.
A value that cannot be understood stops start-up with a message naming the variable, rather
than falling back to a default nobody asked for.
"""

import hashlib
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}."
    )


def env_int(name, default):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}.") from None


def env_list(name, default):
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def secret_key():
    """SECRET_KEY from the environment, else one generated once and kept in var/.

    The generated key is for development, tests and management commands on one machine:
    serving with DEBUG off refuses to start without SECRET_KEY (tracker.ops.startup), because
    each server would otherwise sign sessions and CSRF tokens with a key of its own.
    """
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    try:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(50))
            path.chmod(0o600)
        return path.read_text().strip()
    except OSError as exc:
        raise ImproperlyConfigured(
            f"SECRET_KEY is not set and {path} cannot be created ({exc.strerror}); "
            "set SECRET_KEY in the environment."
        ) from None


def database(conn_max_age):
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "tracker.sqlite3"}
    try:
        config = dj_database_url.parse(url, conn_max_age=conn_max_age)
    except Exception as exc:
        raise ImproperlyConfigured(f"DATABASE_URL cannot be understood: {exc}") from None
    if not config.get("ENGINE") or not config.get("NAME"):
        raise ImproperlyConfigured(
            "DATABASE_URL must look like postgres://user@host:5432/dbname or sqlite:///path."
        )
    if config["ENGINE"] == "django.db.backends.postgresql":
        config["OPTIONS"] = postgres_timeouts(config.get("OPTIONS", {}))
    # A connection broken by a database restart is noticed and replaced at the next request,
    # so the site recovers without restarting the workers.
    config["CONN_HEALTH_CHECKS"] = True
    return config


def postgres_timeouts(options):
    """Bound how long a reader can wait on PostgreSQL: to connect, and for any one query.

    Without them a hung or unreachable database holds each worker until gunicorn kills it and
    the reader gets no answer at all; with them the query fails, and tracker.ops turns the
    failure into a 503 page. DB_STATEMENT_TIMEOUT=0 lifts the query limit (for a long
    migration, say).
    """
    connect = env_int("DB_CONNECT_TIMEOUT", 3)
    statement = env_int("DB_STATEMENT_TIMEOUT", 5)
    options = dict(options)
    options.setdefault("connect_timeout", connect)
    server = options.get("options", "")
    # No JIT compilation: the site's queries are short, and compiling them cost more than it
    # saved (hundreds of ms on the list's query at 1M entries, docs/performance.md).
    options["options"] = f"{server} -c statement_timeout={statement * 1000} -c jit=off".strip()
    return options


def proxy_ssl_header(name):
    """SECURE_PROXY_SSL_HEADER as Django wants it, from "X-Forwarded-Proto" (value https)."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    header, _, value = raw.partition(":")
    header = header.strip()
    if not header or not all(part.isalnum() for part in header.split("-")):
        raise ImproperlyConfigured(
            f"{name} must be a header name such as X-Forwarded-Proto, optionally followed by "
            f":value (https when left out); got {raw!r}."
        )
    return ("HTTP_" + header.upper().replace("-", "_"), value.strip() or "https")


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "simple_history",
    "tracker",
    # Last, so that its admin for lockouts can be replaced by tracker.admin.lockouts.
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tracker.middleware.ContentSecurityPolicyMiddleware",
    # Readers' cached pages: a hit skips everything below (tracker.ops.cache says what it
    # checks instead).
    "tracker.ops.cache.PublicPageCacheMiddleware",
    # Before anything that queries: a frozen database cannot hold a request past its deadline.
    "tracker.ops.watchdog.DatabaseWatchdogMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After the session, before CommonMiddleware (Django's order): /fr/… and /en/… set the
    # language; an unprefixed page redirects by the browser's Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # A database that fails or times out gives readers a 503 page, not a traceback or nothing.
    "tracker.ops.faults.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# django-axes checks each login against recent failures before any password is tried.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": database(conn_max_age=env_int("CONN_MAX_AGE", 60))}
# Past this many seconds a request's PostgreSQL connections are cut (tracker.ops.watchdog), so
# a frozen server gives a 503 before gunicorn's 30 s timeout kills the worker; 0 turns it off.
DB_REQUEST_TIMEOUT = env_int("DB_REQUEST_TIMEOUT", 6)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# The founding article and many sources are French, and so are many readers (issue 14).
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "tracker" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Readers of a site about surveillance should not be tracked by it: no referrer leaks to the
# sources we link to ("same-origin", not "no-referrer", which makes browsers send "Origin: null"
# on our own forms and fail the CSRF check), and the CSP (tracker.middleware) forbids loading
# anything from elsewhere.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# HTTPS in production (docs/deploy.md): all off by default so that `make run` and tests work
# over plain HTTP on 127.0.0.1; `check --deploy --fail-level WARNING` passes with the
# documented production values.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Behind nginx, which terminates TLS and says so in X-Forwarded-Proto. Only set it when the
# proxy always overwrites that header: a client could otherwise claim HTTPS.
SECURE_PROXY_SSL_HEADER = proxy_ssl_header("SECURE_PROXY_SSL_HEADER")
# Load balancers and orchestrators probe these over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Login protection (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one account
# from one address, that pair is locked out for LOGIN_COOLOFF_MINUTES, even with the right
# password. Counting the pair, not the address alone, keeps one reader's typos from locking out
# a newsroom sharing an address; nginx's rate limit on /admin/login/ (docs/deploy.md) slows
# one address trying many accounts. Publishers see and clear lockouts in the admin.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The same client address as the corrections' rate limit (TRACKER_TRUSTED_PROXIES).
AXES_CLIENT_IP_CALLABLE = "tracker.editorial.corrections.client_address"
AXES_LOCKOUT_CALLABLE = "tracker.admin.lockouts.lockout_response"
# Each failed login and each lockout is logged as a warning ("AXES: ...") and kept in the
# admin's failed-login log; the start-up banner is not.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False

# Anonymous public pages are cached (tracker.ops.cache). With REDIS_URL, in Redis, which every
# app server of the site shares, so a publish through one is seen through all at once. Without
# it, in files under var/cache/, shared by the worker processes of one machine (memory of its
# own per process would let one worker serve a page another has invalidated), one folder per
# database so that two sites on one machine never serve each other's pages. Tests use memory.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()


def caches(redis_url, database_name):
    if redis_url:
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            # A Redis that hangs must cost a reader a moment, not a request (tracker.ops.cache
            # renders the page when the cache fails).
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    folder = hashlib.sha256(str(database_name).encode()).hexdigest()[:16]
    return {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": VAR_DIR / "cache" / folder,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }


CACHES = {"default": caches(REDIS_URL, DATABASES["default"]["NAME"])}
# How long a cached page is kept at most; any public change replaces it at once anyway.
TRACKER_CACHE_SECONDS = env_int("TRACKER_CACHE_SECONDS", 600)

# Full exports one worker process streams at once; past it readers get a 503 with Retry-After
# (tracker.exports.slots), so that downloads never take every thread of a worker.
TRACKER_EXPORTS_PER_WORKER = env_int("TRACKER_EXPORTS_PER_WORKER", 2)

# Entries not checked against their sources for longer than this are flagged to editors.
TRACKER_STALE_AFTER_MONTHS = env_int("TRACKER_STALE_AFTER_MONTHS", 12)

# How many deployments a list page shows.
TRACKER_PAGE_SIZE = env_int("TRACKER_PAGE_SIZE", 25)

# Readers' corrections accepted per client address per hour (tracker.editorial.corrections).
TRACKER_CORRECTIONS_PER_HOUR = env_int("TRACKER_CORRECTIONS_PER_HOUR", 5)
# How many proxies in front of the site append to X-Forwarded-For (1 behind one nginx). The
# corrections' rate limit and the login lockout count the address the nearest one saw; with 0
# they count REMOTE_ADDR, which behind a proxy is the proxy's, the same for every reader.
TRACKER_TRUSTED_PROXIES = env_int("TRACKER_TRUSTED_PROXIES", 0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
