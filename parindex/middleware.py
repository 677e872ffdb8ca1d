"""Site-wide middleware: the request log and the whole-page cache of the public pages."""

import hashlib
import logging
import re
import threading
import time
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import parse_http_date_safe

from parindex import views
from public.warming import WARMING
from runtime.cache import safe_get, safe_set
from runtime.clients import client_address
from runtime.logs import fields
from scoring.versions import data_version

log = logging.getLogger("parindex.request")

# Public pages outside the language prefix; everything under /<lang>/ is public except these.
_ROOT_PAGES = {"/robots.txt", "/sitemap.xml"}
_PRIVATE = ("staff/",)
_LANGUAGES = {code for code, _name in settings.LANGUAGES}
# Cookies that can change what a page shows: a signed-in user's session, a pending message.
_PERSONAL_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")
_MAX_BYTES = 2 * 1024 * 1024
# The query parameters each public page reads (by the name of its address); any other one does
# not change the page, so an address carrying one is sent to the page's own address instead of
# rendering and storing one more copy (`?x=<random>` cannot bust the cache), and no stored page
# ever holds a parameter a reader made up. A page not listed reads none.
QUERY_PARAMETERS = {
    "public:ranking": ("sort", "order", "region", "group", "format"),
    "public:unit": ("year",),
    "public:unit_pdf": ("year",),
    "public:compare": ("year", "units", "format"),
    "public:search": ("q", "format"),
    "public:map": ("field",),
    "public:chart_ranking": ("region", "group"),
    "public:embed": ("region", "group"),
    "surveys:latest": ("year",),
}


# Queries of the current request, per thread: counted by a wrapper each database connection
# gets once when it opens (parindex/signals.py), cheaper than wrapping every request.
_counted = threading.local()


def count_query(execute, sql, params, many, context):
    _counted.queries = getattr(_counted, "queries", 0) + 1
    return execute(sql, params, many, context)


class HealthCheckMiddleware:
    """/healthz and /readyz answered first: a probe calls the container by its address, which
    is not one of ALLOWED_HOSTS, over plain http, which SECURE_SSL_REDIRECT would redirect;
    and its every-few-seconds calls stay out of the request log."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/healthz":
            return views.healthz(request)
        if request.path == "/readyz":
            return views.readyz(request)
        return self.get_response(request)


# C0 control characters and DEL: no address, parameter name or value of the portal holds one,
# and a NUL reaching PostgreSQL is an error rather than a miss.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_READ_ONLY = ("GET", "HEAD")


class HostileInputMiddleware:
    """Requests no page can answer, refused before anything reads them: a control character in
    the path or the query string is a 400 (public pages, staff screens and the admin alike);
    a method other than GET or HEAD on a public page is a 405 naming the allowed ones, rather
    than the CSRF check's 403 (no public page takes a form)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _CONTROL.search(request.path) or any(
            _CONTROL.search(name) or any(_CONTROL.search(value) for value in values)
            for name, values in request.GET.lists()
        ):
            return views.bad_request(request, ValueError("control character"))
        if request.method not in _READ_ONLY and _language(request.path) is not None:
            response = HttpResponseNotAllowed(_READ_ONLY)
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)


class RequestLogMiddleware:
    """One line per request: method, path (never the query string, which may carry a search or
    a token), status, duration in milliseconds, SQL queries and how the page cache answered."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        _counted.queries = 0
        response = self.get_response(request)
        if not log.isEnabledFor(logging.INFO):
            return response
        log.info(
            fields(
                method=request.method,
                path=request.path,
                status=response.status_code,
                duration_ms=f"{(time.perf_counter() - started) * 1000:.1f}",
                queries=_counted.queries,
                cache=getattr(request, "page_cache", "-"),
            )
        )
        return response


def _language(path: str) -> str | None:
    """The language of a public page's path, "" for the root pages, None for anything else."""
    if path in _ROOT_PAGES:
        return ""
    parts = path.split("/", 2)
    if len(parts) < 3 or parts[1] not in _LANGUAGES or parts[2].startswith(_PRIVATE):
        return None
    return parts[1]


class PageCacheMiddleware:
    """Whole public pages (HTML, charts, downloads) for anonymous readers, stored under the data
    version, the language and the full address, and answered before sessions, CSRF,
    authentication or the views touch the database. Each stored page carries an ETag and a
    Last-Modified (the data version's time), so a repeat visit gets a 304.

    Only a plain 200 is stored: nothing that sets a cookie, varies by cookie, holds a CSRF
    token or says no-store; staff pages and the admin are never looked up. SIPAS pages are
    cached like the rest: storing its results bumps the data version too.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = _language(request.path)
        if (
            language is None
            or not settings.PAGE_CACHE
            or request.method not in ("GET", "HEAD")
            or any(name in request.COOKIES for name in _PERSONAL_COOKIES)
            # SecurityMiddleware, after this one, redirects it to https://.
            or (settings.SECURE_SSL_REDIRECT and not request.is_secure())
        ):
            request.page_cache = "bypass"
            return self.get_response(request)
        canonical = _canonical_query(request, language)
        if canonical is not None:
            request.page_cache = "redirect"
            response = HttpResponseRedirect(request.path + canonical)
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_MAX_AGE)
            return response
        version = data_version()
        if version is None:
            request.page_cache = "bypass"
            return self.get_response(request)
        # The scheme and host as sent: a page holds absolute addresses built from them (and an
        # https:// one the HSTS header), and a host not allowed is refused by the miss that
        # follows, never answered from another host's copy. The parameters in one order.
        query = urlencode(sorted(request.GET.lists()), doseq=True)
        address = f"{request.scheme}://{request.META.get('HTTP_HOST', '')}{request.path}?{query}"
        digest = hashlib.md5(address.encode(), usedforsecurity=False).hexdigest()
        key = f"page:{version.number}:{language}:{digest}"
        stored = safe_get(key)
        if stored is not None:
            request.page_cache = "hit"
            return _conditional(request, stored)
        request.page_cache = "miss"
        if _expensive(request, language) and not _render_allowed(request):
            request.page_cache = "limited"
            response = HttpResponse(
                "Too many documents drawn for this address; try again in a minute.\n",
                status=429,
                content_type="text/plain; charset=utf-8",
            )
            response["Retry-After"] = "60"
            response["Cache-Control"] = "no-store"
            return response
        response = self.get_response(request)
        if request.method == "GET" and _storable(request, response):
            etag = hashlib.md5(response.content, usedforsecurity=False).hexdigest()[:16]
            response["ETag"] = f'"{version.number}-{language or "-"}-{etag}"'
            if version.last_modified:
                response["Last-Modified"] = version.last_modified
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, public=True, max_age=settings.PUBLIC_MAX_AGE)
            # The response itself, as Django's own cache middleware stores it: unpickled whole,
            # it is ready to send without building its headers again.
            safe_set(key, response, None)
        return _conditional(request, response)


# Documents that take a second or more to draw (a PDF, a workbook): a client address may have
# RENDER_LIMIT_PER_MINUTE of them drawn a minute; one already stored is served to anyone.
_EXPENSIVE_VIEWS = {"public:unit_pdf"}
_EXPENSIVE_FORMATS = {"xlsx", "pdf"}


def _expensive(request: HttpRequest, language: str) -> bool:
    match = _resolved(request.path_info, language)
    if match is None:
        return False
    return (
        match.view_name in _EXPENSIVE_VIEWS
        or request.GET.get("format") in _EXPENSIVE_FORMATS
        or match.kwargs.get("fmt") in _EXPENSIVE_FORMATS
    )


def _render_allowed(request: HttpRequest) -> bool:
    from django.core.cache import cache

    # The task worker warming a published edition's documents (public/warming.py): a key of
    # the WSGI environment, which no request from outside can set.
    if request.META.get(WARMING):
        return True

    # A window of a minute from the address's first drawing (incr keeps the expiry).
    key = f"renders:{client_address(request)}"
    try:
        cache.add(key, 0, 60)
        return cache.incr(key) <= settings.RENDER_LIMIT_PER_MINUTE
    except Exception:  # noqa: BLE001 - a cache outage does not refuse documents
        return True


def _resolved(path: str, language: str):
    # Addresses resolve only in the language of their prefix (LocaleMiddleware has not run).
    with translation.override(language or settings.LANGUAGE_CODE):
        try:
            return resolve(path)
        except Resolver404:
            return None


def _canonical_query(request: HttpRequest, language: str) -> str | None:
    """The query string of the page's own address ("" or "?…"), when the request carries a
    parameter its page does not read; None when it carries none (or the address is no page:
    its 404 is never stored)."""
    if not request.GET:
        return None
    match = _resolved(request.path_info, language)
    if match is None:
        return None
    read = QUERY_PARAMETERS.get(match.view_name, ())
    if all(name in read for name in request.GET):
        return None
    kept = [(name, value) for name in read for value in request.GET.getlist(name)]
    return f"?{urlencode(kept)}" if kept else ""


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "cookie" not in response.get("Vary", "").lower()
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not any(word in control for word in ("no-store", "no-cache", "private"))
        and len(response.content) <= _MAX_BYTES
    )


def _conditional(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    if not response.has_header("ETag") or not (
        "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META
    ):
        return response
    last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
    return get_conditional_response(
        request, etag=response["ETag"], last_modified=last_modified, response=response
    )


class PlainHttpPolicyMiddleware:
    """The Content Security Policy is enforced on https:// answers, as HSTS is sent on them only.
    On plain http:// (a local run: `make run`, a test or accessibility tool injecting its own
    script into the page) it is sent as Content-Security-Policy-Report-Only instead, unless
    CSP_ENFORCE_ON_HTTP is set: the browser still reports every violation in its console."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.is_secure() and not settings.CSP_ENFORCE_ON_HTTP and _POLICY in response:
            response[_REPORT_ONLY] = response[_POLICY]
            del response[_POLICY]
        return response


_POLICY = "Content-Security-Policy"
_REPORT_ONLY = "Content-Security-Policy-Report-Only"


class SignInThrottleMiddleware:
    """A sign-in that staff.backends.AddressThrottleBackend refused for its address's recent
    failures: a 429 saying to wait, with Retry-After, instead of the form's "wrong password"."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not getattr(request, "sign_in_throttled", False):
            return response
        minutes = max(1, settings.SIGN_IN_THROTTLE_SECONDS // 60)
        response = render(request, "staff/sign_in_throttled.html", {"minutes": minutes}, status=429)
        response["Retry-After"] = str(settings.SIGN_IN_THROTTLE_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
