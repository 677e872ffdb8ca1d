"""gunicorn's settings for the portal (`gunicorn -c gunicorn.conf.py parindex.wsgi`).

Sized for the machine it runs on: (2 × CPUs) + 1 synchronous workers, the usual rule for a
CPU-bound Django app whose database answers in milliseconds. Every value can be overridden with
the GUNICORN_* variables below (docs/deployment.md).
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) <= 0:
        raise SystemExit(f"{name}={raw!r} must be a positive whole number.")
    return int(raw)


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
# A slow request (a large export, a PDF) gets this long before its worker is replaced; imports
# run in the task worker, not here.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Behind a proxy that keeps connections open to the app.
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Workers are recycled after this many requests (with jitter, so they do not all restart at
# once): a slow leak in a library never grows without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 20000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 2000)
# Imported once in the master: workers share the code pages and start at once.
preload_app = True
# The app logs each request itself (parindex.request: with its query count); gunicorn's own
# access line is off unless asked for, in the same key=value shape with the duration.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = (
    'remote=%(h)s method=%(m)s path="%(U)s" status=%(s)s bytes=%(B)s duration_ms=%(M)s '
    'agent="%(a)s"'
)
errorlog = "-"
# gunicorn's control socket (a file under $HOME) is not used here, and several instances on one
# host would share its path.
control_socket_disable = True
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The proxy in front sets X-Forwarded-For/Proto; only it is trusted (docs/deployment.md).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def when_ready(server) -> None:
    """Once the app is loaded in the master and before any worker is forked: import every view
    (matplotlib and pandas behind the charts and downloads) and load both languages' message
    catalogues, so that every worker, a recycled one too, starts from a warm copy instead of
    spending its first second importing."""
    from django.conf import settings
    from django.db import connections
    from django.urls import get_resolver
    from django.utils import translation

    _ = get_resolver().url_patterns
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("PAR Index")
    # Nothing above should have connected; a socket opened here would be shared by the workers.
    connections.close_all()
