"""Answers that are files: a drawing (chart, share card, printed profile) kept in the cache under
the data version, and a table as a download in one of the download formats.

Here, below public and surveys, because both give such answers, and the data version a drawing
is keyed by is the domain's (scoring.models.DataVersion). A drawing's key holds the data version
(bumped by every publish and reopening), the reader's language (labels and numbers are written
in it) and the address, so a publish refreshes every entry at once and one language never sees
the other's. The caller checks that the edition or unit is public before asking, so a reopened
edition's drawing is never served from an entry made while it was published.
"""

from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language

from scoring.downloads import render
from scoring.versions import data_version_number

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}

MAX_AGE = 60 * 60  # browsers and proxies: an hour; the server's cache follows the data version


def cache_key(kind: str, path: str) -> str:
    return f"{kind}:{data_version_number()}:{get_language()}:{path}"


def cached_response(
    kind: str,
    path: str,
    draw: Callable[[], bytes | str],
    content_type: str,
    *,
    timeout: int | None = None,
) -> HttpResponse:
    """The drawing of `path` from the cache, drawn and kept on a miss; public for MAX_AGE.
    No timeout: a new data version makes a new key, and the cache's LRU evicts the old."""
    key = cache_key(kind, path)
    body = cache.get(key)
    if body is None:
        body = draw()
        cache.set(key, body, timeout)
    response = HttpResponse(body, content_type=content_type)
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


def table_download(columns: list[str], rows: list[dict], fmt: str, filename: str) -> HttpResponse:
    """The table as a file to save (`fmt` one of scoring.downloads.FORMATS)."""
    response = HttpResponse(render(columns, rows, fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
