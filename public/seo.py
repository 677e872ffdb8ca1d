"""Addresses that search engines and link previews read: a page's canonical address and the
same page in each language.

The canonical address keeps only the query parameters that make a different page (a unit
profile's `year`, a comparison's `year` and `units`); sorting, filters, a map's colouring and
download formats are views of the same page and point back to it.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, QueryDict
from django.urls import Resolver404, resolve, translate_url
from django.utils import translation

KEPT_PARAMETERS = ("year", "units")


def canonical_path(request: HttpRequest) -> str:
    kept = QueryDict(mutable=True)
    for name in KEPT_PARAMETERS:
        values = request.GET.getlist(name)
        if values:
            kept.setlist(name, values)
    return request.path + (f"?{kept.urlencode()}" if kept else "")


def x_default_path(path: str) -> str:
    """The address for a reader whose language is neither: the home page's is the site root,
    which sends a reader to the language they chose before (or Vietnamese); any other page
    exists only with a language prefix, so it is the Vietnamese page (the default language)."""
    vietnamese = in_language(path, settings.LANGUAGE_CODE)
    # Addresses resolve only in the language of their prefix.
    with translation.override(settings.LANGUAGE_CODE):
        try:
            match = resolve(urlsplit(vietnamese).path)
        except Resolver404:
            return vietnamese
    return "/" if match.view_name == "public:home" else vietnamese


def in_language(path: str, code: str) -> str:
    """The same page in another language, whatever language is active: a prefixed address
    resolves only while its own language is active."""
    with translation.override(translation.get_language_from_path(path)):
        return translate_url(path, code)


def alternates(path: str) -> list[tuple[str, str]]:
    """(hreflang, path) of the page in every language, then x-default."""
    links = [(code, in_language(path, code)) for code, _name in settings.LANGUAGES]
    return [*links, ("x-default", x_default_path(path))]
