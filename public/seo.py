"""Addresses that search engines and link previews read: a page's canonical address and the
same page in each language.

The canonical address keeps only the query parameters that make a different page (a unit
profile's `year`, a comparison's `year` and `units`); sorting, filters, a map's colouring and
download formats are views of the same page and point back to it.
"""

from django.conf import settings
from django.http import HttpRequest, QueryDict

from runtime.languages import in_language, x_default_path

KEPT_PARAMETERS = ("year", "units")


def canonical_path(request: HttpRequest) -> str:
    kept = QueryDict(mutable=True)
    for name in KEPT_PARAMETERS:
        values = request.GET.getlist(name)
        if values:
            kept.setlist(name, values)
    return request.path + (f"?{kept.urlencode()}" if kept else "")


def alternates(path: str) -> list[tuple[str, str]]:
    """(hreflang, path) of the page in every language, then x-default."""
    links = [(code, in_language(path, code)) for code, _name in settings.LANGUAGES]
    return [*links, ("x-default", x_default_path(path))]
