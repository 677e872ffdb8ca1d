"""A public page as a PDF, drawn by WeasyPrint from the page's own HTML and print stylesheet.

WeasyPrint fetches what the page links to (stylesheets, chart SVGs). It never goes over HTTP:
the server may not reach its own public address, and a request to itself would hold a worker
while waiting on another. Instead `InProcessFetcher` answers addresses of this site from inside
the process: static files from the static storage or finders, a path the caller has already
drawn (`prepared`) from that drawing, every other path by calling the view it resolves to.
Anything else (another host, a file: address) is refused.

WeasyPrint is imported on first use (it loads Pango through cffi), so that importing the URL
configuration or the test suite does not pay for it.
"""

import mimetypes
from collections.abc import Mapping
from copy import copy
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest, QueryDict
from django.urls import Resolver404, resolve

# A path of the site (with its query, if any) -> (body, content type) already drawn for it.
Prepared = Mapping[str, tuple[bytes, str]]


def fetcher(request: HttpRequest, prepared: Prepared | None = None):
    """A WeasyPrint URL fetcher for the pages of the site that `request` came to."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class InProcessFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or parts.netloc != request.get_host():
                raise ValueError(f"not an address of this site: {url}")
            address = parts.path + (f"?{parts.query}" if parts.query else "")
            if prepared and address in prepared:
                body, content_type = prepared[address]
            else:
                body, content_type = local_response(request, parts.path, parts.query)
            return URLFetcherResponse(url, body, {"Content-Type": content_type})

    return InProcessFetcher(allowed_protocols=("http", "https", "data"))


def render_pdf(html: str, request: HttpRequest, prepared: Prepared | None = None) -> bytes:
    """The HTML of a page of this site (its relative links read against the request's address)
    as a PDF, with the print media rules applied; what it links to is fetched in-process, from
    `prepared` where the caller has drawn it already."""
    from weasyprint import HTML

    document = HTML(
        string=html,
        base_url=request.build_absolute_uri(),
        url_fetcher=fetcher(request, prepared),
        media_type="print",
    )
    return document.write_pdf()


def local_response(request: HttpRequest, path: str, query: str) -> tuple[bytes, str]:
    """What this site serves at `path?query` (GET, 200 only), without HTTP: a static file, or
    the response of the view the path resolves to, asked with a copy of `request`. A view's
    Http404 propagates."""
    static_prefix = "/" + settings.STATIC_URL.lstrip("/")
    if path.startswith(static_prefix):
        return _static(path.removeprefix(static_prefix))
    try:
        match = resolve(path)
    except Resolver404 as error:
        raise ValueError(f"no view at {path}") from error
    response = match.func(sub_request(request, path, query), *match.args, **match.kwargs)
    if response.status_code != 200:
        raise ValueError(f"{path} answered {response.status_code}")
    return response.content, response.get("Content-Type", "application/octet-stream")


def sub_request(request: HttpRequest, path: str, query: str) -> HttpRequest:
    """A GET of another path of the site, as the same reader (language, host) asked it."""
    sub = copy(request)
    sub.method = "GET"
    sub.path = sub.path_info = path
    sub.GET = QueryDict(query)
    sub.META = {**request.META, "PATH_INFO": path, "QUERY_STRING": query}
    return sub


def _static(name: str) -> tuple[bytes, str]:
    """A static file where the finders see it (the source, never a stale collected copy), else
    as collected."""
    found = finders.find(name)
    if found:
        with open(found, "rb") as handle:
            body = handle.read()
    elif staticfiles_storage.exists(name):
        with staticfiles_storage.open(name) as handle:
            body = handle.read()
    else:
        raise ValueError(f"no static file {name}")
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return body, content_type
