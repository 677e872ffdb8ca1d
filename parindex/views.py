"""Site-wide views: the root redirect, health checks and the error pages."""

import logging
import sys

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache

from runtime.deadlines import deadline

log = logging.getLogger("parindex.request")

# Fields never shown back on the outage page, whatever form they come from.
_SECRET_FIELDS = ("csrfmiddlewaretoken", "password", "token", "otp", "secret")


def root(request: HttpRequest) -> HttpResponseRedirect:
    """A first visitor reads Vietnamese; a reader who chose English before keeps it."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    return HttpResponseRedirect(f"/{language}/")


def health(request: HttpRequest) -> JsonResponse:
    """The first health check, kept as it was for monitors set up against it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Never touches the database, so a database outage does not
    make the orchestrator restart healthy app containers."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness: the database and the cache answer; 503 naming the one that does not."""
    checks = {"database": _database_answers(), "cache": _cache_answers()}
    ready = all(checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable"}
        | {name: "ok" if fine else "unreachable" for name, fine in checks.items()},
        status=200 if ready else 503,
    )


def _database_answers() -> bool:
    try:
        # A probe's own timeout is a few seconds: a hung database is a 503 well within it.
        with deadline(settings.DATABASE_QUICK_WAIT_SECONDS), connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        return False


def _cache_answers() -> bool:
    try:
        cache.set("readyz", "ok", 10)
        return cache.get("readyz") == "ok"
    except Exception:  # noqa: BLE001 - whatever the backend raises, it is not ready
        return False


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error_page(request, "400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error_page(request, "403.html", 403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    # The reason names the missing cookie or token: for the log, not for the reader.
    log.warning("csrf failure path=%s reason=%r", request.path, reason)
    return _error_page(request, "403.html", 403, {"csrf": True})


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error_page(request, "404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 when the error is the database being unreachable (a restart, a failover):
    the reader is told to retry, and a form's values are shown back to copy."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        return unavailable(request)
    return _error_page(request, "500.html", 500)


def unavailable(request: HttpRequest) -> HttpResponse:
    submitted = []
    if request.method == "POST":
        submitted = [
            (name, value)
            for name, values in request.POST.lists()
            if not any(secret in name.lower() for secret in _SECRET_FIELDS)
            for value in values
            if value.strip()
        ]
    response = _error_page(request, "503.html", 503, {"submitted": submitted})
    response["Retry-After"] = str(settings.OUTAGE_RETRY_AFTER)
    return response


def _error_page(
    request: HttpRequest, template: str, status: int, context: dict | None = None
) -> HttpResponse:
    try:
        body = loader.get_template(template).render(context or {}, request)
    except Exception:  # noqa: BLE001 - an error page must answer even if its template cannot
        log.exception("error page %s could not be rendered", template)
        body = f"{status}"
        return HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")
    response = HttpResponse(body, status=status)
    # An error is never cached by a browser or a CDN: the page may work a minute later.
    response["Cache-Control"] = "no-store"
    return response
