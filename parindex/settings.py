"""Settings for the PAR Index portal, read from environment variables only.

Every variable is parsed by a small helper that refuses a value it does not understand, so a
typo in production fails at start-up instead of silently running with a default.
"""

import ipaddress
import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use 1/0, true/false, yes/no.")


def _env_int(name: str, default: int, *, minimum: int = 1) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        if minimum == 1:
            raise ImproperlyConfigured(f"{name}={raw!r} must be positive.")
        raise ImproperlyConfigured(f"{name}={raw!r} must be at least {minimum}.")
    return value


def _env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def _env_choice(name: str, default: str, choices: set[str]) -> str:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    if raw.strip() not in choices:
        raise ImproperlyConfigured(f"{name}={raw!r} is not one of {', '.join(sorted(choices))}.")
    return raw.strip()


def _cache(url: str) -> dict:
    """CACHE_URL: redis://host:port/db (or rediss://, shared by every app container) or
    locmem:// (one cache per process, the default)."""
    if url.startswith(("redis://", "rediss://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url == "locmem://":
        # Django's default of 300 entries would evict pages and charts of the current data
        # version long before memory matters.
        # Bounded in bytes too: a page or a chart of up to 2 MB each, 2,000 of them, would
        # otherwise be 4 GB per process (runtime.cache.BoundedLocMemCache).
        return {
            "BACKEND": "runtime.cache.BoundedLocMemCache",
            "OPTIONS": {
                "MAX_ENTRIES": _env_int("CACHE_MAX_ENTRIES", 2000),
                "MAX_BYTES": _env_int("CACHE_MAX_MB", 128) * 1024 * 1024,
            },
        }
    # The URL may hold a password: only its scheme is echoed.
    raise ImproperlyConfigured(
        "CACHE_URL must start with redis:// or rediss://, or be locmem:// "
        f"(got {url.split(':')[0]!r})."
    )


# What Django's deploy check (security.W009) asks of a production key; refused here at start-up
# rather than left to a warning that `check --deploy` alone would print.
_SECRET_KEY_MIN_LENGTH = 50
_SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5
_SECRET_KEY_INSECURE_PREFIX = "django-insecure-"


def _production_secret_key(key: str) -> str:
    if not key:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # The key itself is never echoed: only its length.
    if len(key) < _SECRET_KEY_MIN_LENGTH:
        raise ImproperlyConfigured(
            f"SECRET_KEY is too short ({len(key)} characters; "
            f"at least {_SECRET_KEY_MIN_LENGTH} when DEBUG is off)."
        )
    if len(set(key)) < _SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        raise ImproperlyConfigured(
            f"SECRET_KEY must have at least {_SECRET_KEY_MIN_UNIQUE_CHARACTERS} different "
            "characters when DEBUG is off."
        )
    if key.startswith(_SECRET_KEY_INSECURE_PREFIX):
        raise ImproperlyConfigured(
            f"SECRET_KEY must not start with {_SECRET_KEY_INSECURE_PREFIX!r} (Django's "
            "placeholder for development keys) when DEBUG is off."
        )
    return key


DEBUG = _env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not DEBUG:
    SECRET_KEY = _production_secret_key(SECRET_KEY)
elif not SECRET_KEY:
    SECRET_KEY = "insecure-development-key-only-for-debug"
elif len(SECRET_KEY) < 16:
    raise ImproperlyConfigured("SECRET_KEY is too short (at least 16 characters).")


def _networks(name: str) -> list[str]:
    networks = _env_list(name, [])
    for network in networks:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {network!r} is not an address or a network (e.g. 10.0.0.0/8)."
            ) from None
    return networks


# The reverse proxies in front of the portal (addresses or networks, comma-separated): only a
# connection from one of them may name the client in X-Forwarded-For (runtime/clients.py).
TRUSTED_PROXIES = _networks("TRUSTED_PROXIES")

ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])

# A management command (the task worker, an import) or the web server (gunicorn, runserver, a
# test's client): their database timeouts differ.
_ARGUMENTS = sys.argv[:2]
_COMMAND = (
    _ARGUMENTS[1] if len(_ARGUMENTS) == 2 and Path(_ARGUMENTS[0]).name == "manage.py" else None
)
_WEB = _COMMAND in (None, "runserver")


def _postgres_options() -> dict:
    """Timeouts so that a database that stops, hangs or drops off the network never holds a
    web worker for long: libpq waits forever by default. A web request's statement is cancelled
    by the server after DATABASE_STATEMENT_TIMEOUT seconds; the task worker and the commands
    (imports of 200,000 rows) get DATABASE_COMMAND_STATEMENT_TIMEOUT (0: none). Keepalives and
    tcp_user_timeout notice a lost network; a hung server, which still acknowledges, is ended by
    the web server's own deadline (runtime/deadlines.py, DATABASE_WAIT_SECONDS)."""
    if _WEB:
        statement = _env_int("DATABASE_STATEMENT_TIMEOUT", 20, minimum=0)
        idle, interval, count = 10, 3, 3
    else:
        statement = _env_int("DATABASE_COMMAND_STATEMENT_TIMEOUT", 0, minimum=0)
        idle, interval, count = 60, 10, 6
    return {
        "connect_timeout": _env_int("DATABASE_CONNECT_TIMEOUT", 5),
        "options": f"-c statement_timeout={statement * 1000}",
        "keepalives": 1,
        "keepalives_idle": idle,
        "keepalives_interval": interval,
        "keepalives_count": count,
        # Unacknowledged data for this long: the connection is dead (milliseconds).
        "tcp_user_timeout": (idle + interval * count) * 1000,
    }


_database_url = os.environ.get("DATABASE_URL", "").strip()
_conn_max_age = _env_int("CONN_MAX_AGE", 60, minimum=0)
if _database_url:
    try:
        # Persistent connections, checked before reuse: a connection broken by a database
        # restart is replaced at the next request instead of failing it (no app restart).
        _database = dj_database_url.parse(
            _database_url,
            conn_max_age=_conn_max_age,
            conn_health_checks=True,
        )
    except Exception as error:
        raise ImproperlyConfigured(f"DATABASE_URL cannot be read: {error}") from None
    if _database["ENGINE"] not in {
        "django.db.backends.postgresql",
        "django.db.backends.sqlite3",
    }:
        raise ImproperlyConfigured("DATABASE_URL must be a postgres:// or sqlite:// URL.")
    if _database["ENGINE"] == "django.db.backends.postgresql":
        _database.setdefault("OPTIONS", {}).update(_postgres_options())
else:
    # The embedded default for a first run; production and CI set DATABASE_URL.
    _database = {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}
if _database["ENGINE"] == "django.db.backends.sqlite3":
    # One writer at a time: each transaction takes the write lock when it begins (not at its
    # first write, when SQLite can only refuse it), waits its turn up to SQLITE_BUSY_TIMEOUT
    # seconds, and readers keep reading meanwhile (WAL). A second import waits for the first.
    _database.setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": _env_int("SQLITE_BUSY_TIMEOUT", 60),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "parindex",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "import_export",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "provinces",
    "scoring",
    "surveys",
    "public",
    "staff",
]

MIDDLEWARE = [
    # Before the host check and the SSL redirect: probes call the container's own address.
    "parindex.middleware.HealthCheckMiddleware",
    # Outermost: one log line per request with its duration and query count.
    "parindex.middleware.RequestLogMiddleware",
    # The JSON API read from any origin (CORS), its preflight answered before the refusal of
    # methods other than GET and HEAD on public pages.
    "public.cors.CrossOriginApiMiddleware",
    # Control characters (400) and writes to public pages (405) refused before any cache,
    # session or view reads them.
    "parindex.middleware.HostileInputMiddleware",
    # Whole public responses by data version, answered before sessions, CSRF, authentication
    # and the database are touched (a database outage leaves cached pages up); stored with the
    # security headers of the middleware below, keyed by scheme and host.
    "parindex.middleware.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Inside the page cache: a cached page is stored with its policy header.
    "parindex.middleware.PlainHttpPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A sign-in refused for its address's failures (staff/backends.py) answered as a 429.
    "parindex.middleware.SignInThrottleMiddleware",
    # Last, as django-axes asks: it answers a locked-out login before any view runs.
    "axes.middleware.AxesMiddleware",
]

# django-axes first: a locked-out user and address are refused before the password is checked.
AUTHENTICATION_BACKENDS = [
    # Before any password is hashed: an address with too many failures is refused (429).
    "staff.backends.AddressThrottleBackend",
    "axes.backends.AxesStandaloneBackend",
    "staff.backends.StaffBackend",
]
# Lockout after repeated failures, counted per user name and address together (issue 7): one
# person mistyping does not lock a shared office address, and guessing one account's password
# from many addresses is slowed down by the per-user count of each.
AXES_FAILURE_LIMIT = _env_int("AXES_FAILURE_LIMIT", 5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = _env_int("AXES_COOLOFF_MINUTES", 30) / 60  # hours
# The address counted is the client's: behind a reverse proxy, the one the proxy names in
# X-Forwarded-For, believed only from TRUSTED_PROXIES (runtime/clients.py), so that a lockout
# never lands on the proxy's address, which every reader shares.
AXES_CLIENT_IP_CALLABLE = "runtime.clients.client_address"
# Failed sign-ins from one address, whatever the user names (unknown ones too), before that
# address's next tries are refused without checking a password (staff/backends.py).
SIGN_IN_FAILURES_PER_ADDRESS = _env_int("SIGN_IN_FAILURES_PER_ADDRESS", 20)
SIGN_IN_THROTTLE_SECONDS = _env_int("SIGN_IN_THROTTLE_MINUTES", 15) * 60
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "staff/locked_out.html"
AXES_VERBOSE = False

LOGIN_URL = "staff:login"
LOGIN_REDIRECT_URL = "staff:home"
# Staff sessions end after two hours of inactivity and when the browser closes.
SESSION_COOKIE_AGE = _env_int("SESSION_COOKIE_AGE", 2 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
OTP_TOTP_ISSUER = "PAR Index"

ROOT_URLCONF = "parindex.urls"
WSGI_APPLICATION = "parindex.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "public.context.languages",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Vietnamese first: the portal's audience reads Vietnamese; English is the second language.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates as "30 tháng 6 năm 2025" and "30 June 2025" (parindex/formats/).
FORMAT_MODULE_PATH = ["parindex.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Compressed but not hashed: pages render before collectstatic has run (tests, first run).
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
    },
}

# Uploaded evidence is private: stored outside the static root and served only through a view
# that checks who may see the unit (never by WhiteNoise or the web server directly).
EVIDENCE_ROOT = Path(os.environ.get("EVIDENCE_ROOT", "") or BASE_DIR / "evidence")
EVIDENCE_MAX_BYTES = _env_int("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
# All the evidence files of one unit in one edition, held ones included (staff/evidence.py).
EVIDENCE_UNIT_QUOTA_BYTES = _env_int("EVIDENCE_UNIT_QUOTA_MB", 500) * 1024 * 1024
if EVIDENCE_ROOT.resolve().is_relative_to(STATIC_ROOT.resolve()):
    raise ImproperlyConfigured("EVIDENCE_ROOT must not lie inside STATIC_ROOT.")

# Background work (large imports) through Django's tasks API: the database backend and its
# worker (`manage.py db_worker`), so no broker is needed.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Email notifications of the staff workflow (staff/notifications.py), sent by the task worker
# over SMTP to EMAIL_HOST. Without it: printed on the console in development; in production
# every send fails with a message saying so, and the messages wait in the outbox.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "").strip()
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
# STARTTLS (port 587) unless the server speaks TLS from the start (EMAIL_USE_SSL, port 465).
EMAIL_USE_SSL = _env_bool("EMAIL_USE_SSL", False)
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", not EMAIL_USE_SSL)
if EMAIL_USE_SSL and EMAIL_USE_TLS:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on.")
EMAIL_PORT = _env_int("EMAIL_PORT", 465 if EMAIL_USE_SSL else 587)
EMAIL_TIMEOUT = _env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "").strip()
# The portal's address (https://host), for the links in the messages; paths alone without it.
PORTAL_URL = os.environ.get("PORTAL_URL", "").strip().rstrip("/")
if EMAIL_HOST and not DEFAULT_FROM_EMAIL:
    raise ImproperlyConfigured("DEFAULT_FROM_EMAIL must be set with EMAIL_HOST (the sender).")
if not EMAIL_HOST:
    EMAIL_BACKEND = (
        "django.core.mail.backends.console.EmailBackend"
        if DEBUG
        else "staff.outbox.NoServerBackend"
    )
    DEFAULT_FROM_EMAIL = DEFAULT_FROM_EMAIL or "parindex@localhost"
if EMAIL_HOST_USER and not EMAIL_HOST_PASSWORD:
    raise ImproperlyConfigured("EMAIL_HOST_USER is set but EMAIL_HOST_PASSWORD is not.")
if "@" not in DEFAULT_FROM_EMAIL or any(c in DEFAULT_FROM_EMAIL for c in "\r\n,;"):
    raise ImproperlyConfigured(f"DEFAULT_FROM_EMAIL={DEFAULT_FROM_EMAIL!r} is not an address.")
if PORTAL_URL and not PORTAL_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"PORTAL_URL={PORTAL_URL!r} must start with https:// or http://.")

# The admin's import runs inside a transaction, as the command's does: an import locks the
# editions it names for as long as it checks and writes.
IMPORT_EXPORT_USE_TRANSACTIONS = True

CACHES = {"default": _cache(os.environ.get("CACHE_URL", "").strip() or "locmem://")}
# A shared cache outlives a deploy: the release in every key (e.g. the git commit) keeps the
# previous release's pages and charts, drawn by older code, from being served by the new one.
CACHES["default"]["KEY_PREFIX"] = os.environ.get("CACHE_KEY_PREFIX", "").strip()
# The whole-page cache of public pages (parindex/middleware.py); off only where a test counts
# a view's own queries or changes rows behind the writers' backs.
PAGE_CACHE = _env_bool("PAGE_CACHE", True)
# Publishing has the task worker render the edition's pages, charts, PDFs and downloads for
# PORTAL_URL (public/warming.py): worth it only where every web process reads the same cache.
WARM_CACHES = _env_bool("WARM_CACHES", bool(PORTAL_URL) and "Redis" in CACHES["default"]["BACKEND"])
if WARM_CACHES and not PORTAL_URL:
    raise ImproperlyConfigured("WARM_CACHES needs PORTAL_URL: the address readers ask for.")
# How long a process trusts the data version it last read before asking the database again;
# a publish clears it at once in the shared cache (Redis), other processes follow within this.
DATA_VERSION_SECONDS = _env_int("DATA_VERSION_SECONDS", 1)
# The longest a web request waits on PostgreSQL for one answer, kept by the client even when the
# server hangs (runtime/deadlines.py); the data-version read and /readyz wait at most
# DATABASE_QUICK_WAIT_SECONDS, so cached pages and the readiness probe never hang with it.
DATABASE_WAIT_SECONDS = _env_int("DATABASE_WAIT_SECONDS", 25)
DATABASE_QUICK_WAIT_SECONDS = _env_int("DATABASE_QUICK_WAIT_MS", 800) / 1000
# Browsers and CDNs may reuse a public page this long without asking; after that they
# revalidate with If-None-Match / If-Modified-Since and usually get a 304.
PUBLIC_MAX_AGE = _env_int("PUBLIC_MAX_AGE", 60, minimum=0)
# PDFs and workbooks drawn (not served from the cache) per client address and minute.
RENDER_LIMIT_PER_MINUTE = _env_int("RENDER_LIMIT_PER_MINUTE", 10)
# The answer's Retry-After while the database is unreachable.
OUTAGE_RETRY_AFTER = _env_int("OUTAGE_RETRY_AFTER", 30)

# Import limits: a file larger than this, or an XLSX that would unpack to more, is refused
# before it is parsed (zip bombs).
IMPORT_MAX_BYTES = _env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024)
IMPORT_MAX_UNPACKED_BYTES = _env_int("IMPORT_MAX_UNPACKED_BYTES", 200 * 1024 * 1024)

SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# Embeds (public/views/embeds.py) lift this for themselves only.
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Off by default: TLS usually ends at the proxy in front, which redirects itself; turn it on
# (with SECURE_PROXY_SSL_HEADER) when the portal should redirect http:// to https://.
SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", False)
if _env_bool("SECURE_PROXY_SSL_HEADER", False):
    # Only behind a proxy that always sets X-Forwarded-Proto itself (docs/deployment.md).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Sent on https:// answers only; a year once the site is known to serve https:// everywhere.
SECURE_HSTS_SECONDS = _env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 60 * 60, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", False)
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "parindex.views.csrf_failure"

# No inline script or style anywhere: pages are plain HTML with the site's stylesheets, charts
# are SVG files, and the favicon is a data: URL.
_SELF, _NONE = "'self'", "'none'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "img-src": [_SELF, "data:"],
        "font-src": [_SELF],
        "connect-src": [_SELF],
        "object-src": [_NONE],
        "base-uri": [_SELF],
        "form-action": [_SELF],
    }
}
# Enforced on https:// answers; on plain http:// only reported (parindex/middleware.py), unless
# this is set, as the tests of the policy do.
CSP_ENFORCE_ON_HTTP = _env_bool("CSP_ENFORCE_ON_HTTP", False)

# One line per event as key=value pairs (runtime/logs.py), on standard error for the
# container's log collector: requests on "parindex.request", imports, publishes and stage
# changes on "parindex.audit".
# A management command's output is a documented interface (docs/formats.md: only the problem lines
# on standard error), so the portal's INFO lines stay off in commands; the web server and the task
# worker log them. Every import, publish and stage change is also a row in the database.
_QUIET_COMMAND = _COMMAND is not None and _COMMAND not in {"runserver", "db_worker"}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "fields": {"format": "%(asctime)s level=%(levelname)s logger=%(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "fields"}},
    "root": {
        "handlers": ["console"],
        "level": _env_choice(
            "LOG_LEVEL", "WARNING", {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}
        ),
    },
    "loggers": {
        "parindex": {
            "level": _env_choice(
                "PARINDEX_LOG_LEVEL",
                "WARNING" if _QUIET_COMMAND else "INFO",
                {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"},
            )
        },
        # Every 4xx is already a request line; Django's own copy would say it twice.
        "django.request": {"level": "ERROR"},
    },
}
