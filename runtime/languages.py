"""A page's address in each language of the site, as the page heads (hreflang) and sitemap.xml
give them: every page lives under /vi/ and /en/, and a reader of neither language is sent to
the Vietnamese one (the home page's being the site root)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve, translate_url
from django.utils import translation

# The one page the site root stands for (parindex.views.root sends a reader there).
HOME = "public:home"


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
    return "/" if match.view_name == HOME else vietnamese


def in_language(path: str, code: str) -> str:
    """The same page in another language, whatever language is active: a prefixed address
    resolves only while its own language is active."""
    with translation.override(translation.get_language_from_path(path)):
        return translate_url(path, code)
